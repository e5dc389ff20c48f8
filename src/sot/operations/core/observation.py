"""Observations that arrive late, twice, or from a clock that is wrong.

An operator's phone or a box at the point may hold a report for hours before the
network lets it through, and may send it again when it does not know whether the
first try arrived. The rules:

* every record carries a client-made id; the same id is stored once;
* the point's current state is the newest *observation* (the time the operator saw
  it), not the newest arrival; a late, older observation goes into the history only;
* the sender says when it sent (``sent_at``, its own clock). The difference to our
  clock when we receive it is the sender's clock offset. Within
  :data:`CLOCK_TOLERANCE` it is network delay and ignored. Beyond it the sender's
  clock is wrong: its observed time is translated to our clock and the record is
  flagged, so officials see a warning instead of a report that silently jumps in
  the order. A sender that gives no ``sent_at`` but an observed time in our future
  is treated the same way (its offset is how far in the future the time was).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: Clock offsets up to this much are network delay or ordinary drift.
CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Placed:
    """Where an observation goes on our clock."""

    observed_at: datetime
    #: How far the sender's clock was ahead of ours (seconds); None if unknown.
    clock_offset_s: float | None

    @property
    def clock_wrong(self) -> bool:
        return clock_wrong(self.clock_offset_s)


def clock_wrong(offset_s: float | None) -> bool:
    """True when a sender's clock offset is beyond :data:`CLOCK_TOLERANCE`."""
    return offset_s is not None and abs(offset_s) > CLOCK_TOLERANCE.total_seconds()


def place(
    *,
    observed_at: datetime | None,
    sent_at: datetime | None,
    received_at: datetime,
) -> Placed:
    """Put an observation on our clock (see the module text for the rules)."""
    observed = observed_at or received_at
    if sent_at is not None:
        offset = (sent_at - received_at).total_seconds()
        if clock_wrong(offset):
            observed = observed - timedelta(seconds=offset)
        # An observation after it was sent is a typo or a broken client.
        return Placed(observed_at=min(observed, received_at), clock_offset_s=offset)
    if observed - received_at > CLOCK_TOLERANCE:
        offset = (observed - received_at).total_seconds()
        return Placed(observed_at=received_at, clock_offset_s=offset)
    return Placed(observed_at=min(observed, received_at), clock_offset_s=None)


def is_newer(
    observed_at: datetime, uid: str, than: tuple[datetime, str] | None
) -> bool:
    """True if the observation ``(observed_at, uid)`` is newer than ``than``.

    Ties on the observed time go by the client-made id, which is the same on every
    server, so a central server and a box end with the same current report.
    """
    if than is None:
        return True
    return (observed_at, str(uid)) > (than[0], str(than[1]))


def describe_offset(offset_s: float) -> str:
    """A clock offset in plain Swedish: "2 h 5 min före", "40 min efter"."""
    minutes = round(abs(offset_s) / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes or not hours:
        parts.append(f"{minutes} min")
    return " ".join(parts) + (" före" if offset_s > 0 else " efter")
