"""Service functions for running a disruption. Views, API, CLI and SMS call these.

Every function takes keyword-only arguments, owns its transaction, checks the
permission of the acting user (``None`` = the system itself), writes the log, and
sends :mod:`sot.operations.signals` on commit. Refusals:

* :class:`sot.errors.Refused`: the user may not (403);
* :class:`sot.operations.core.status.TransitionRefused`: the lifecycle does not allow it
  (``code`` and Swedish ``message``);
* :class:`StaleReport`: a status report form based on an older report;
* :class:`OperationRefused`: anything else (``code``, Swedish ``message``).
"""

from __future__ import annotations

import copy
import functools
import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.errors import Conflict, Invalid
from sot.operations import permissions as perm
from sot.operations.core import fuel, observation
from sot.operations.core.status import (
    STATE_LABELS_SV,
    EventWindow,
    PointState,
    check_activation,
    check_transition,
    is_change,
)
from sot.operations.models import (
    Activation,
    Event,
    FuelDelivery,
    LogEntry,
    LogKind,
    ReportConfirmation,
    Source,
    State,
    StateChange,
    StatusReport,
)
from sot.operations.signals import (
    exercise_suspended,
    point_activated,
    public_state_changed,
)
from sot.validation import bounds


class OperationRefused(Invalid):
    """A request the operations rules refuse (not a lifecycle transition): 422."""

    def __init__(self, code: str, message: str):
        super().__init__(message, code=code)


class StaleReport(OperationRefused):
    """The form was based on an older report; ``newer`` is the current one: 409."""

    status = Conflict.status

    @property
    def detail(self) -> str:
        return str(self.message)

    def __init__(self, newer: StatusReport | None):
        self.newer = newer
        super().__init__(
            "stale_form",
            _(
                "Någon annan har rapporterat under tiden. Kontrollera de nya värdena "
                "och skicka igen."
            ),
        )


class UidConflict(OperationRefused):
    """A client-made id already names another record (never overwritten): 409."""

    status = Conflict.status

    def __init__(self, uid):
        super().__init__(
            "uid_conflict",
            _("Id:t %(uid)s används redan för en annan post.") % {"uid": uid},
        )


UNSET: Any = object()


def as_uid(value) -> uuid.UUID | None:
    """A client-made id as a UUID (None stays None); anything else is refused."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise OperationRefused(
            "bad_uid", _("Ogiltigt id: %(uid)s") % {"uid": str(value)[:40]}
        ) from None


def stored_once(model, field: str = "uid"):
    """Decorate a service that takes ``uid=``: when a concurrent request stored the
    same id first (two tries of one phone, or a phone and Background Sync, racing),
    the database's unique constraint refuses the second insert and the record the
    first one stored is returned instead of an error."""

    def wrap(fn):
        @functools.wraps(fn)
        def service(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except IntegrityError:
                uid = as_uid(kwargs.get("uid"))
                found = (
                    model.objects.filter(**{field: uid}).first()
                    if uid is not None
                    else None
                )
                if found is None:
                    raise
                return found

        return service

    return wrap


def _received(model, uid, *, check) -> Any:
    """The record already stored under the client-made ``uid``, or None.

    ``check(record)`` says whether the stored record is the same thing (same point,
    same event); a uid reused for something else is refused, never overwritten.
    """
    if uid is None:
        return None
    existing = model.objects.filter(uid=as_uid(uid)).first()
    if existing is not None and not check(existing):
        raise UidConflict(uid)
    return existing


def _placed(observed_at, sent_at, received_at) -> observation.Placed:
    return observation.place(
        observed_at=observed_at, sent_at=sent_at, received_at=received_at
    )


#: Fields of a status report that carry over from the previous report when not given.
REPORT_FIELDS = (
    "power_source",
    "services",
    "fuel_products",
    "payment_methods",
    "indoor_temp_c",
    "people_present",
    "capacity_people",
    "queue",
    "generator_fuel_l",
    "generator_fuel_pct",
    "generator_load_pct",
    "needs_fuel",
    "needs_staff",
    "needs_supplies",
    "needs_text",
    "note",
    "public_note",
)
#: Fields that describe a moment and do not carry over (a new report says them anew).
NO_CARRY = {"generator_fuel_l", "generator_fuel_pct", "note"}


def _name(user) -> str:
    if user is None:
        return str(_("systemet"))
    return user.get_full_name() or user.username


def _window(event: Event) -> EventWindow:
    return EventWindow(starts_at=event.starts_at, ends_at=event.ends_at)


def _notify(*, point=None, event: Event) -> None:
    def send():
        public_state_changed.send(sender=Event, point=point, event=event)

    transaction.on_commit(send)


def _log(
    *,
    event,
    kind,
    text,
    author=None,
    point=None,
    source=Source.WEB,
    at=None,
    **received: Any,
):
    return LogEntry.objects.create(
        event=event,
        point=point,
        kind=kind,
        text=text,
        author=author,
        author_name=_name(author),
        source=source,
        at=at or timezone.now(),
        **received,
    )


# --- events ------------------------------------------------------------------------


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
        for activation in event.activations.exclude(state=State.CLOSED):
            _change_state(
                activation=activation,
                target=PointState.CLOSED,
                reason=reason,
                by=by,
                at=at,
                source=Source.WEB,
            )
            _notify(point=activation.point, event=event)
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


def delete_exercise(*, event: Event, by) -> None:
    """Delete an exercise with everything in it. Real events are never deleted."""
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
        event.delete()


# --- activation and state ---------------------------------------------------------


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
            from sot.operations.checklists import start_activation_checklist

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


# --- status reports ---------------------------------------------------------------


@stored_once(StatusReport)
def submit_status_report(
    *,
    point,
    event: Event,
    reported_by,
    source: str,
    state: str | None,
    based_on_report_id: int | None = None,
    state_reason: str = "",
    reporter_name: str = "",
    observed_at: datetime | None = None,
    uid=None,
    sent_at: datetime | None = None,
    via_box: str = "",
    apply_state: bool = True,
    **fields: Any,
) -> StatusReport:
    """Record a status report from a point (append-only) and apply its state.

    ``uid`` is the client-made id: a report already stored under it is returned as it
    is (a phone or a box that sends again stores nothing twice). ``observed_at`` is
    when the operator saw it (default now), ``sent_at`` when the client sent it by its
    own clock (see :mod:`sot.operations.core.observation`). The point's current report
    is the newest observation: a report observed before the current one is kept in
    the history and changes nothing else. ``apply_state=False`` stores any report
    that way (a box's report whose state change the lifecycle here refuses).

    ``fields`` are any of :data:`REPORT_FIELDS`; a field not given carries over from
    the previous report (except the fuel level and the note, which describe a
    moment), so an SMS "ÖPPEN" keeps the rest of the picture.

    ``state=None`` (or ``"unknown"``, which only the system sets) keeps the state:
    the last report's state, so a report from a point gone *unknown* brings it back.

    ``based_on_report_id`` is the report the form was filled from (``0`` for "there
    was none"); if another report arrived since, :class:`StaleReport` is raised and
    nothing is saved. ``None`` skips the check (SMS and API clients that send a
    whole report on purpose).
    """
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields: {sorted(unknown)}")
    policy.require(reported_by, perm.REPORT_STATUS, point)
    received = timezone.now()
    placed = _placed(observed_at, sent_at, received)
    now = placed.observed_at
    with transaction.atomic():
        activation = get_activation(event=event, point=point, lock=True)
        existing = _received(
            StatusReport, uid, check=lambda r: r.activation_id == activation.pk
        )
        if existing is not None:
            return existing
        require_not_suspended(activation)
        current = activation.last_report
        if based_on_report_id is not None and based_on_report_id != (
            activation.last_report_id or 0
        ):
            raise StaleReport(current)
        report_uid = as_uid(uid) or uuid.uuid4()
        # A report observed before the point's last change of state (an official
        # closed it, the event ended) does not undo that change; the automatic
        # "unknown" is no decision, so any report may end it.
        before_change = (
            activation.state != State.UNKNOWN and now < activation.state_changed_at
        )
        newest = (apply_state and not before_change) and (
            current is None
            or observation.is_newer(
                now, str(report_uid), (current.observed_at, str(current.uid))
            )
        )
        previous = (
            current
            if newest
            else activation.reports.filter(observed_at__lte=now)
            .order_by("-observed_at", "-id")
            .first()
        )
        values = {}
        for name in REPORT_FIELDS:
            if name in fields and fields[name] is not UNSET:
                values[name] = fields[name]
            elif previous is not None and name not in NO_CARRY:
                values[name] = getattr(previous, name)
        if state is None or state == PointState.UNKNOWN:
            if not newest and previous is not None:
                state = previous.state
            elif activation.state != State.UNKNOWN:
                state = activation.state
            elif previous is not None:
                state = previous.state
            else:
                state = PointState.ACTIVATING
            if (
                not state_reason.strip()
                and previous is not None
                and previous.state == state
            ):
                state_reason = previous.state_reason
        report = StatusReport(
            activation=activation,
            uid=report_uid,
            observed_at=now,
            received_at=received,
            clock_offset_s=placed.clock_offset_s,
            via_box=via_box,
            reported_by=reported_by,
            reporter_name=reporter_name or _name(reported_by),
            source=source,
            based_on=previous,
            state=PointState(state),
            state_reason=state_reason.strip(),
            **values,
        )
        for name in ("services", "fuel_products"):
            if getattr(report, name) is None:
                setattr(report, name, {})
        if report.payment_methods is None:
            report.payment_methods = []
        for name in ("queue", "power_source", "needs_text", "note", "public_note"):
            if getattr(report, name) is None:
                setattr(report, name, "")
        if report.needs_fuel is None:
            report.needs_fuel = False
        if report.needs_staff is None:
            report.needs_staff = False
        if report.needs_supplies is None:
            report.needs_supplies = False
        # Validate the state change before anything is written.
        change = None
        if newest and is_change(PointState(activation.state), report.state):
            change = check_transition(
                event=_window(event),
                current=PointState(activation.state),
                target=report.state,
                at=now,
                reason=report.state_reason,
            )
        report.save()
        seen = max(t for t in (now, activation.last_seen_at) if t is not None)
        if not newest:
            # A late, older observation: history only; it may still be a sign of life.
            Activation.objects.filter(pk=activation.pk).update(last_seen_at=seen)
            activation.last_seen_at = seen
            _log(
                event=event,
                point=point,
                kind=LogKind.REPORT,
                author=reported_by,
                source=source,
                at=now,
                text=_report_summary(report)
                + " "
                + _("(Kom fram sent; en nyare rapport gäller.)"),
            )
            return report
        # Optimistic concurrency at the database: only one report can follow another.
        updated = Activation.objects.filter(
            pk=activation.pk, last_report_id=activation.last_report_id
        ).update(last_report=report, last_seen_at=seen)
        if updated != 1:  # pragma: no cover - the row lock makes this unreachable
            raise StaleReport(activation.last_report)
        activation.last_report = report
        activation.last_seen_at = seen
        _update_fuel(activation, report)
        if change is not None:
            _apply_change(
                activation, change, by=reported_by, source=source, report=report
            )
        _log(
            event=event,
            point=point,
            kind=LogKind.REPORT,
            author=reported_by,
            source=source,
            at=now,
            text=_report_summary(report),
        )
        _notify(point=point, event=event)
    return report


def _report_summary(report: StatusReport) -> str:
    parts = [
        _("Rapport från %(point)s: %(state)s")
        % {
            "point": report.activation.point.name,
            "state": _(STATE_LABELS_SV[PointState(report.state)]).lower(),
        }
    ]
    if report.power_source:
        parts.append(report.get_power_source_display().lower())
    hours = report_fuel_level_l(report)
    if hours is not None:
        parts.append(_("%(l)d l i tanken") % {"l": round(hours)})
    needs = report.needs()
    if needs:
        parts.append(_("behov: %(needs)s") % {"needs": ", ".join(needs)})
    text = ", ".join(parts) + "."
    if report.note:
        text += " " + _("Kommentar till kommunen: %(note)s") % {"note": report.note}
    return text


def report_fuel_level_l(report: StatusReport) -> float | None:
    """The tank level a report gives, in litres (percent converted with the tank)."""
    if report.generator_fuel_l is not None:
        return float(report.generator_fuel_l)
    if report.generator_fuel_pct is not None:
        tank_l = _tank_l(report.activation.point)
        if tank_l:
            try:
                return fuel.level_from_pct(pct=report.generator_fuel_pct, tank_l=tank_l)
            except fuel.FuelError:  # a row stored before the bounds existed
                return None
    return None


def _tank_l(point) -> float | None:
    backup = getattr(point, "backup_power", None)
    try:
        return float(backup.tank_l) if backup and backup.tank_l else None
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return None


def _update_fuel(activation: Activation, report: StatusReport) -> None:
    level = report_fuel_level_l(report)
    update = []
    if level is not None:
        activation.fuel_level_l = level
        activation.fuel_level_at = report.observed_at
        update += ["fuel_level_l", "fuel_level_at"]
    if report.generator_load_pct is not None:
        activation.load_pct = report.generator_load_pct
        update.append("load_pct")
    if update:
        activation.save(update_fields=update)


@stored_once(ReportConfirmation)
def confirm_report(
    *,
    event: Event,
    point,
    by,
    source: str = Source.WEB,
    at: datetime | None = None,
    uid=None,
    sent_at: datetime | None = None,
    via_box: str = "",
) -> ReportConfirmation:
    """ "Still current": re-confirm the last report without changing it.

    A point that went *unknown* returns to the state of that report. ``uid``,
    ``at`` (observed) and ``sent_at`` as for :func:`submit_status_report`.
    """
    policy.require(by, perm.REPORT_STATUS, point)
    received = timezone.now()
    placed = _placed(at, sent_at, received)
    at = placed.observed_at
    with transaction.atomic():
        activation = get_activation(event=event, point=point, lock=True)
        existing = _received(
            ReportConfirmation,
            uid,
            check=lambda c: c.report.activation_id == activation.pk,
        )
        if existing is not None:
            return existing
        require_not_suspended(activation)
        report = activation.last_report
        if report is None:
            raise OperationRefused(
                "no_report", _("Det finns ingen rapport att bekräfta ännu.")
            )
        confirmation = ReportConfirmation.objects.create(
            report=report,
            confirmed_at=at,
            confirmed_by=by,
            source=source,
            uid=as_uid(uid) or uuid.uuid4(),
            received_at=received,
            clock_offset_s=placed.clock_offset_s,
            via_box=via_box,
        )
        if activation.last_seen_at is None or at > activation.last_seen_at:
            activation.last_seen_at = at
            activation.save(update_fields=["last_seen_at"])
        if activation.state == State.UNKNOWN:
            _change_state(
                activation=activation,
                target=PointState(report.state),
                reason=report.state_reason,
                by=by,
                at=at,
                source=source,
                report=report,
            )
        _log(
            event=event,
            point=point,
            kind=LogKind.REPORT,
            author=by,
            source=source,
            at=at,
            text=_("%(point)s: rapporten från %(time)s bekräftad som aktuell.")
            % {
                "point": point.name,
                "time": timezone.localtime(report.observed_at).strftime("%H:%M"),
            },
        )
        _notify(point=point, event=event)
    return confirmation


def mark_stale(*, now: datetime | None = None) -> list[Activation]:
    """Set *unknown* on every point whose reports went stale (the freshness check).

    Run by the ``mark_stale_points`` task, by ``sot mark_stale`` and before the
    dashboard renders.
    """
    from sot.operations.conf import stale_after
    from sot.operations.core.freshness import is_stale

    now = now or timezone.now()
    changed = []
    candidates = Activation.objects.filter(
        state__in=[State.ACTIVATING, State.OPEN, State.LIMITED],
        event__ends_at__isnull=True,
    ).select_related("event", "point")
    for activation in candidates:
        if not is_stale(
            state=activation.state,
            seen_at=activation.last_seen_at,
            now=now,
            stale_after=stale_after(activation.event),
            since=activation.state_changed_at,
        ):
            continue
        with transaction.atomic():
            locked = Activation.objects.select_for_update().get(pk=activation.pk)
            if (
                locked.state not in REPORTING
                or locked.last_seen_at != activation.last_seen_at
            ):
                continue
            locked.event = activation.event
            locked.point = activation.point
            _change_state(
                activation=locked,
                target=PointState.UNKNOWN,
                by=None,
                at=now,
                source=Source.SYSTEM,
                automatic=True,
                reason=str(_("ingen aktuell rapport")),
            )
            _notify(point=locked.point, event=locked.event)
        changed.append(locked)
    return changed


REPORTING = {State.ACTIVATING, State.OPEN, State.LIMITED}


# --- fuel deliveries and log ------------------------------------------------------


@stored_once(FuelDelivery)
def record_fuel_delivery(
    *,
    point,
    event: Event,
    recorded_by,
    delivered_l: float,
    delivered_at: datetime | None = None,
    supplier: str = "",
    note: str = "",
    source: str = Source.WEB,
    uid=None,
    sent_at: datetime | None = None,
    via_box: str = "",
) -> FuelDelivery:
    """Log a delivery to the point's generator tank and update the known level.

    ``uid``, ``delivered_at`` (observed) and ``sent_at`` as for
    :func:`submit_status_report`."""
    policy.require(recorded_by, perm.RECORD_DELIVERY, point)
    if delivered_l is None or bounds.DELIVERY_L.problem(delivered_l) is not None:
        raise OperationRefused(
            "bad_amount",
            _("Ange levererad mängd i liter (%(low)d–%(high)d).")
            % {"low": bounds.DELIVERY_L.low, "high": bounds.DELIVERY_L.high},
        )
    received = timezone.now()
    placed = _placed(delivered_at, sent_at, received)
    at = placed.observed_at
    with transaction.atomic():
        activation = get_activation(event=event, point=point, lock=True)
        existing = _received(
            FuelDelivery, uid, check=lambda d: d.activation_id == activation.pk
        )
        if existing is not None:
            return existing
        before = after = None
        if _readable_level(activation):
            curve = _curve(point)
            if curve is not None:
                before = fuel.level_at(
                    level_l=activation.fuel_level_l,
                    measured_at=activation.fuel_level_at,
                    at=at,
                    curve=curve,
                    load_pct=activation.load_pct
                    if activation.load_pct is not None
                    else 50,
                )
            else:
                before = activation.fuel_level_l
            tank_l = _tank_l(point)
            _check_room(delivered_l=delivered_l, before=before, tank_l=tank_l)
            after = (
                fuel.level_after_delivery(
                    level_l=before, delivered_l=delivered_l, tank_l=tank_l
                )
                if tank_l
                else before + delivered_l
            )
            activation.fuel_level_l = after
            activation.fuel_level_at = at
            activation.save(update_fields=["fuel_level_l", "fuel_level_at"])
        delivery = FuelDelivery.objects.create(
            activation=activation,
            delivered_at=at,
            delivered_l=delivered_l,
            supplier=supplier,
            level_before_l=before,
            level_after_l=after,
            recorded_by=recorded_by,
            source=source,
            note=note,
            uid=as_uid(uid) or uuid.uuid4(),
            received_at=received,
            clock_offset_s=placed.clock_offset_s,
            via_box=via_box,
        )
        text = _("Bränsleleverans till %(point)s: %(l)d liter") % {
            "point": point.name,
            "l": round(delivered_l),
        }
        if supplier:
            text += f" ({supplier})"
        if after is not None:
            text += ", " + _("nivå nu %(l)d l") % {"l": round(after)}
        _log(
            event=event,
            point=point,
            kind=LogKind.DELIVERY,
            author=recorded_by,
            source=source,
            at=at,
            text=text + ".",
        )
    return delivery


def _readable_level(activation: Activation) -> bool:
    """True if the activation's stored fuel level can be used in the arithmetic (a
    row stored before the bounds existed may not: it counts as unknown)."""
    level, load = activation.fuel_level_l, activation.load_pct
    return (
        level is not None
        and activation.fuel_level_at is not None
        and bounds.FUEL_L.problem(level) is None
        and (load is None or bounds.PCT.problem(load) is None)
    )


#: How far an estimated level may be off before a delivery is called too large.
ROOM_SLACK = 0.1


def _check_room(*, delivered_l: float, before: float, tank_l: float | None) -> None:
    """Refuse a delivery clearly larger than the free room in the tank (the level
    is an estimate, so 10 % of the tank is allowed on top), with the numbers."""
    if not tank_l:
        return
    free = max(tank_l - before, 0.0)
    if delivered_l > free + ROOM_SLACK * tank_l:
        raise OperationRefused(
            "tank_overfull",
            _(
                "Leveransen (%(delivered)d l) får inte plats: tanken rymmer "
                "%(tank)d l och har nu ungefär %(level)d l, alltså cirka %(free)d l "
                "ledigt. Kontrollera mängden eller rapportera en ny nivå först."
            )
            % {
                "delivered": round(delivered_l),
                "tank": round(tank_l),
                "level": round(before),
                "free": round(free),
            },
        )


def _curve(point) -> fuel.ConsumptionCurve | None:
    backup = getattr(point, "backup_power", None)
    try:
        return backup.curve() if backup is not None else None
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist or a bad curve
        return None


@stored_once(LogEntry)
def add_log_entry(
    *,
    event: Event,
    author,
    text: str,
    kind: str = LogKind.NOTE,
    point=None,
    source: str = Source.WEB,
    at: datetime | None = None,
    uid=None,
    sent_at: datetime | None = None,
    via_box: str = "",
    author_name: str = "",
) -> LogEntry:
    """Write a line in the event's logbook (decisions, actions, messages, notes).

    ``uid``, ``at`` (observed) and ``sent_at`` as for :func:`submit_status_report`;
    ``author_name`` names a person the system writes for (a box's operator)."""
    if point is not None:
        policy.require(author, perm.ADD_LOG, point)
    else:
        policy.require(author, perm.ADD_LOG, event)
    text = (text or "").strip()
    if not text:
        raise OperationRefused("empty", _("Loggposten är tom."))
    received = timezone.now()
    placed = _placed(at, sent_at, received)
    with transaction.atomic():
        existing = _received(
            LogEntry,
            uid,
            check=lambda e: (
                e.event_id == event.pk and e.point_id == getattr(point, "pk", None)
            ),
        )
        if existing is not None:
            return existing
        entry = _log(
            event=event,
            point=point,
            kind=kind,
            text=text,
            author=author,
            source=source,
            at=placed.observed_at,
            uid=as_uid(uid) or uuid.uuid4(),
            received_at=received,
            clock_offset_s=placed.clock_offset_s,
            via_box=via_box,
        )
        if author_name:
            entry.author_name = author_name
            entry.save(update_fields=["author_name"])
        return entry
