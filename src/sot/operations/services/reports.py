"""Status reports, confirmations and the freshness check."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations.conf import stale_after
from sot.operations.core import observation
from sot.operations.core.freshness import is_stale
from sot.operations.core.status import (
    STATE_LABELS_SV,
    PointState,
    check_transition,
    is_change,
)
from sot.operations.models import (
    Activation,
    Event,
    LogKind,
    ReportConfirmation,
    Source,
    State,
    StatusReport,
)
from sot.operations.queries import report_fuel_level_l
from sot.operations.services.activation import (
    _apply_change,
    _change_state,
    get_activation,
    require_not_suspended,
)
from sot.operations.services.common import (
    KEEP,
    NO_CARRY,
    REPORT_FIELDS,
    UNSET,
    OperationRefused,
    StaleReport,
    _log,
    _name,
    _notify,
    _placed,
    _received,
    _window,
    as_uid,
    stored_once,
)


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
    moment), so an SMS "ÖPPEN" keeps the rest of the picture. The public note never
    carries over silently: not given, it is withdrawn; :data:`KEEP` (the operator
    chose to keep it) takes the previous report's.

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
            if name in fields and fields[name] is KEEP:
                if previous is not None:
                    values[name] = getattr(previous, name)
            elif name in fields and fields[name] is not UNSET:
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
    before = report.based_on.public_note if report.based_on is not None else ""
    if report.public_note != before:
        text += " " + (
            _("Meddelande till allmänheten: ”%(text)s”.") % {"text": report.public_note}
            if report.public_note
            else _("Meddelandet till allmänheten är borttaget.")
        )
    if report.note:
        text += " " + _("Kommentar till kommunen: %(note)s") % {"note": report.note}
    return text


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

    Run by the ``mark_stale_points`` task (the scheduler) and by ``sot mark_stale``;
    never by a page view (a GET writes nothing).
    """

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
