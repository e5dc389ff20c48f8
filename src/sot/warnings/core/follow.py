"""Suggestions and warnings follow the event (issue #11, item 5). Plain: no Django.

The rules, in one place:

* **Raising readiness is a step, not an end.** A suggestion on which the officer
  raised readiness can still become an event while its warning is in force and no
  event has been opened from it (:func:`can_become_event`). When the warning is
  escalated so that a rule now suggests an event (orange to red), the suggestion is
  put before the officer again (:func:`reopens`).
* **An event opened from a warning keeps the link.** What happens to the warning
  afterwards (an update, a cancellation, its end or expiry) is a :class:`Change`:
  it is written in the event's logbook and shown as a banner on the event page
  (:func:`link_change`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sot.vocabulary import Term, gettext_noop


class Change(Term):
    """What became of the warning an event was opened from."""

    UPDATED = "updated", gettext_noop("Varningen har uppdaterats")
    CANCELLED = "cancelled", gettext_noop("Varningen har upphävts")
    ENDED = "ended", gettext_noop("Varningen har upphört")
    EXPIRED = "expired", gettext_noop("Varningen har gått ut")


#: A stored message's state (``sot.warnings.models.MessageState``) -> the change it
#: means for an event opened from it. ``replaced`` is an update: the suggestion and
#: its event follow the newest message of the chain.
_BY_STATE = {
    "replaced": Change.UPDATED,
    "cancelled": Change.CANCELLED,
    "ended": Change.ENDED,
    "expired": Change.EXPIRED,
}

OPEN = "open"
ACCEPTED = "accepted"
READINESS_RAISED = "readiness_raised"
OPEN_EVENT = "open_event"


def change_for_state(state: str) -> Change | None:
    """The change a message that went to ``state`` means (None: still in force)."""
    return _BY_STATE.get(state)


def can_become_event(
    *, state: str, decision: str, has_event: bool, cause_ended: bool
) -> bool:
    """May the officer open an event from this suggestion now?

    An open suggestion may; so may one on which readiness was raised, as long as no
    event was opened from it and its warning has not ended.
    """
    if has_event:
        return False
    if state == OPEN:
        return True
    return state == ACCEPTED and decision == READINESS_RAISED and not cause_ended


def reopens(*, state: str, decision: str, has_event: bool, action: str) -> bool:
    """Does a rule now suggesting ``action`` put a decided suggestion back before
    the officer? Only an escalation to an event, after readiness was raised."""
    return (
        state == ACCEPTED
        and decision == READINESS_RAISED
        and not has_event
        and action == OPEN_EVENT
    )


@dataclass(frozen=True)
class LinkChange:
    """The newest change of the warning behind an event, for its banner."""

    change: Change
    at: datetime


def link_change(
    *,
    message_state: str,
    ended_at: datetime | None,
    updated_at: datetime | None,
    opened_at: datetime,
) -> LinkChange | None:
    """What the event page says about the warning it was opened from.

    ``message_state`` and ``ended_at`` are of the newest message of the chain (the
    one the suggestion follows); ``updated_at`` is when the warning was last
    updated after the event was opened (None: never). An end wins over an update;
    an update from before the event was opened says nothing.
    """
    change = change_for_state(message_state)
    if change is not None and change is not Change.UPDATED:
        return LinkChange(change, ended_at or opened_at)
    if updated_at is not None and updated_at >= opened_at:
        return LinkChange(Change.UPDATED, updated_at)
    return None
