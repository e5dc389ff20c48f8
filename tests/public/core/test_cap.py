from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from sot.public.core import cap
from sot.public.core.model import StateChange

T0 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
NS = {"c": cap.CAP_NS}


@pytest.fixture
def change(point_factory):
    """Build a StateChange for a Kall-like point, ``minutes`` after T0."""

    def build(state, minutes, exercise=False, slug="kall", **kw):
        return StateChange(
            event_id="storm-1",
            event_name="Stormen Gudrun 2",
            point=point_factory(slug=slug, state=state, **kw),
            state=state,
            at=T0 + timedelta(minutes=minutes),
            exercise=exercise,
        )

    return build


def test_cap_time_has_offset_and_no_z():
    assert cap.cap_time(T0) == "2026-11-30T04:00:00+01:00"  # CET in winter
    assert (
        cap.cap_time(datetime(2026, 7, 1, 12, tzinfo=UTC))
        == "2026-07-01T14:00:00+02:00"
    )


def test_open_change_close_reopen_chain(change):
    msgs = cap.messages_for_changes(
        [
            change("closed", 5),  # closed before anything opened: no message
            change("open", 10),
            change("open", 20),  # same state and services: skipped
            change("limited", 30),
            change("closed", 40),
            change("open", 50),
        ],
        sender="sot@example.se",
        base_url="https://sot.example.se",
    )
    assert [m.msg_type for m in msgs] == ["Alert", "Update", "Cancel", "Alert"]
    alert, update, cancel, again = msgs
    assert update.references == ((alert.sender, alert.identifier, alert.sent),)
    assert [r[1] for r in cancel.references] == [alert.identifier, update.identifier]
    assert again.references == ()
    assert len({m.identifier for m in msgs}) == 4
    doc = etree.fromstring(cancel.xml)
    refs = doc.find("c:references", NS).text.split(" ")
    assert refs[0] == f"sot@example.se,{alert.identifier},2026-11-30T04:10:00+01:00"
    assert doc.find("c:msgType", NS).text == "Cancel"
    assert doc.find("c:status", NS).text == "Actual"


def test_exercise_status_and_bilingual_info(change):
    (msg,) = cap.messages_for_changes(
        [change("open", 0, exercise=True)], sender="s@x.se"
    )
    doc = etree.fromstring(msg.xml)
    assert doc.find("c:status", NS).text == "Exercise"
    langs = [i.find("c:language", NS).text for i in doc.findall("c:info", NS)]
    assert langs == ["sv-SE", "en-US"]
    info = doc.find("c:info", NS)
    assert info.find("c:area/c:circle", NS).text == "63.47550,13.24060 1.0"
    assert info.find("c:area/c:geocode/c:value", NS).text == "2321"
    assert "Diesel: finns" in info.find("c:description", NS).text
    assert "Bensin 95: finns inte" in info.find("c:description", NS).text


def test_service_change_is_an_update(change):
    from sot.public.core.model import Service

    msgs = cap.messages_for_changes(
        [change("open", 0), change("open", 5, fuel=(Service("fuel_diesel", False),))],
        sender="s@x.se",
    )
    assert [m.msg_type for m in msgs] == ["Alert", "Update"]


def test_identifier_has_no_forbidden_characters(point_factory):
    msgs = cap.messages_for_changes(
        [
            StateChange(
                event_id="storm 1, <&>",
                event_name="x",
                point=point_factory(),
                state="open",
                at=T0,
            )
        ],
        sender="s@x.se",
    )
    assert not set(" ,<&") & set(msgs[0].identifier)


def test_every_message_validates_against_oasis_schema(cap_schema, change):
    msgs = cap.messages_for_changes(
        [
            change("open", 0),
            change("limited", 10),
            change("closed", 20),
            change(
                "open",
                0,
                exercise=True,
                slug="valsjobyn",
                name="Valsjöbyn",
                note="Tänk på <&>",
            ),
            change("standby", 30, exercise=True, slug="valsjobyn", name="Valsjöbyn"),
        ],
        sender="sot@lansstyrelsen.example.se",
        base_url="https://sot.example.se",
        sender_name="Länsstyrelsen",
    )
    assert len(msgs) == 5
    for m in msgs:
        cap_schema.assertValid(etree.fromstring(m.xml))


def test_schema_rejects_wrong_version(cap_schema, shared_data):
    """The negative control: the real CAP 1.1 message must not validate."""
    doc = etree.parse(
        str(shared_data / "feeds" / "cap" / "nws_real_alert_5c2cf27b.xml")
    )
    assert not cap_schema.validate(doc)


@pytest.mark.parametrize("bad", ["2026-11-30T04:00:00Z", "2026-11-30T04:00:00.5+01:00"])
def test_schema_rejects_z_times(cap_schema, change, bad):
    (msg,) = cap.messages_for_changes([change("open", 0)], sender="s@x.se")
    text = msg.xml.replace(b"2026-11-30T04:00:00+01:00", bad.encode())
    assert not cap_schema.validate(etree.fromstring(text))


def _info(msg, lang):
    doc = etree.fromstring(msg.xml)
    (info,) = [
        i for i in doc.findall("c:info", NS) if i.find("c:language", NS).text == lang
    ]
    return doc, info


def test_swedish_description_uses_the_registers_names(change):
    """Register codes without own names get Swedish names in sv-SE, never English."""
    (msg,) = cap.messages_for_changes([change("open", 0)], sender="s@x.se")
    _, sv = _info(msg, "sv-SE")
    text = sv.find("c:description", NS).text
    assert "Värme: finns" in text and "Bensin 95: finns inte" in text
    for english in ("Heating", "Heat", "Fuel", "petrol", "Petrol"):
        assert english not in text
    _, en = _info(msg, "en-US")
    assert "Heating: available" in en.find("c:description", NS).text


def test_own_register_names_win(change):
    from sot.public.core.model import Service

    own = Service("sauna", True, label_sv="Bastu", label_en="Sauna")
    (msg,) = cap.messages_for_changes(
        [change("open", 0, services=(own,))], sender="s@x.se"
    )
    assert "Bastu: finns" in _info(msg, "sv-SE")[1].find("c:description", NS).text


def test_incidents_keep_swedish_letters(point_factory, cap_schema):
    (msg,) = cap.messages_for_changes(
        [StateChange("e1", "Övning Storm", point_factory(), "open", T0)],
        sender="s@x.se",
    )
    doc = etree.fromstring(msg.xml)
    assert doc.find("c:incidents", NS).text == '"Övning Storm"'
    cap_schema.assertValid(doc)
    assert cap.incidents_text("Storm") == "Storm"
    assert cap.incidents_text('Storm "Gudrun"  2') == '"Storm Gudrun 2"'


def test_every_info_expires_after_the_valid_for(change, point_factory):
    msgs = cap.messages_for_changes(
        [
            change("open", 0),
            StateChange(
                "storm-1",
                "Stormen Gudrun 2",
                point_factory(state="closed"),
                "closed",
                T0 + timedelta(minutes=10),
                valid_for=timedelta(minutes=45),
            ),
        ],
        sender="s@x.se",
    )
    assert [m.msg_type for m in msgs] == ["Alert", "Cancel"]
    for msg, expected in zip(
        msgs, ["2026-11-30T06:00:00+01:00", "2026-11-30T04:55:00+01:00"], strict=True
    ):
        doc = etree.fromstring(msg.xml)
        assert [i.find("c:expires", NS).text for i in doc.findall("c:info", NS)] == [
            expected,
            expected,
        ]


def test_area_has_description_circle_and_municipality_geocode(change):
    (msg,) = cap.messages_for_changes([change("open", 0)], sender="s@x.se")
    _, sv = _info(msg, "sv-SE")
    area = sv.find("c:area", NS)
    assert area.find("c:areaDesc", NS).text == "Kall, Åre"
    assert area.find("c:circle", NS).text == "63.47550,13.24060 1.0"
    assert area.find("c:geocode/c:valueName", NS).text == "kommunkod"
    assert area.find("c:geocode/c:value", NS).text == "2321"
