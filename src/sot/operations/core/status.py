"""The status lifecycle of a SOT-punkt within an event.

A point that an event activates moves through these states::

    alerted ──> activating ──> open <──> limited
       │             │           │          │
       └─────────────┴──> closed <┴──────────┘
                                 (reason required)

    activating / open / limited ──(reports go stale, automatic)──> unknown
    unknown ──(a new report)──> activating / open / limited / closed
    closed ──(reopened while the event runs)──> activating / open / limited

Rules (issue #3):

* a point is alerted, activated or opened only within an event that is running
  (started and not ended);
* closing needs a reason;
* *unknown* is set automatically (by the freshness check), never by a person, and
  only from a state in which reports are expected;
* after the event has ended the only allowed change is to *closed*;
* every accepted change is kept (:class:`Change` records, appended by the caller).

Refusals carry a stable ``code`` and a Swedish ``message``. The messages are marked
with :func:`gettext_noop` (a local no-op, this module imports no Django) so that
``makemessages`` extracts them; the Django layer shows ``gettext(refusal.message)``,
which gives the English text under ``locale/en``. Integrations should match on
``code``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sot.errors import Invalid
from sot.operations.core.vocabulary import PointState


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it (Django's convention)."""
    return message


#: Swedish label by state (the labels are defined once, on :class:`PointState`).
STATE_LABELS_SV: dict[PointState, str] = {s: s.label for s in PointState}

#: States in which the point is expected to report; they go *unknown* when stale.
REPORTING_STATES = frozenset(
    {PointState.ACTIVATING, PointState.OPEN, PointState.LIMITED}
)

#: States the public sees as "the point is serving people".
SERVING_STATES = frozenset({PointState.OPEN, PointState.LIMITED})

#: Allowed targets from each state (the event running, a person acting).
_ALLOWED: dict[PointState, frozenset[PointState]] = {
    PointState.ALERTED: frozenset(
        {PointState.ACTIVATING, PointState.OPEN, PointState.LIMITED, PointState.CLOSED}
    ),
    PointState.ACTIVATING: frozenset(
        {PointState.OPEN, PointState.LIMITED, PointState.CLOSED}
    ),
    PointState.OPEN: frozenset({PointState.LIMITED, PointState.CLOSED}),
    PointState.LIMITED: frozenset({PointState.OPEN, PointState.CLOSED}),
    PointState.UNKNOWN: frozenset(
        {PointState.ACTIVATING, PointState.OPEN, PointState.LIMITED, PointState.CLOSED}
    ),
    PointState.CLOSED: frozenset(
        {PointState.ACTIVATING, PointState.OPEN, PointState.LIMITED}
    ),
}


class RefusalCode(StrEnum):
    """Why a change was refused (stable, for integrations and tests)."""

    NO_EVENT = "no_event"
    EVENT_NOT_STARTED = "event_not_started"
    EVENT_ENDED = "event_ended"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_IS_AUTOMATIC = "unknown_is_automatic"
    NOT_STALE_STATE = "not_stale_state"
    NOT_ALLOWED = "not_allowed"
    ALREADY_ACTIVATED = "already_activated"
    NOT_ACTIVATED = "not_activated"


REFUSAL_MESSAGES_SV: dict[RefusalCode, str] = {
    RefusalCode.NO_EVENT: gettext_noop(
        "En punkt kan bara aktiveras eller öppnas inom en händelse."
    ),
    RefusalCode.EVENT_NOT_STARTED: gettext_noop("Händelsen har inte börjat ännu."),
    RefusalCode.EVENT_ENDED: gettext_noop(
        "Händelsen är avslutad; punkten kan bara stängas."
    ),
    RefusalCode.REASON_REQUIRED: gettext_noop("Ange varför punkten stängs."),
    RefusalCode.UNKNOWN_IS_AUTOMATIC: gettext_noop(
        "Läget ”okänd” sätts automatiskt när rapporterna blir för gamla."
    ),
    RefusalCode.NOT_STALE_STATE: gettext_noop(
        "Bara en aktiverad, öppen eller begränsad punkt kan bli ”okänd”."
    ),
    RefusalCode.NOT_ALLOWED: gettext_noop("Den ändringen av läget är inte tillåten."),
    RefusalCode.ALREADY_ACTIVATED: gettext_noop(
        "Punkten är redan aktiverad i den här händelsen."
    ),
    RefusalCode.NOT_ACTIVATED: gettext_noop(
        "Punkten är inte aktiverad i den här händelsen."
    ),
}


class TransitionRefused(Invalid):
    """A change of state that the rules do not allow (422)."""

    def __init__(
        self,
        code: RefusalCode,
        *,
        current: PointState | None = None,
        target: PointState | None = None,
    ) -> None:
        self.current = current
        self.target = target
        super().__init__(REFUSAL_MESSAGES_SV[code], code=code)


@dataclass(frozen=True)
class EventWindow:
    """What the rules need to know about an event: when it started and ended."""

    starts_at: datetime
    ends_at: datetime | None = None

    def is_running(self, at: datetime) -> bool:
        """True if the event has started and not ended at ``at``."""
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)


@dataclass(frozen=True)
class Change:
    """One accepted change of state (kept for ever by the caller)."""

    previous: PointState | None
    state: PointState
    at: datetime
    reason: str = ""
    automatic: bool = False


def check_activation(
    *, event: EventWindow | None, current: PointState | None, at: datetime
) -> Change:
    """Check that a point may be activated (alerted) in an event; return the change.

    ``current`` is the point's state in this event, or ``None`` if it has none yet.
    """
    _require_running(event, at)
    if current is not None and current != PointState.CLOSED:
        raise TransitionRefused(
            RefusalCode.ALREADY_ACTIVATED, current=current, target=PointState.ALERTED
        )
    if current == PointState.CLOSED:
        # A closed point is re-activated by going back to activating.
        return check_transition(
            event=event,
            current=current,
            target=PointState.ACTIVATING,
            at=at,
        )
    return Change(previous=None, state=PointState.ALERTED, at=at)


def check_transition(
    *,
    event: EventWindow | None,
    current: PointState | None,
    target: PointState,
    at: datetime,
    reason: str = "",
    automatic: bool = False,
) -> Change:
    """Check one change of state and return it, or raise :class:`TransitionRefused`.

    ``automatic`` is True only for the freshness check setting *unknown*.
    A change to the state the point already has is not a change and is refused with
    ``NOT_ALLOWED``; callers that accept a report with an unchanged state should ask
    :func:`is_change` first.
    """
    target = PointState(target)
    reason = (reason or "").strip()
    if current is None:
        raise TransitionRefused(RefusalCode.NOT_ACTIVATED, target=target)
    current = PointState(current)
    if target == PointState.UNKNOWN:
        if not automatic:
            raise TransitionRefused(
                RefusalCode.UNKNOWN_IS_AUTOMATIC, current=current, target=target
            )
        if current not in REPORTING_STATES:
            raise TransitionRefused(
                RefusalCode.NOT_STALE_STATE, current=current, target=target
            )
        return Change(current, target, at, reason, automatic=True)
    if automatic:
        # The system only ever sets unknown.
        raise TransitionRefused(RefusalCode.NOT_ALLOWED, current=current, target=target)
    if target == PointState.CLOSED:
        if current == PointState.CLOSED:
            raise TransitionRefused(
                RefusalCode.NOT_ALLOWED, current=current, target=target
            )
        if not reason:
            raise TransitionRefused(
                RefusalCode.REASON_REQUIRED, current=current, target=target
            )
        return Change(current, target, at, reason)
    if event is None:
        raise TransitionRefused(RefusalCode.NO_EVENT, current=current, target=target)
    _require_running(event, at, current=current, target=target)
    if target not in _ALLOWED[current]:
        raise TransitionRefused(RefusalCode.NOT_ALLOWED, current=current, target=target)
    return Change(current, target, at, reason)


def is_change(current: PointState | None, target: PointState) -> bool:
    """True if going to ``target`` would change the state."""
    return current is None or PointState(current) != PointState(target)


def allowed_targets(
    *, event: EventWindow | None, current: PointState | None, at: datetime
) -> list[PointState]:
    """States a person may choose next (for building forms), in lifecycle order."""
    result: list[PointState] = []
    for target in PointState:
        if target == PointState.UNKNOWN:
            continue
        try:
            check_transition(
                event=event, current=current, target=target, at=at, reason="x"
            )
        except TransitionRefused:
            continue
        result.append(target)
    return result


def replay(changes: Iterable[Change]) -> PointState | None:
    """The state after a history of changes (``None`` for an empty history)."""
    state: PointState | None = None
    for change in changes:
        if change.previous != state:
            raise ValueError(
                f"history broken at {change.at}: expected {state}, got {change.previous}"
            )
        state = change.state
    return state


def _require_running(
    event: EventWindow | None,
    at: datetime,
    *,
    current: PointState | None = None,
    target: PointState | None = None,
) -> None:
    if event is None:
        raise TransitionRefused(RefusalCode.NO_EVENT, current=current, target=target)
    if at < event.starts_at:
        raise TransitionRefused(
            RefusalCode.EVENT_NOT_STARTED, current=current, target=target
        )
    if event.ends_at is not None and at >= event.ends_at:
        raise TransitionRefused(RefusalCode.EVENT_ENDED, current=current, target=target)
