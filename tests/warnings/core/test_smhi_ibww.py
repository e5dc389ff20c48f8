"""SMHI IBW warning.json and area metadata, on recorded and written documents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sot.warnings.core import smhi
from sot.warnings.core.model import Hazard, Level, MsgType, ParseError, Source, Status


def test_recorded_fixture_water_shortage_message(recorded):
    doc = smhi.parse_warnings(
        (recorded / "smhi_ibww_warning_fixture_nicxe.json").read_bytes()
    )
    assert doc.snapshot and doc.source is Source.SMHI and doc.snapshot_sender == "SMHI"
    (msg,) = doc.messages
    assert msg.identifier == "3122-9873"
    assert msg.level is Level.MESSAGE
    assert msg.event_code == "WATER_SHORTAGE"
    assert msg.hazard is Hazard.WATER_SHORTAGE
    assert msg.sent == datetime(2026, 6, 30, 14, 5, 11, 376000, tzinfo=UTC)
    assert msg.onset == datetime(2026, 4, 21, 9, 2, 43, 328000, tzinfo=UTC)
    assert msg.expires is None
    # The fixture's polygon was emptied: no geometry, the county code remains.
    (area,) = msg.areas
    assert area.geometries == ()
    assert area.county_codes == ("12",)
    assert "Låga grundvattennivåer" in msg.description.sv
    assert msg.description.en.endswith("Low groundwater levels")


def test_recorded_area_metadata(recorded):
    districts = smhi.parse_areas(
        (recorded / "smhi_ibww_metadata_area.json").read_bytes()
    )
    assert len(districts) == 39
    counties = {d.id: d for d in districts if d.is_county}
    assert len(counties) == 21
    assert counties["23"].name_sv == "Jämtlands län"
    assert counties["23"].geometries[0]["type"] == "Polygon"
    assert sum(not d.is_county for d in districts) == 18


def test_orange_wind_jamtland(written):
    doc = smhi.parse_warnings(
        (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()
    )
    (msg,) = doc.messages
    assert msg.identifier == "4711-9001"
    assert (msg.level, msg.hazard, msg.event_code) == (
        Level.ORANGE,
        Hazard.WIND,
        "WIND",
    )
    assert msg.msg_type is MsgType.ALERT and msg.status is Status.ACTUAL
    assert (
        msg.headline.sv
        == "Orange – Vind i fjällen – Jämtlandsfjällen och Härjedalsfjällen"
    )
    assert msg.onset == datetime(2023, 3, 3, 4, 0, tzinfo=UTC)
    assert msg.expires == datetime(2023, 3, 3, 19, 0, tzinfo=UTC)
    ring = msg.areas[0].geometries[0]["coordinates"][0]
    assert ring[0] == ring[-1] == [12.1, 62.2]
    assert "luftburna elledningar" in msg.description.sv


def test_several_areas_and_feature_collection(written):
    doc = smhi.parse_warnings(
        (written / "smhi_ibww_several_areas_hole_edge.json").read_bytes()
    )
    assert [m.identifier for m in doc.messages] == ["5001-1", "5001-2", "5001-3"]
    assert [m.level for m in doc.messages] == [Level.YELLOW, Level.ORANGE, Level.YELLOW]
    assert len(doc.messages[0].areas[0].geometries[0]["coordinates"]) == 2  # a hole
    assert doc.messages[2].areas[0].geometries[0]["type"] == "MultiPolygon"


def test_empty_snapshot_is_valid(written):
    doc = smhi.parse_warnings((written / "smhi_ibww_empty.json").read_bytes())
    assert doc.messages == () and doc.snapshot


@pytest.mark.parametrize(
    ("code", "hazard"),
    [
        ("WIND", Hazard.WIND),
        ("WIND_SEA", Hazard.SEA),
        ("SNOWFALL", Hazard.SNOW),
        ("SNOW", Hazard.SNOW),
        ("FIRE", Hazard.FIRE),
        ("THUNDERSTORM", Hazard.THUNDER),
        ("HIGH_TEMPERATURE", Hazard.TEMPERATURE),
        ("SOMETHING_NEW", Hazard.OTHER),
    ],
)
def test_hazard_for_event_code(code, hazard):
    assert smhi.hazard_for_event_code(code) is hazard


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ('{"id": 1}', "expected a list"),
        ('[{"id": 1, "event": {"code": "WIND"}}]', "[0].warningAreas"),
        (
            '[{"id": 1, "event": {"code": "WIND"}, "warningAreas": [{"id": 2,'
            ' "warningLevel": {"code": "PURPLE"}, "published": "2024-01-01T00:00:00Z"}]}]',
            "unknown warning level",
        ),
        (
            '[{"id": 1, "event": {"code": "WIND"}, "warningAreas": [{"id": 2,'
            ' "warningLevel": {"code": "RED"}, "published": "2024-01-01T00:00:00"}]}]',
            "without a UTC offset",
        ),
        (
            '[{"id": 1, "event": {"code": "WIND"}, "warningAreas": [{"id": 2,'
            ' "warningLevel": {"code": "RED"}, "published": "2024-01-01T00:00:00Z",'
            ' "area": {"type": "Polygon", "coordinates": [[[200, 0], [1, 1], [0, 1], [200, 0]]]}}]}]',
            "out of range",
        ),
        ("[1, 2", "malformed JSON"),
    ],
)
def test_malformed_documents_give_clear_errors(doc, fragment):
    with pytest.raises(ParseError) as info:
        smhi.parse_warnings(doc)
    assert fragment in str(info.value)
