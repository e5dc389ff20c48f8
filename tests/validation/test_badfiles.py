"""The bad-file corpus against every import: the plain reader, the point import in
the admin and the CLI, and the roster import in the service and the API. Each file
is refused with a clear Swedish message and nothing is stored (#12)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.support.badfiles import corpus

from sot.validation import tabular

CORPUS = corpus()
REFUSED = [c for c in CORPUS if c[0] != "xlsx claiming 17 billion cells"]


@pytest.mark.parametrize(
    ("name", "filename", "data", "words"), REFUSED, ids=[c[0] for c in REFUSED]
)
def test_reader_refuses_with_a_clear_message(name, filename, data, words):
    with pytest.raises(tabular.TableError) as info:
        tabular.read(data, filename)
    assert words in str(info.value)
    assert "Traceback" not in str(info.value)


def test_declared_sheet_dimensions_are_not_trusted():
    """A sheet that claims A1:XFD1048576 is read as the two cells it holds."""
    from tests.support.badfiles import huge_dimension_xlsx

    rows = tabular.read(huge_dimension_xlsx(), "p.xlsx")
    assert rows == [["id", "name"], ["x", "y"]]


def test_too_large_a_file_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_BYTES", 1000)
    with pytest.raises(tabular.TableError, match="för stor"):
        tabular.read(b"a;b\n" * 1000, "p.csv")


@pytest.mark.db
@pytest.mark.parametrize(
    ("name", "filename", "data", "words"), REFUSED, ids=[c[0] for c in REFUSED]
)
def test_point_import_in_the_admin_and_cli(
    client, coordinator, tmp_path, name, filename, data, words
):
    from sot.registry import imports
    from sot.registry.models import Point

    before = Point.objects.count()
    client.force_login(coordinator)
    r = client.post(
        "/admin/registry/point/import/",
        {"file": SimpleUploadedFile(filename, data)},
    )
    if r.status_code == 302:  # queued: the worker reads the file
        imports.run_job(int(r["Location"].rstrip("/").rsplit("/", 1)[1]))
        r = client.get(r["Location"])
    assert r.status_code == 200
    assert "Ingenting importerades" in r.content.decode()
    assert words in r.content.decode()
    path = tmp_path / filename
    path.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "points", str(path), stdout=io.StringIO(), stderr=err)
    assert Point.objects.count() == before


@pytest.mark.db
@pytest.mark.parametrize(
    ("name", "filename", "data", "words"), REFUSED, ids=[c[0] for c in REFUSED]
)
def test_roster_import_service_and_api(
    client, are_officer, name, filename, data, words
):
    from sot.accounts.models import ApiToken
    from sot.outreach import roster
    from sot.outreach.models import Member
    from sot.registry.models import Municipality

    are = Municipality.objects.get(code="2321")
    with pytest.raises(roster.RosterFileError) as info:
        roster.import_roster(
            by=are_officer, municipality=are, data=data, filename=filename
        )
    assert words in str(info.value)
    from sot.registry import imports

    token = ApiToken.issue(user=are_officer, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = client.post(
        "/api/v1/notify/roster/import",
        {"municipality": "2321", "file": SimpleUploadedFile(filename, data)},
        **auth,
    )
    if r.status_code == 202:  # queued: the worker reads the file
        imports.run_job(r.json()["id"])
        r = client.get(r.json()["url"], **auth)
        assert r.json()["state"] == "failed", r.content
        assert words in r.json()["errors"][0]["message"]
    else:
        assert r.status_code == 422, r.content
    assert Member.objects.count() == 0


@pytest.mark.db
def test_windows_1252_roster_is_refused_not_garbled(are_officer):
    """Excel's "CSV" in Sweden is Windows-1252: refused with a hint, never stored as
    "�sa �berg"."""
    from sot.outreach import roster
    from sot.outreach.models import Member
    from sot.registry.models import Municipality

    data = "namn;telefon\nÅsa Öberg;0701740650\n".encode("cp1252")
    are = Municipality.objects.get(code="2321")
    with pytest.raises(roster.RosterFileError, match="Windows-1252"):
        roster.import_roster(by=are_officer, municipality=are, data=data)
    assert not Member.objects.exists()


@pytest.mark.db
def test_a_request_over_the_limit_gets_413_before_it_is_read(
    client, coordinator, settings
):
    settings.SOT_MAX_UPLOAD_BYTES = 10_000
    client.force_login(coordinator)
    r = client.post(
        "/admin/registry/point/import/",
        {"file": SimpleUploadedFile("p.csv", b"x" * 20_000)},
    )
    assert r.status_code == 413
    assert "för stor" in r.content.decode()
