"""Opening hours during an event: the typed forms, the checks and the rule of which
hours apply (sot.public.core.hours, plain Python)."""

from datetime import UTC, date, datetime

import pytest

from sot.public.core import hours


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("08–20", "08:00-20:00"),
        ("8-20", "08:00-20:00"),
        ("08.00 - 20.00", "08:00-20:00"),
        ("kl. 8:30–16", "08:30-16:00"),
        ("13–20, 08–12", "08:00-12:00,13:00-20:00"),
        ("08–12 och 13–20", "08:00-12:00,13:00-20:00"),
        ("00–24", "00:00-24:00"),
        ("Dygnet runt", hours.ALL_DAY),
        ("STÄNGT", hours.CLOSED),
    ],
)
def test_typed_hours_are_kept_in_one_normal_form(typed, normal):
    assert hours.parse(typed) == normal


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("öppet när vi kan", "format"),
        ("8", "format"),
        ("25-26", "time"),
        ("08:75-20", "time"),
        ("24:30-24:45", "time"),
        ("20-08", "order"),
        ("08-08", "order"),
        ("08-14, 12-20", "overlap"),
    ],
)
def test_bad_hours_are_refused_with_a_reason(typed, code):
    with pytest.raises(hours.HoursError) as caught:
        hours.parse(typed)
    assert caught.value.code == code
    assert caught.value.text("sv") and caught.value.text("en")


def test_hours_read_as_people_write_them():
    assert hours.text("08:00-20:00") == "08–20"
    assert hours.text("08:30-16:00,17:00-20:00") == "08.30–16, 17–20"
    assert hours.text(hours.ALL_DAY) == "dygnet runt"
    assert hours.text(hours.ALL_DAY, "en") == "around the clock"
    assert hours.text(hours.CLOSED, "en") == "closed"


START = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)  # 07:00 in Sweden
END = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # 00:30 on 6 Dec in Sweden


def test_a_day_must_lie_within_the_event_and_not_be_past():
    today = date(2026, 12, 3)
    hours.check_day(date(2026, 12, 3), starts_at=START, ends_at=END, today=today)
    hours.check_day(date(2026, 12, 6), starts_at=START, ends_at=END, today=today)
    hours.check_day(date(2027, 1, 6), starts_at=START, ends_at=None, today=today)
    for day, code in (
        (date(2026, 12, 2), "day_past"),
        (date(2026, 12, 7), "day_after"),
    ):
        with pytest.raises(hours.HoursError) as caught:
            hours.check_day(day, starts_at=START, ends_at=END, today=today)
        assert caught.value.code == code
    with pytest.raises(hours.HoursError) as caught:
        hours.check_day(
            date(2026, 12, 1), starts_at=START, ends_at=END, today=date(2026, 11, 30)
        )
    assert caught.value.code == "day_before"


EVENT = {hours.EVERY_DAY: "08:00-20:00", "2026-12-06": "10:00-16:00"}


def test_the_day_s_own_hours_beat_every_day():
    sat, fri = date(2026, 12, 6), date(2026, 12, 5)
    shown = hours.in_force(
        state="open",
        event_hours=EVENT,
        day=sat,
        event_ends_at=END,
    )
    assert (shown.source, shown.text(), shown.until) == ("event", "10–16", END)
    shown = hours.in_force(state="open", event_hours=EVENT, day=fri)
    assert (shown.source, shown.text()) == ("event", "08–20")
    shown = hours.in_force(state="open", event_hours={}, day=fri)
    # The register's free text is a plan, not today's hours (found in the demo
    # walk: "Öppet i dag: Öppnar när kommunen aktiverar punkten").
    assert not shown and shown.source == ""


def test_no_hours_unless_the_point_serves():
    """Outside an event, and in a state that says it is not serving (being prepared,
    closed, unknown), no hours: "Öppet i dag" beside "Okänt läge" contradicts."""
    for state in ("standby", "preparing", "closed", "unknown"):
        for event_hours in (EVENT, {}):
            shown = hours.in_force(
                state=state,
                event_hours=event_hours,
                day=date.today(),
            )
            assert not shown and shown.source == "" and shown.text() == ""
    shown = hours.in_force(state="limited", event_hours={}, day=date.today())
    assert not shown
    assert not hours.in_force(state="open", event_hours={}, day=date.today())


def test_schedule_lists_the_days_from_today():
    assert hours.schedule(EVENT, today=date(2026, 12, 5)) == (
        (date(2026, 12, 6), "10:00-16:00"),
    )
    assert hours.schedule(EVENT, today=date(2026, 12, 7)) == ()
    assert hours.schedule({"garbage": "x"}, today=date(2026, 12, 1)) == ()
