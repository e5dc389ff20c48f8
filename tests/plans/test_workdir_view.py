"""The planning page shows what `sot plan` wrote into SOT_PLAN_DIR."""

import json
import sys

import pytest

from sot.plans.conf import plan_dir


@pytest.fixture
def cli_dir(tmp_path, monkeypatch):
    """A planning work directory with reach and MCLP results and a report."""
    tmp_path = tmp_path / "cli"
    tmp_path.mkdir()
    (tmp_path / "reach.json").write_text(
        json.dumps(
            {
                "threshold_min": 15,
                "facilities": 2,
                "population": 1000.0,
                "covered": 806.0,
                "share_covered": 0.806,
                "unit_time_s": [1.0, 2.0],
                "municipalities": [
                    {
                        "code": "2321",
                        "name": "Åre",
                        "population": 600.0,
                        "covered": 450.0,
                        "share_covered": 0.75,
                        "median_time_min": 9.5,
                    }
                ],
            }
        )
    )
    (tmp_path / "site-mclp.json").write_text(
        json.dumps(
            {
                "model": "mclp",
                "chosen": [4, 9, 12],
                "gap": 0.0,
                "minutes": 15,
                "covered_before": 806.0,
                "covered_after": 951.0,
                "chosen_sites": [
                    {"name": "Coop Vallbo", "lat": 63.05, "lon": 12.9},
                    {"name": "Handlar'n Huså", "lat": 63.4, "lon": 13.1},
                    {"name": "Ica Duved", "lat": 63.39, "lon": 12.93},
                ],
            }
        )
    )
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 test")
    monkeypatch.setenv("SOT_PLAN_DIR", str(tmp_path))
    return tmp_path


def test_coordinator_sees_reach_and_siting(client, coordinator, cli_dir):
    client.force_login(coordinator)
    page = client.get("/planering/").content.decode()
    assert "80,6 %" in page and "Åre" in page and "75,0 %" in page  # Swedish decimals
    assert "Maximal täckning (MCLP)" in page and "Handlar&#x27;n Huså" in page
    assert "högst 0,0 %" in page and "806 → 951" in page
    assert 'href="/planering/rapport.pdf"' in page
    assert 'href="/planering/rapport.html"' not in page  # no HTML report written
    pdf = client.get("/planering/rapport.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(
        b"%PDF"
    )
    assert client.get("/planering/rapport.html").status_code == 404


def test_empty_directory_explains_what_to_run(client, are_officer):
    client.force_login(are_officer)
    page = client.get("/planering/").content.decode()
    assert "Inga planeringsresultat från kommandoraden ännu" in page
    assert "sot plan network" in page and "SOT_PLAN_DIR" in page
    # found on the walk: officials were shown the server's path (/work/main/plan)
    assert str(plan_dir()) not in page


def test_the_server_path_is_shown_to_the_superuser_only(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x-1234-y")
    client.force_login(admin)
    page = client.get("/planering/").content.decode()
    assert f"Planeringskatalogen på servern: {plan_dir()}" in page


def test_operator_and_visitor_are_kept_out(client, kall_operator, cli_dir):
    assert client.get("/planering/").status_code == 302  # to the login page
    client.force_login(kall_operator)
    assert client.get("/planering/").status_code == 403
    assert client.get("/planering/rapport.pdf").status_code == 403


def test_page_says_how_to_install_the_planning_tools_when_absent(
    client, are_officer, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOT_PLAN_DIR", str(tmp_path))
    client.force_login(are_officer)
    page = client.get("/planering/").content.decode()
    assert 'id="planning-extra"' not in page  # the suite installs the extra
    # None in sys.modules is how Python marks a module that cannot be imported
    monkeypatch.setitem(sys.modules, "osmium", None)
    monkeypatch.setitem(sys.modules, "numba", None)
    page = client.get("/planering/").content.decode()
    assert "Planeringsverktygen (sot plan) är inte installerade här" in page
    assert "numba, osmium saknas" in page
    assert "pip install &#x27;sot[planning]&#x27;" in page
