"""Events: create, update the public message, end, delete an exercise."""

from __future__ import annotations

import copy
import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations.core.status import (
    PointState,
)
from sot.operations.models import (
    Event,
    LogEntry,
    LogKind,
    Source,
    State,
)
from sot.operations.services.activation import (
    _change_state,
    _resume_exercises,
    activate_point,
)
from sot.operations.services.common import (
    OperationRefused,
    _log,
    _name,
    _notify,
)
from sot.registry.models import ChangeRecord
from sot.registry.services import record_change

log = logging.getLogger("sot.operations")


def create_event(
    *,
    name: str,
    kind: str,
    municipalities,
    created_by,
    is_exercise: bool = False,
    county_code: str | None = None,
    starts_at: datetime | None = None,
    severity: str = "moderate",
    decided_by: str = "",
    area: dict | None = None,
    description: str = "",
    public_message: str = "",
    external_ref: str = "",
    stale_after_minutes: int | None = None,
    points=(),
    source: str = Source.WEB,
) -> Event:
    """Open an event in ``municipalities`` (and activate ``points`` in it at once)."""
    municipalities = list(municipalities)
    if not municipalities:
        raise OperationRefused("no_municipality", _("Ange minst en berörd kommun."))
    counties = {m.county_code for m in municipalities}
    if county_code is None:
        if len(counties) != 1:
            raise OperationRefused(
                "county_required", _("Kommunerna ligger i olika län; ange länet.")
            )
        county_code = counties.pop()
    for m in municipalities:
        policy.require(created_by, perm.ADD_EVENT, m)
    with transaction.atomic():
        event = Event.objects.create(
            name=name,
            kind=kind,
            is_exercise=is_exercise,
            county_code=county_code,
            starts_at=starts_at or timezone.now(),
            severity=severity,
            decided_by=decided_by or _name(created_by),
            area=area,
            description=description,
            public_message=public_message,
            external_ref=external_ref,
            stale_after_minutes=stale_after_minutes,
            created_by=created_by,
        )
        event.municipalities.set(municipalities)
        _log(
            event=event,
            kind=LogKind.DECISION,
            author=created_by,
            source=source,
            at=event.starts_at,
            text=_("Händelsen öppnad: %(name)s (%(kind)s). Beslut: %(who)s.")
            % {
                "name": name,
                "kind": event.get_kind_display(),
                "who": event.decided_by,
            },
        )
        _notify(event=event)
        for point in points:
            activate_point(
                event=event, point=point, activated_by=created_by, source=source
            )
    return event


def update_public_message(*, event: Event, by, public_message: str) -> Event:
    """Change the event's message to the public."""
    policy.require(by, perm.CHANGE_EVENT, event)
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(public_message=public_message)
        event.public_message = public_message
        _log(
            event=event,
            kind=LogKind.MESSAGE,
            author=by,
            text=_("Meddelande till allmänheten: %(text)s")
            % {"text": public_message or "–"},
        )
        _notify(event=event)
    return event


def end_event(
    *, event: Event, by, at: datetime | None = None, reason: str = ""
) -> Event:
    """End the event; every point still active in it is closed with ``reason``."""
    policy.require(by, perm.CHANGE_EVENT, event)
    at = at or timezone.now()
    reason = reason.strip() or str(_("Händelsen avslutad"))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.ends_at is not None:
            raise OperationRefused("already_ended", _("Händelsen är redan avslutad."))
        _close_every_point(event=event, by=by, at=at, reason=reason)
        event.ends_at = at
        event.save(update_fields=["ends_at"])
        if not event.is_exercise:
            _resume_exercises(event=event, by=by, at=at)
        _log(
            event=event,
            kind=LogKind.DECISION,
            author=by,
            at=at,
            text=_("Händelsen avslutad: %(reason)s") % {"reason": reason},
        )
        _notify(event=event)
    return event


def _close_every_point(*, event: Event, by, at: datetime, reason: str) -> list:
    closed = []
    for activation in event.activations.exclude(state=State.CLOSED).select_related(
        "point"
    ):
        _change_state(
            activation=activation,
            target=PointState.CLOSED,
            reason=reason,
            by=by,
            at=at,
            source=Source.WEB,
        )
        _notify(point=activation.point, event=event)
        closed.append(activation.point)
    return closed


def close_all_points(
    *, event: Event, by, reason: str, at: datetime | None = None
) -> list:
    """Close every point of a running event with ``reason`` (required); the event
    goes on. Returns the points closed; the log names them and the reason."""
    policy.require(by, perm.CHANGE_EVENT, event)
    reason = reason.strip()
    if not reason:
        raise OperationRefused("reason_required", _("Ange en orsak."))
    at = at or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.ends_at is not None:
            raise OperationRefused("already_ended", _("Händelsen är redan avslutad."))
        closed = _close_every_point(event=event, by=by, at=at, reason=reason)
        _log(
            event=event,
            kind=LogKind.DECISION,
            author=by,
            at=at,
            text=_("Alla punkter stängda (%(points)s): %(reason)s")
            % {
                "points": ", ".join(p.name for p in closed) or "–",
                "reason": reason,
            },
        )
        _notify(event=event)
    return closed


def delete_exercise(*, event: Event, by, reason: str = "") -> None:
    """Delete an exercise with everything in it. Real events are never deleted.

    The exercise's own logbook goes with it, so the deletion and its ``reason`` are
    kept in the change history (``ChangeRecord``: who, when, which exercise, why)
    and in the application log."""
    policy.require(by, perm.DELETE_EXERCISE, event)
    if not event.is_exercise:
        raise OperationRefused(
            "not_exercise", _("Bara övningar kan tas bort; verkliga händelser sparas.")
        )
    with transaction.atomic():
        event = Event.objects.get(pk=event.pk)
        # Receivers get a copy that keeps its id (delete() clears it on the original).
        _notify(event=copy.copy(event))
        # The Readiness of a point is not tied to an event, so nothing real is lost.
        LogEntry.objects.filter(event=event).delete()
        label = f"{event.name} ({timezone.localtime(event.starts_at):%Y-%m-%d})"
        record_change(
            obj=event,
            action=ChangeRecord.Action.DELETE,
            changes={"orsak": [reason.strip(), None]},
            actor=by,
            source=Source.WEB,
        )
        log.info("exercise %s deleted by %s: %s", label, _name(by), reason.strip())
        event.delete()
