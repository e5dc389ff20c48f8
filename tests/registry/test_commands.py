"""The sot CLI commands of the register, called as a user would."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sot.accounts.models import ApiToken, Role, User
from sot.registry.models import Point


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_createuser_with_role_scope_and_token(jamtland):
    out = _run(
        "createuser",
        "berg",
        "--role",
        "municipal_officer",
        "--municipality",
        "2326",
        "--token",
        "gis",
    )
    user = User.objects.get(username="berg")
    assert user.role == Role.MUNICIPAL_OFFICER and user.municipality.code == "2326"
    assert "password:" in out
    secret = out.split("API token (shown once): ")[1].strip()
    assert ApiToken.authenticate(secret) == user


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--role", "municipal_officer", "--municipality", "9999"],
            "not in the register",
        ),
        (["--role", "county_coordinator"], "needs --county"),
        (["--role", "point_operator", "--point", "atlantis"], "unknown point id"),
    ],
)
def test_createuser_refuses_bad_scope(jamtland, args, message):
    with pytest.raises(CommandError, match=message):
        _run("createuser", "x", *args)
    assert not User.objects.filter(username="x").exists()


def test_export_then_import_cli(jamtland, tmp_path):
    target = tmp_path / "punkter.geojson"
    call_command(
        "export",
        "points",
        "--format",
        "geojson",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    doc = json.loads(target.read_text())
    assert len(doc["features"]) == 8
    csv_file = tmp_path / "punkter.csv"
    call_command(
        "export",
        "points",
        "--format",
        "csv",
        "--output",
        str(csv_file),
        stderr=io.StringIO(),
    )
    out = _run("import", "points", str(csv_file))
    assert "created 0, updated 0, unchanged 8" in out


def test_import_cli_reports_errors_and_keeps_nothing(jamtland, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id;name;municipality_code;lat;lon\nny;Ny;2321;91;13\n", encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="import failed"):
        call_command("import", "points", str(bad), stdout=io.StringIO(), stderr=err)
    assert "rad 2, lat" in err.getvalue()
    assert not Point.objects.filter(slug="ny").exists()


def test_import_municipalities_of_another_county(db):
    out = _run("import", "municipalities", "--county", "25")
    assert "Norrbottens län: 14 municipalities" in out
    with pytest.raises(CommandError, match="unknown county"):
        _run("import", "municipalities", "--county", "99")


def test_import_municipalities_of_every_county(db):
    from sot.registry.models import County, Municipality

    out = _run("import", "municipalities", "--all")
    assert "Sverige: 290 municipalities loaded" in out
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert Municipality.objects.filter(boundary=None).count() == 0
    assert set(Municipality.objects.values_list("county_code", flat=True)) == set(
        County.objects.values_list("code", flat=True)
    )
    with pytest.raises(CommandError):
        _run("import", "municipalities", "--all", "--county", "23")


@pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="SQLite online backup; PostgreSQL below"
)
def test_backup_and_restore_sqlite(transactional_db, tmp_path):
    from sot.registry import demo

    demo.load()
    target = tmp_path / "b.sqlite3"
    out = _run("backup", str(target))
    assert "sha256:" in out and target.with_name("b.sqlite3.sha256").is_file()
    Point.objects.filter(slug="hallen").delete()
    _run("restore", str(target), "--yes")
    assert Point.objects.filter(slug="hallen").exists()


def test_restore_refuses_a_damaged_backup(transactional_db, tmp_path):
    from sot.registry import demo

    demo.load()
    target = tmp_path / ("b.sqlite3" if connection.vendor == "sqlite" else "b.pgdump")
    if connection.vendor == "postgresql":
        import shutil

        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump not installed")
    _run("backup", str(target))
    with target.open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\x00garbage\x00")
    with pytest.raises(CommandError, match="checksum mismatch"):
        _run("restore", str(target), "--yes")
    assert Point.objects.filter(slug="kall").exists()
