"""How fresh a point's last report is, and when it goes to the verify queue.

A point in a reporting state (activating, open, limited) is *stale* when its last
sign of life, the newer of its last status report and the last "still current"
confirmation of that report, is older than the threshold (default 4 hours during an
event, configurable per deployment with ``SOT_STALE_AFTER_MINUTES``). A stale point
goes to the verify queue, and the freshness check sets its state to *unknown*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sot.operations.core.status import REPORTING_STATES, PointState

DEFAULT_STALE_AFTER = timedelta(hours=4)


def last_seen(
    report_at: datetime | None, confirmed_at: datetime | None
) -> datetime | None:
    """The newer of the report time and its last confirmation (``None`` if neither)."""
    times = [t for t in (report_at, confirmed_at) if t is not None]
    return max(times) if times else None


def age(seen_at: datetime | None, now: datetime) -> timedelta | None:
    """Age of the last sign of life at ``now`` (never negative; ``None`` if never)."""
    if seen_at is None:
        return None
    return max(now - seen_at, timedelta(0))


def is_stale(
    *,
    state: PointState | str | None,
    seen_at: datetime | None,
    now: datetime,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    since: datetime | None = None,
) -> bool:
    """True if the point should be verified: it is expected to report and has not.

    ``since`` is when the point entered its current state (activation time); a point
    that has never reported is stale once ``stale_after`` has passed since then. A
    point whose state is *unknown* stays stale until a new report arrives.
    """
    if state is None:
        return False
    state = PointState(state)
    if state == PointState.UNKNOWN:
        return True
    if state not in REPORTING_STATES:
        return False
    reference = seen_at if seen_at is not None else since
    if reference is None:
        return True
    return now - reference >= stale_after


def format_age(value: timedelta | None) -> str:
    """Swedish short age: "nyss", "12 min", "3 h 5 min", "2 d 4 h", "aldrig"."""
    if value is None:
        return "aldrig"
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return "nyss"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


@dataclass(frozen=True)
class Freshness:
    """A point's freshness at one moment."""

    key: object
    state: PointState | None
    seen_at: datetime | None
    age: timedelta | None
    stale: bool


def verify_queue(
    points: Iterable[
        tuple[object, PointState | str | None, datetime | None, datetime | None]
    ],
    *,
    now: datetime,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> list[Freshness]:
    """The stale points, oldest first (never-reported first of all).

    ``points`` yields ``(key, state, seen_at, since)``.
    """
    queue = []
    for key, state, seen_at, since in points:
        if is_stale(
            state=state, seen_at=seen_at, now=now, stale_after=stale_after, since=since
        ):
            queue.append(
                Freshness(
                    key=key,
                    state=PointState(state) if state else None,
                    seen_at=seen_at,
                    age=age(seen_at, now),
                    stale=True,
                )
            )
    queue.sort(key=lambda f: (f.seen_at is not None, f.seen_at or now))
    return queue
