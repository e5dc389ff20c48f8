"""Warnings for residents: in force over a point or municipality, with level,
validity and a link to the issuer, on the start page, point pages and snapshot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def smhi_orange(jamtland):
    """An orange SMHI wind warning in force over Åre municipality (and Kall)."""
    from sot.registry.models import Municipality, Point
    from sot.warnings.models import WarningMessage

    now = timezone.now()
    w = WarningMessage.objects.create(
        source="smhi", identifier="smhi-test-1", format="smhi_ibww", sent=now,
        msg_type="Alert", status="Actual", hazard="wind", level="ORANGE",
        headline_sv="Mycket hårt väder i fjällen", headline_en="Severe weather",
        onset=now - timedelta(hours=1), expires=now + timedelta(hours=12),
        web="https://www.smhi.se/varningar/1", state="in_force", imported_via="test",
    )  # fmt: skip
    w.municipalities.add(Municipality.objects.get(code="2321"))
    w.points.add(Point.objects.get(slug="kall"))
    return w


def test_start_and_point_pages_show_the_warning(client, smhi_orange):
    for url in ("/", "/punkt/kall/", "/punkt/ottsjo/"):
        page = client.get(url).content.decode()
        assert "Varningar som gäller nu" in page, url
        assert '<strong class="lv lv-orange">Orange varning</strong>' in page
        assert "Mycket hårt väder i fjällen" in page and "(till " in page
        assert '<a href="https://www.smhi.se/varningar/1">SMHI</a>' in page
    # a point in another municipality is not under it
    assert "Mycket hårt" not in client.get("/punkt/valsjobyn/").content.decode()
    page = client.get("/en/punkt/kall/").content.decode()
    assert "Orange warning" in page and "Severe weather" in page


def test_snapshot_carries_the_warning(tmp_path, smhi_orange):
    from sot.public import site

    site.publish(tmp_path / "site")
    page = (tmp_path / "site" / "punkt" / "kall" / "index.html").read_text()
    assert "Mycket hårt väder i fjällen" in page and "smhi.se/varningar/1" in page


def test_ended_warning_is_not_shown(client, smhi_orange):
    smhi_orange.state = "ended"
    smhi_orange.save()
    assert "Varningar som gäller nu" not in client.get("/").content.decode()


def test_municipality_page_shows_the_warnings_over_it(client, smhi_orange):
    """Åre's page (live, Swedish and English) shows the warning; Krokom's does not."""
    page = client.get("/kommun/2321/").content.decode()
    assert "Varningar som gäller nu" in page
    assert '<strong class="lv lv-orange">Orange varning</strong>' in page
    assert "Mycket hårt väder i fjällen" in page
    assert '<a href="https://www.smhi.se/varningar/1">SMHI</a>' in page
    assert "Severe weather" in client.get("/en/kommun/2321/").content.decode()
    assert "Mycket hårt" not in client.get("/kommun/2309/").content.decode()


def test_municipality_page_without_points_still_shows_its_warning(client, smhi_orange):
    """A municipality with no public point is still told about the warning."""
    from sot.registry.models import Municipality, Point

    krokom = Municipality.objects.get(code="2309")
    Point.objects.filter(municipality=krokom).delete()
    smhi_orange.municipalities.add(krokom)
    page = client.get("/kommun/2309/").content.decode()
    assert "Kommunen har inga SOT-punkter ännu." in page
    assert "Mycket hårt väder i fjällen" in page


def test_snapshot_municipality_pages_carry_the_warning(tmp_path, smhi_orange):
    from sot.public import site

    site.publish(tmp_path / "site")
    are = (tmp_path / "site" / "kommun" / "2321" / "index.html").read_text()
    assert "Mycket hårt väder i fjällen" in are and "smhi.se/varningar/1" in are
    en = (tmp_path / "site" / "en" / "kommun" / "2321" / "index.html").read_text()
    assert "Severe weather" in en
    krokom = (tmp_path / "site" / "kommun" / "2309" / "index.html").read_text()
    assert "Mycket hårt" not in krokom
