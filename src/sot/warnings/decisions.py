"""A person's decision on a suggestion: raise readiness, open an event, or dismiss.

Only this module acts on a suggestion, and only when an officer (or the county
coordinator) asks it to. Opening an event calls the operations app's
``create_event`` with the suggestion's municipality and points and the message's
identifier as ``external_ref``; the event is an exercise when the message was one.
Raising readiness does not close the suggestion: while its warning is in force an
event can still be opened from it (:mod:`sot.warnings.core.follow`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sot.accounts import policy
from sot.errors import Conflict, Invalid
from sot.operations import services as ops
from sot.warnings import permissions as perm
from sot.warnings.following import can_become_event
from sot.warnings.models import Decision, Suggestion, SuggestionState, WarningMessage


class SuggestionClosed(Conflict):
    """The suggestion has already been decided or cleared."""


EVENT_KIND = {
    "wind": "storm",
    "snow": "storm",
    "thunder": "storm",
    "rain": "storm",
    "power_outage": "power_outage",
    "temperature": "cold",
    "water_shortage": "water",
}
EVENT_SEVERITY = {"RED": "extreme", "ORANGE": "severe", "YELLOW": "moderate"}


def event_area(message: WarningMessage) -> dict | None:
    """The message's polygons as one MultiPolygon (``None`` without geometry)."""
    polygons = []
    for area in message.areas.all():
        for geom in area.geometries:
            if geom.get("type") == "Polygon":
                polygons.append(geom["coordinates"])
            elif geom.get("type") == "MultiPolygon":
                polygons.extend(geom["coordinates"])
    if not polygons:
        return None
    return {"type": "MultiPolygon", "coordinates": polygons}


def decide(
    *,
    suggestion: Suggestion,
    by,
    decision: str,
    note: str = "",
    now: datetime | None = None,
) -> Suggestion:
    """Record ``by``'s decision on ``suggestion``; for ``event_opened``, open the event."""
    policy.require(by, perm.DECIDE_SUGGESTION, suggestion)
    if decision not in Decision.values:
        raise Invalid(f"unknown decision {decision!r}")
    now = now or timezone.now()
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        # Raising readiness is a step: the suggestion can still become an event.
        later_event = decision == Decision.EVENT_OPENED and can_become_event(suggestion)
        if suggestion.state != SuggestionState.OPEN and not later_event:
            raise SuggestionClosed(
                f"already decided or cleared: {suggestion.get_state_display()}"
            )
        if decision == Decision.EVENT_OPENED:
            suggestion.event = _open_event(suggestion, by=by, note=note)
        suggestion.decision = decision
        suggestion.state = (
            SuggestionState.DISMISSED
            if decision == Decision.DISMISSED
            else SuggestionState.ACCEPTED
        )
        suggestion.decided_by = by
        suggestion.decided_at = now
        suggestion.note = note or suggestion.note
        suggestion.save()
    return suggestion


def _open_event(suggestion: Suggestion, *, by, note: str):
    message = suggestion.message
    description = "\n\n".join(
        p
        for p in (
            f"Öppnad från förslag: {message.headline} ({message.source} {message.identifier}).",
            note,
        )
        if p
    )
    return ops.create_event(
        name=message.headline[:200],
        kind=EVENT_KIND.get(message.hazard, "other"),
        municipalities=[suggestion.municipality],
        created_by=by,
        is_exercise=message.is_exercise,
        severity=EVENT_SEVERITY.get(message.level, "moderate"),
        area=event_area(message),
        description=description,
        external_ref=f"{message.source}:{message.identifier}"[:200],
        points=list(suggestion.points.all()),
    )
