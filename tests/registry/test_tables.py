"""CSV/XLSX import and export of points: all or nothing, errors by row and field."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from sot.registry import tables
from sot.registry.models import ChangeRecord, Point

HEADER = "id;name;village;municipality_code;lat;lon;lifecycle;services;backup_tank_l"


def _csv(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def _import(data: bytes, name: str = "punkter.csv", **kw):
    return tables.import_points(actor=None, rows=tables.read_table(data, name), **kw)


def test_good_csv_creates_and_updates(jamtland):
    # services with ';' inside a ';'-separated file must be quoted
    data = _csv(
        'vallbo;Vallbo;Vallbo;2321;63,05;12,9;planned;"food;fuel_diesel";',
        'kall;Kall;Kall;2321;63.4726;13.2334;established;"food;warm_room:40";1500',
    )
    result = _import(data)
    assert result.created == ["vallbo"] and result.updated == ["kall"]
    vallbo = Point.objects.get(slug="vallbo")
    assert vallbo.lat == pytest.approx(63.05)
    assert sorted(vallbo.point_services.values_list("service__code", flat=True)) == [
        "food",
        "fuel_diesel",
    ]
    assert Point.objects.get(slug="kall").backup_power.tank_l == 1500
    assert ChangeRecord.objects.filter(object_id="kall", source="import").exists()


def test_one_bad_row_keeps_nothing_and_names_row_and_field(jamtland):
    data = _csv(
        "ny1;Ny ett;By;2321;63.1;13.1;planned;;",
        "ny2;Ny två;By;9999;63.1;13.1;planned;;",  # unknown municipality
        "ny3;Ny tre;By;2321;48.85;2.35;planned;;",  # Paris
        "kall;Kall;Kall;2321;63.4726;13.2334;established;;-10",  # negative tank
    )
    with pytest.raises(tables.ImportFailed) as exc:
        _import(data)
    found = {(e.row, e.field) for e in exc.value.errors}
    assert found == {(3, "municipality_code"), (4, "lat"), (5, "backup_power.tank_l")}
    assert not Point.objects.filter(slug__startswith="ny").exists()
    assert Point.objects.get(slug="kall").backup_power.tank_l == 1000


def test_duplicate_id_in_file(jamtland):
    data = _csv(
        "ny1;A;By;2321;63.1;13.1;planned;;", "ny1;B;By;2321;63.1;13.1;planned;;"
    )
    with pytest.raises(tables.ImportFailed) as exc:
        _import(data)
    assert [(e.row, e.field) for e in exc.value.errors] == [(3, "id")]
    assert "rad 2" in exc.value.errors[0].message


def test_wrong_encoding_is_explained(jamtland):
    data = _csv("ny1;Östersund;By;2321;63.1;13.1;planned;;", encoding="cp1252")
    with pytest.raises(tables.ImportFailed) as exc:
        _import(data)
    message = exc.value.errors[0].message
    assert "inte UTF-8" in message and "Windows-1252" in message


def test_missing_and_unknown_columns(jamtland):
    with pytest.raises(tables.ImportFailed) as exc:
        _import(_csv("x;y", header="id;colour"))
    messages = " ".join(str(e) for e in exc.value.errors)
    assert (
        "colour" in messages and "name" in messages and "municipality_code" in messages
    )
    assert "lat och lon" in messages


def test_outside_municipality_needs_confirmation(jamtland):
    data = _csv("ny1;Ny;By;2321;64.068;14.139;planned;;")  # a Krokom position
    with pytest.raises(tables.ImportFailed) as exc:
        _import(data)
    assert "--confirm-outside" in exc.value.errors[0].message
    assert _import(data, confirm_outside=True).created == ["ny1"]


def test_dry_run_saves_nothing(jamtland):
    result = _import(_csv("ny1;Ny;By;2321;63.1;13.1;planned;;"), dry_run=True)
    assert result.created == ["ny1"]
    assert not Point.objects.filter(slug="ny1").exists()


def test_xlsx_round_trip(jamtland):
    points = Point.objects.order_by("slug")
    data = tables.to_xlsx(tables.export_rows(points))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 9  # header + eight points
    # Change a name in the workbook and import it back.
    wb = Workbook()
    ws = wb.active
    rows = list(sheet.iter_rows(values_only=True))
    name_col = rows[0].index("name")
    for row in rows:
        row = list(row)
        if row[0] == "ottsjo":
            row[name_col] = "Ottsjö by"
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    result = _import(buf.getvalue(), "punkter.xlsx")
    assert result.updated == ["ottsjo"]
    assert len(result.unchanged) == 7
    assert Point.objects.get(slug="ottsjo").name == "Ottsjö by"


def test_csv_export_opens_in_excel_and_reimports_unchanged(jamtland):
    data = tables.to_csv(tables.export_rows(Point.objects.all()))
    assert data.startswith("\ufeff".encode())
    assert "Stora Blåsjön".encode() in data
    result = _import(data)
    assert result.created == [] and result.updated == [] and len(result.unchanged) == 8
