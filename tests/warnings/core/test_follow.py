"""The rules of :mod:`sot.warnings.core.follow` (plain, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sot.warnings.core import follow
from sot.warnings.core.follow import Change

T0 = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def test_raised_readiness_can_become_an_event_until_the_warning_ends():
    assert follow.can_become_event(
        state="open", decision="", has_event=False, cause_ended=False
    )
    assert follow.can_become_event(
        state="accepted",
        decision="readiness_raised",
        has_event=False,
        cause_ended=False,
    )
    assert not follow.can_become_event(
        state="accepted", decision="readiness_raised", has_event=False, cause_ended=True
    )
    assert not follow.can_become_event(
        state="accepted", decision="event_opened", has_event=True, cause_ended=False
    )
    assert not follow.can_become_event(
        state="dismissed", decision="dismissed", has_event=False, cause_ended=False
    )
    assert not follow.can_become_event(
        state="cleared", decision="", has_event=False, cause_ended=True
    )


def test_only_an_escalation_to_an_event_reopens():
    kw = {"state": "accepted", "decision": "readiness_raised", "has_event": False}
    assert follow.reopens(action="open_event", **kw)
    assert not follow.reopens(action="raise_readiness", **kw)
    assert not follow.reopens(action="open_event", **{**kw, "has_event": True})
    assert not follow.reopens(
        action="open_event", state="dismissed", decision="dismissed", has_event=False
    )


def test_link_change_end_wins_and_old_updates_say_nothing():
    later = T0 + timedelta(hours=1)
    assert (
        follow.link_change(
            message_state="in_force", ended_at=None, updated_at=None, opened_at=T0
        )
        is None
    )
    assert (
        follow.link_change(
            message_state="in_force",
            ended_at=None,
            updated_at=T0 - timedelta(minutes=5),
            opened_at=T0,
        )
        is None
    )
    assert follow.link_change(
        message_state="in_force", ended_at=None, updated_at=later, opened_at=T0
    ) == follow.LinkChange(Change.UPDATED, later)
    end = later + timedelta(hours=1)
    assert follow.link_change(
        message_state="cancelled", ended_at=end, updated_at=later, opened_at=T0
    ) == follow.LinkChange(Change.CANCELLED, end)
    assert follow.change_for_state("expired") is Change.EXPIRED
    assert follow.change_for_state("replaced") is Change.UPDATED
    assert follow.change_for_state("in_force") is None
