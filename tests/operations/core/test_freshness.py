"""Freshness and the verify queue (sot.operations.core.freshness)."""

from datetime import UTC, datetime, timedelta

from sot.operations.core.freshness import (
    DEFAULT_STALE_AFTER,
    age,
    format_age,
    is_stale,
    last_seen,
    verify_queue,
)
from sot.operations.core.status import PointState

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def ago(**kw) -> datetime:
    return NOW - timedelta(**kw)


def test_default_is_four_hours():
    assert timedelta(hours=4) == DEFAULT_STALE_AFTER


def test_confirmation_counts_as_a_sign_of_life():
    assert last_seen(ago(hours=5), ago(minutes=10)) == ago(minutes=10)
    assert last_seen(ago(hours=5), None) == ago(hours=5)
    assert last_seen(None, None) is None


def test_stale_boundary():
    assert not is_stale(state="open", seen_at=ago(hours=3, minutes=59), now=NOW)
    assert is_stale(state="open", seen_at=ago(hours=4), now=NOW)
    assert not is_stale(
        state="open", seen_at=ago(hours=5), now=NOW, stale_after=timedelta(hours=6)
    )


def test_only_reporting_states_go_stale():
    old = ago(days=2)
    assert not is_stale(state=PointState.CLOSED, seen_at=old, now=NOW)
    assert not is_stale(state=PointState.ALERTED, seen_at=old, now=NOW)
    assert not is_stale(state=None, seen_at=old, now=NOW)
    assert is_stale(state=PointState.UNKNOWN, seen_at=ago(minutes=1), now=NOW)


def test_never_reported_counts_from_activation():
    assert not is_stale(state="activating", seen_at=None, now=NOW, since=ago(hours=1))
    assert is_stale(state="activating", seen_at=None, now=NOW, since=ago(hours=4))


def test_age_and_format():
    assert age(None, NOW) is None
    assert age(NOW + timedelta(minutes=5), NOW) == timedelta(0)
    assert format_age(None) == "aldrig"
    assert format_age(timedelta(seconds=30)) == "nyss"
    assert format_age(timedelta(minutes=12)) == "12 min"
    assert format_age(timedelta(hours=3)) == "3 h"
    assert format_age(timedelta(hours=3, minutes=5)) == "3 h 5 min"
    assert format_age(timedelta(days=2, hours=4, minutes=9)) == "2 d 4 h"


def test_verify_queue_oldest_first():
    queue = verify_queue(
        [
            ("kall", "open", ago(hours=1), None),
            ("hallen", "open", ago(hours=5), None),
            ("bydalen", "limited", ago(hours=9), None),
            ("never", "activating", None, ago(hours=6)),
            ("closed", "closed", ago(hours=30), None),
        ],
        now=NOW,
    )
    assert [f.key for f in queue] == ["never", "bydalen", "hallen"]
    assert queue[1].age == timedelta(hours=9)
