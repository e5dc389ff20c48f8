"""Power-outage areas: GeoJSON polygons and CSV lists of postcodes and localities."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sot.warnings.core import outage
from sot.warnings.core.model import Hazard, MsgType, ParseError

NOW = datetime(2024, 1, 10, 13, 0, tzinfo=UTC)


def test_geojson(written):
    doc = outage.parse_geojson(
        (written / "outage_jamtland.geojson").read_bytes(), now=NOW
    )
    assert doc.snapshot and doc.snapshot_sender == "Exempelnät AB"
    poly, villages = doc.messages
    assert poly.hazard is Hazard.POWER_OUTAGE
    assert poly.customers_affected == 412
    # "2024-01-10 22:00" without an offset is Swedish local time (CET in January).
    assert poly.restoration_expected == datetime(2024, 1, 10, 21, 0, tzinfo=UTC)
    assert poly.sent == datetime(2024, 1, 10, 13, 0, tzinfo=UTC)
    assert poly.areas[0].geometries[0]["type"] == "Polygon"
    assert villages.areas[0].localities == ("Ottsjö", "Välliste")
    assert villages.areas[0].municipality_codes == ("2321",)


def test_csv_groups_rows_by_id(written):
    doc = outage.parse_csv((written / "outage_jamtland.csv").read_bytes(), now=NOW)
    kall, borgvattnet = doc.messages
    assert kall.identifier == "EX-2001"
    assert kall.customers_affected == 155
    assert kall.areas[0].postcodes == ("83796", "83797")
    assert kall.restoration_expected == datetime(2024, 1, 10, 20, 30, tzinfo=UTC)
    assert kall.headline.sv == "Elavbrott: Kall"
    assert borgvattnet.areas[0].localities == ("Borgvattnet",)
    assert kall.sender == "Exempelnät AB"


def test_resolved_outage_is_a_cancel():
    csv = "id,operator,locality,status\nEX-9,Nät AB,Kall,resolved\n"
    (msg,) = outage.parse_csv(csv, now=NOW).messages
    assert msg.msg_type is MsgType.CANCEL
    assert msg.identifier == "EX-9-resolved"
    assert msg.references[0].identifier == "EX-9"


def test_csv_without_id_column():
    csv = "postnummer,kunder\n83796,3\n"
    (msg,) = outage.parse_csv(csv, now=NOW).messages
    assert msg.identifier == "outage-83796"
    assert not outage.parse_csv(csv, now=NOW).snapshot  # no operator named


@pytest.mark.parametrize(
    ("csv", "fragment"),
    [
        ("", "empty CSV"),
        ("a,b\n1,2\n", "postcode/postnummer or locality/ort"),
        ("ort,kunder\nKall,many\n", "whole number"),
        ("ort,kunder\nKall,-3\n", "below 0"),
        ("postnummer\n1234\n", "postcode"),
        ("ort,kunder\nKall\n", "fields, the header has"),
        ('ort\n"Kall\n', "malformed CSV"),
    ],
)
def test_bad_csv(csv, fragment):
    with pytest.raises(ParseError) as info:
        outage.parse_csv(csv, now=NOW)
    assert fragment in str(info.value)


def test_bad_geojson():
    with pytest.raises(ParseError, match="FeatureCollection"):
        outage.parse_geojson('{"type": "Point", "coordinates": [1, 2]}')
    with pytest.raises(ParseError, match="properties.id"):
        outage.parse_geojson(
            '{"type": "FeatureCollection", "features": [{"type": "Feature"}]}'
        )
