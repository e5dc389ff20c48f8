"""Activation of points and their state, with real events before exercises."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations.core.status import (
    STATE_LABELS_SV,
    PointState,
    check_activation,
    check_transition,
)
from sot.operations.models import (
    Activation,
    ActivationRest,
    Event,
    LogKind,
    Source,
    StateChange,
)
from sot.operations.services.checklists import start_activation_checklist
from sot.operations.services.common import (
    OperationRefused,
    _log,
    _notify,
    _window,
)
from sot.operations.signals import (
    exercise_suspended,
    point_activated,
)


def activate_point(
    *,
    event: Event,
    point,
    activated_by,
    source: str = Source.WEB,
    note: str = "",
    at: datetime | None = None,
) -> Activation:
    """Alert a point in a running event (or re-activate a closed one)."""
    policy.require(activated_by, perm.ACTIVATE_POINT, point)
    now = at or timezone.now()
    with transaction.atomic():
        existing = (
            Activation.objects.select_for_update()
            .filter(event=event, point=point)
            .first()
        )
        change = check_activation(
            event=_window(event),
            current=PointState(existing.state) if existing else None,
            at=now,
        )
        if not event.municipalities.filter(pk=point.municipality_id).exists():
            event.municipalities.add(point.municipality_id)
        if existing is None:
            activation = Activation.objects.create(
                event=event,
                point=point,
                state=change.state,
                state_changed_at=now,
                activated_at=now,
                activated_by=activated_by,
            )
            StateChange.objects.create(
                activation=activation,
                previous="",
                state=change.state,
                at=now,
                by=activated_by,
                source=source,
                reason=note,
            )
            text = _("%(point)s larmad.") % {"point": point.name}
            if note:
                text += " " + note
            _log(
                event=event,
                point=point,
                kind=LogKind.DECISION,
                author=activated_by,
                source=source,
                at=now,
                text=text,
            )
            start_activation_checklist(activation=activation, by=activated_by)
        else:
            activation = existing
            _apply_change(activation, change, by=activated_by, source=source)
            activation.activated_at = now
            activation.activated_by = activated_by
            activation.save(update_fields=["activated_at", "activated_by"])
        _real_before_exercise(
            event=event, point=point, activation=activation, by=activated_by, at=now
        )
        _notify(point=point, event=event)
        transaction.on_commit(
            lambda: point_activated.send(sender=Activation, activation=activation)
        )
    return activation


def _real_before_exercise(*, event, point, activation, by, at) -> None:
    """A real event wins: an exercise activation of ``point`` is suspended while a
    real event runs with it (logged in both events, the exercise lead told)."""
    if event.is_exercise:
        real = (
            Activation.objects.filter(point=point, event__is_exercise=False)
            .filter(event__starts_at__lte=at)
            .exclude(event__ends_at__lte=at)
            .select_related("event")
            .first()
        )
        if real is not None and activation.suspended_at is None:
            _suspend(activation, real.event, by=by, at=at)
        return
    exercises = (
        Activation.objects.select_for_update()
        .filter(point=point, event__is_exercise=True, suspended_at__isnull=True)
        .filter(event__starts_at__lte=at)
        .exclude(event__ends_at__lte=at)
        .select_related("event")
    )
    for exercise in exercises:
        _suspend(exercise, event, by=by, at=at)


def _suspend(activation: Activation, real: Event, *, by, at) -> None:
    activation.suspended_at = at
    activation.suspended_for = real
    activation.save(update_fields=["suspended_at", "suspended_for"])
    ActivationRest.objects.create(activation=activation, real_event=real, started_at=at)
    text = _(
        "%(point)s vilar i övningen: punkten är larmad i den verkliga händelsen "
        "”%(real)s”. Inget från övningen visas för allmänheten så länge."
    ) % {"point": activation.point.name, "real": real.name}
    _log(
        event=activation.event,
        point=activation.point,
        kind=LogKind.DECISION,
        author=by,
        source=Source.SYSTEM,
        at=at,
        text=text,
    )
    _log(
        event=real,
        point=activation.point,
        kind=LogKind.DECISION,
        author=by,
        source=Source.SYSTEM,
        at=at,
        text=_("%(point)s togs från övningen ”%(exercise)s”.")
        % {"point": activation.point.name, "exercise": activation.event.name},
    )
    exercise = activation.event
    transaction.on_commit(
        lambda: exercise_suspended.send(
            sender=Activation, activation=activation, real=real, text=text
        )
    )
    _notify(point=activation.point, event=exercise)


def _resume_exercises(*, event: Event, by, at) -> None:
    """When a real event ends, the exercise activations it suspended run again."""
    for activation in Activation.objects.select_for_update().filter(
        suspended_for=event
    ):
        activation.suspended_at = None
        activation.suspended_for = None
        activation.save(update_fields=["suspended_at", "suspended_for"])
        ActivationRest.objects.filter(activation=activation, ended_at=None).update(
            ended_at=at
        )
        _log(
            event=activation.event,
            point=activation.point,
            kind=LogKind.DECISION,
            author=by,
            source=Source.SYSTEM,
            at=at,
            text=_(
                "%(point)s deltar i övningen igen: den verkliga händelsen "
                "”%(real)s” är avslutad."
            )
            % {"point": activation.point.name, "real": event.name},
        )
        _notify(point=activation.point, event=activation.event)


def _apply_change(activation, change, *, by, source, report=None) -> None:
    StateChange.objects.create(
        activation=activation,
        previous=change.previous or "",
        state=change.state,
        reason=change.reason,
        automatic=change.automatic,
        at=change.at,
        by=by,
        source=source,
        report=report,
    )
    activation.state = change.state
    activation.state_reason = change.reason
    activation.state_changed_at = change.at
    activation.save(update_fields=["state", "state_reason", "state_changed_at"])
    label = STATE_LABELS_SV[PointState(change.state)]
    text = _("%(point)s: nytt läge: %(state)s.") % {
        "point": activation.point.name,
        "state": _(label),
    }
    if change.reason:
        text += " " + _("Orsak: %(reason)s") % {"reason": change.reason}
    _log(
        event=activation.event,
        point=activation.point,
        kind=LogKind.STATUS,
        author=by,
        source=source,
        at=change.at,
        text=text,
    )


def _change_state(
    *, activation, target, reason, by, at, source, report=None, automatic=False
):
    change = check_transition(
        event=_window(activation.event),
        current=PointState(activation.state),
        target=target,
        at=at,
        reason=reason,
        automatic=automatic,
    )
    _apply_change(activation, change, by=by, source=source, report=report)
    return change


def get_activation(*, event: Event, point, lock: bool = False) -> Activation:
    """The point's activation in the event, or refuse."""
    qs = Activation.objects.select_related("event", "point", "point__municipality")
    if lock:
        qs = qs.select_for_update()
    activation = qs.filter(event=event, point=point).first()
    if activation is None:
        raise OperationRefused(
            "not_activated", _("Punkten är inte aktiverad i den här händelsen.")
        )
    return activation


def require_not_suspended(activation: Activation) -> None:
    """Refuse changes to an exercise activation a real event has suspended."""
    if activation.suspended_at is not None:
        raise OperationRefused(
            "exercise_suspended",
            _(
                "Punkten vilar i övningen eftersom den är larmad i en verklig "
                "händelse. Rapportera i den verkliga händelsen."
            ),
        )


def set_point_state(
    *,
    event: Event,
    point,
    state: str,
    by,
    reason: str = "",
    source: str = Source.WEB,
    at: datetime | None = None,
) -> Activation:
    """Change a point's state without a full report (e.g. alerted → activating)."""
    policy.require(by, perm.REPORT_STATUS, point)
    with transaction.atomic():
        activation = get_activation(event=event, point=point, lock=True)
        require_not_suspended(activation)
        _change_state(
            activation=activation,
            target=PointState(state),
            reason=reason,
            by=by,
            at=at or timezone.now(),
            source=source,
        )
        _notify(point=point, event=event)
    return activation
