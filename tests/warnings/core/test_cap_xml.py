"""CAP 1.2 XML and CAP-JSON: the OASIS examples, a real NOAA/NWS pair, written cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sot.warnings.core import cap
from sot.warnings.core.model import Hazard, Level, MsgType, ParseError, Status

XSD = "cap/CAP-v1.2.xsd"


@pytest.mark.parametrize(
    "name",
    [
        "oasis_cap12_appendixA1.xml",
        "oasis_cap12_appendixA2.xml",
        "oasis_cap12_appendixA3.xml",
        "oasis_cap12_appendixA4.xml",
        "google_PAAQ-4-mg5a94.xml",
    ],
)
def test_recorded_cap12_validates_and_parses(recorded, name):
    data = (recorded / "cap" / name).read_bytes()
    assert cap.validate_xml(data, recorded / XSD) == []
    doc = cap.parse_xml(data)
    assert len(doc.messages) == 1
    assert doc.messages[0].identifier


def test_cap11_nws_parses_but_does_not_validate_as_12(recorded):
    data = (recorded / "cap" / "nws_real_alert_5c2cf27b.xml").read_bytes()
    errors = cap.validate_xml(data, recorded / XSD)
    assert errors and "cap:1.1" in errors[0]
    (msg,) = cap.parse_xml(data).messages
    assert msg.hazard is Hazard.SNOW  # Blizzard Warning
    assert msg.areas[0].geometries == ()  # NWS sent an empty <polygon>
    assert ("FIPS6", "027031") in msg.areas[0].other_codes


def test_appendix_a2_polygon_is_turned_to_lon_lat(recorded):
    (msg,) = cap.parse_xml(
        (recorded / "cap" / "oasis_cap12_appendixA2.xml").read_bytes()
    ).messages
    ring = msg.areas[0].geometries[0]["coordinates"][0]
    assert ring[0] == [-120.14, 38.47]  # CAP writes 38.47,-120.14 (lat,lon)
    assert msg.hazard is Hazard.THUNDER
    assert msg.level is Level.ORANGE  # severity Severe


def test_appendix_a3_update_references(recorded):
    (msg,) = cap.parse_xml(
        (recorded / "cap" / "oasis_cap12_appendixA3.xml").read_bytes()
    ).messages
    assert msg.msg_type is MsgType.UPDATE
    (ref,) = msg.references
    assert (ref.sender, ref.identifier) == ("trinet@caltech.edu", "TRI13970876.1")
    assert ref.sent == datetime(2003, 6, 12, 3, 30, tzinfo=UTC)


def test_tsunami_cancellation_references_three_messages(recorded):
    (msg,) = cap.parse_xml(
        (recorded / "cap" / "google_PAAQ-4-mg5a94.xml").read_bytes()
    ).messages
    assert [r.identifier for r in msg.references] == [
        "PAAQ-1-mg5a94",
        "PAAQ-2-mg5a94",
        "PAAQ-3-mg5a94",
    ]


def test_legacy_smhi_cap_json(recorded):
    doc = cap.parse_json(
        (recorded / "smhi_legacy_alerts_capjson_2016-11-29.json").read_bytes()
    )
    (msg,) = doc.messages
    assert msg.identifier == "smhi-bpm-1480440396515"
    assert msg.level is Level.YELLOW  # system_event_level_id 1, not severity "Extreme"
    assert msg.hazard is Hazard.SEA
    assert msg.headline.sv == "Bottenviken"
    assert msg.sent == datetime(2016, 11, 29, 17, 30, 12, tzinfo=UTC)


def test_written_swedish_alert_update_cancel(written, recorded):
    alert, update, cancel = (
        (written / f"cap_sv_wind_{n}.xml").read_bytes()
        for n in ("alert", "update", "cancel")
    )
    for data in (alert, update, cancel):
        assert cap.validate_xml(data, recorded / XSD) == []
    (a,) = cap.parse_xml(alert).messages
    assert a.headline.sv.startswith("Orange varning") and a.headline.en.startswith(
        "Orange warning"
    )
    assert a.instruction == type(a.instruction)(
        sv="Undvik onödiga resor.", en="Avoid unnecessary travel."
    )
    assert a.areas[0].county_codes == ("23",) and a.areas[0].nuts3_codes == ("SE322",)
    assert (a.level, a.hazard) == (Level.ORANGE, Hazard.WIND)
    (u,) = cap.parse_xml(update).messages
    assert u.msg_type is MsgType.UPDATE and u.level is Level.RED
    assert u.references[0].identifier == "sot-test-2024-0001"
    circle = u.areas[0].geometries[0]["coordinates"][0]
    assert len(circle) == 33
    (c,) = cap.parse_xml(cancel).messages
    assert c.msg_type is MsgType.CANCEL and c.areas == ()


def test_exercise_with_municipality_geocode(written):
    (msg,) = cap.parse_xml((written / "cap_exercise_kommun.xml").read_bytes()).messages
    assert msg.status is Status.EXERCISE
    assert msg.areas[0].municipality_codes == ("2309",)


def test_entity_expansion_is_refused(written):
    data = (written / "entity_attack.xml").read_bytes()
    with pytest.raises(ParseError, match="unsafe XML"):
        cap.parse_xml(data)


@pytest.mark.parametrize(
    ("xml", "fragment"),
    [
        ("<alert", "malformed XML"),
        ("<feed xmlns='http://www.w3.org/2005/Atom'/>", "no CAP <alert>"),
        ("<alert xmlns='urn:example'/>", "not a CAP"),
        (
            "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x</identifier>"
            "<sent>2024-01-01T00:00:00Z</sent><status>Actual</status>"
            "<msgType>Shout</msgType></alert>",
            "unknown msgType",
        ),
        (
            "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x</identifier>"
            "<sent>2024-01-01T00:00:00Z</sent><status>Actual</status><msgType>Alert</msgType>"
            "<info><area><areaDesc>a</areaDesc><polygon>1,2 3,4</polygon></area></info></alert>",
            "fewer than three",
        ),
    ],
)
def test_bad_cap_xml(xml, fragment):
    with pytest.raises(ParseError) as info:
        cap.parse_xml(xml)
    assert fragment in str(info.value)


def test_ack_is_skipped():
    xml = (
        "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x</identifier>"
        "<sent>2024-01-01T00:00:00Z</sent><status>Actual</status><msgType>Ack</msgType></alert>"
    )
    assert cap.parse_xml(xml).messages == ()
