"""The situation report's figures (sot.operations.core.sitrep.counts), derived from
the one public state function. Plain: no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sot.operations.core import public_state as ps
from sot.operations.core.sitrep import (
    Sitrep,
    SitrepPoint,
    counts,
    offer_facts,
    render_markdown,
    render_text,
)
from sot.operations.core.status import PointState

NOW = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)  # 14:00 in Stockholm
OFFERS = (
    ps.Offer("groceries"),
    ps.Offer("warm_room"),
    ps.Offer("fuel_diesel", "fuel", "diesel"),
    ps.Offer("fuel_petrol95", "fuel", "petrol"),
)
LABELS = {
    "groceries": "Livsmedel",
    "warm_room": "Värmestuga",
    "fuel_diesel": "Diesel",
    "fuel_petrol95": "Bensin 95",
}


def _state(state="open", *, reported_h=1.0, services=None, fuel=None, restr=()):
    report = ps.Report(
        id=1,
        created_at=NOW - timedelta(hours=reported_h),
        state=state,
        services=services or {"groceries": "yes", "warm_room": "yes"},
        fuel_products=fuel or {"diesel": "no", "petrol": "yes"},
    )
    act = ps.Activation(
        event_id=7,
        event_name="Storm",
        is_exercise=False,
        event_starts_at=NOW - timedelta(hours=8),
        state=state,
        state_changed_at=NOW - timedelta(hours=7),
        last_seen_at=report.created_at,
        reports=(report,),
    )
    return ps.public_state(
        offers=OFFERS, activations=[act], restrictions=restr, now=NOW
    )


def test_fuel_out_and_limited_come_from_the_public_state():
    rescue = ps.Restriction(
        event_id=7,
        key="fuel_petrol95",
        reason="rescue_only",
        until=NOW + timedelta(hours=4),
    )
    facts = offer_facts(
        _state(restr=[rescue]),
        labels=LABELS,
        reasons={"rescue_only": "endast räddningstjänst"},
    )
    assert [(f.product, f.availability) for f in facts.fuel_status] == [
        ("Diesel", ps.Availability.NOT_AVAILABLE),
        ("Bensin 95", ps.Availability.LIMITED),
    ]
    assert facts.fuel_status[1].reason == "endast räddningstjänst"
    assert facts.warm_room == "available" and facts.limited_services == ()


def test_a_stale_or_closed_point_counts_nothing_as_out():
    stale = offer_facts(_state(reported_h=5), labels=LABELS)
    assert stale.fuel_status == () and stale.warm_room == "unknown"
    closed = offer_facts(_state("closed"), labels=LABELS)
    assert closed.fuel_status == () and closed.warm_room == "not_available"


def _point(name, st, **kw):
    facts = offer_facts(
        st, labels=LABELS, reasons={"rescue_only": "endast räddningstjänst"}
    )
    return SitrepPoint(
        name=name,
        municipality="Åre",
        state=kw.pop("state", PointState.OPEN),
        stale=st.stale,
        fuel_status=facts.fuel_status,
        warm_room=facts.warm_room,
        limited_services=facts.limited_services,
        **kw,
    )


def _points():
    rescue = ps.Restriction(
        event_id=7,
        key="fuel_diesel",
        reason="rescue_only",
        until=NOW + timedelta(hours=4),
    )
    return (
        _point("Kall", _state(), people_present=12, capacity=40),
        _point(
            "Järpen",
            _state(fuel={"diesel": "yes", "petrol": "no"}, restr=[rescue]),
            people_present=30,
            capacity=35,
        ),
        _point("Duved", _state(), people_present=None, capacity=20),
        # Stale: its 60 people six hours ago are not counted as in the warm room now.
        _point("Ottsjö", _state(reported_h=6), people_present=60, capacity=60),
        _point(
            "Hallen",
            _state("unknown"),
            state=PointState.UNKNOWN,
            people_present=5,
            capacity=10,
        ),
    )


def test_counts():
    c = counts(_points())
    assert c.fuel_out == (("Diesel", ("Kall", "Duved")), ("Bensin 95", ("Järpen",)))
    assert c.fuel_limited == (("Diesel", ("Järpen",)),)
    assert (c.warm_rooms_open, c.warm_people, c.warm_capacity) == (3, 42, 95)
    assert c.warm_without_figures == ("Duved",)
    assert c.stale == ("Ottsjö",) and c.unknown == ("Hallen",)
    d = c.as_dict()
    assert d["fuel_out_count"] == 3 and d["fuel_limited_count"] == 1
    assert d["fuel_out"] == {"Diesel": ["Kall", "Duved"], "Bensin 95": ["Järpen"]}


def test_the_figures_in_the_text_and_markdown():
    s = Sitrep(
        event_name="Storm",
        event_kind="Storm",
        as_of=NOW,
        sender="Åre kommun",
        points=_points(),
    )
    text = render_text(s)
    assert "Drivmedel slut: Diesel (Kall, Duved); Bensin 95 (Järpen)." in text
    assert "Drivmedel begränsat: Diesel (Järpen)." in text
    assert (
        "Värmestugor: 42 personer av 95 platser (3 öppna); utan uppgift om antal "
        "eller platser: Duved." in text
    )
    assert "1 punkt utan aktuell rapport (äldre än 4 h), verifieras: Ottsjö." in text
    assert "1 punkt med okänt läge: Hallen." in text
    # Each point says it too, with the restriction's words and end.
    assert "Drivmedel slut: Bensin 95" in text
    assert (
        "Drivmedel begränsat: Diesel (endast räddningstjänst, till kl. 18:00)" in text
    )
    md = render_markdown(s)
    assert "- Drivmedel slut: Diesel (Kall, Duved); Bensin 95 (Järpen)." in md


def test_no_figures_when_nothing_is_out():
    s = Sitrep(event_name="Storm", event_kind="Storm", as_of=NOW, sender="X")
    text = render_text(s)
    assert "Drivmedel" not in text and "Värmestugor" not in text
