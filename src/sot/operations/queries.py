"""Read-side helpers: the picture of each point in an event, the fuel list, the verify
queue and the situation report. The public site reads :func:`point_states`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations import plain
from sot.operations.conf import fuel_target_hours, stale_after, stale_threshold
from sot.operations.core import fuel, public_state, sitrep
from sot.operations.core.freshness import age, is_stale
from sot.operations.core.status import PointState
from sot.operations.models import (
    Activation,
    Event,
    FuelDelivery,
    LogEntry,
    PowerSource,
    ReportConfirmation,
    State,
    StatusReport,
)
from sot.operations.models import StateChange as OpsStateChange
from sot.public.core import hours as public_hours
from sot.public.core import words
from sot.registry.models import County, Municipality, PointService

DEFAULT_LOAD_PCT = 50.0

log = logging.getLogger("sot.operations")


def visible_events(user):
    """Events the user may see, newest first."""
    return policy.filter_allowed(
        user,
        perm.VIEW_EVENT,
        Event.objects.prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.defer("boundary"))
        ),
        **perm.EVENT_PATHS,
    )


@dataclass
class PointRow:
    """One point within an event as the dashboard, the fuel list and the public see it."""

    activation: Activation
    report: StatusReport | None
    age: timedelta | None
    stale: bool
    on_generator: bool
    endurance: fuel.Endurance | None
    load_assumed: bool
    open_items: int

    @property
    def point(self):
        return self.activation.point

    @property
    def state(self) -> str:
        return self.activation.state

    @property
    def hours(self) -> list[dict[str, str]]:
        return hours_rows(self.activation)


def hours_rows(activation: Activation) -> list[dict[str, str]]:
    """The opening hours set in the activation, every day first, then by day."""
    hours = dict(activation.opening_hours or {})
    rows = []
    if public_hours.EVERY_DAY in hours:
        rows.append(
            {
                "key": public_hours.EVERY_DAY,
                "when": _("alla dagar"),
                "hours": public_hours.text(hours[public_hours.EVERY_DAY]),
            }
        )
    for day, value in public_hours.schedule(hours, today=date.min):
        rows.append(
            {
                "key": day.isoformat(),
                "when": words.day(day),
                "hours": public_hours.text(value),
            }
        )
    return rows


#: What a stored row that breaks today's bounds (written before they existed, or by
#: hand in the database) raises in the fuel arithmetic. Read paths show "unknown"
#: for it and log a warning instead of failing the page.
UNREADABLE = (fuel.FuelError, ValueError, OverflowError, ArithmeticError)


def _bad_row(key, exc: Exception) -> None:
    log.warning(
        "fuel figures of activation %s cannot be computed (%s); shown as unknown",
        key,
        exc,
    )


def _endurance(activation: Activation, now: datetime, target_hours: float):
    backup = getattr(activation.point, "backup_power", None)
    try:
        curve = backup.curve() if backup is not None else None
    except fuel.FuelError:
        curve = None
    return _endurance_of(
        activation.pk,
        level_l=activation.fuel_level_l,
        level_at=activation.fuel_level_at,
        load_pct=activation.load_pct,
        curve=curve,
        tank_l=backup.tank_l if backup is not None else None,
        now=now,
        target_hours=target_hours,
    )


def _curve(*litres_per_hour: float | None) -> fuel.ConsumptionCurve | None:
    """The consumption curve of a backup power's figures at 25, 50, 75 and 100 %
    load (as :meth:`BackupPower.curve`), None when none or unusable."""
    try:
        return fuel.curve_of(
            dict(zip(fuel.CURVE_LOADS_PCT, litres_per_hour, strict=True))
        )
    except fuel.FuelError:
        return None


def _endurance_of(
    key,
    *,
    level_l: float | None,
    level_at: datetime | None,
    load_pct: float | None,
    curve: fuel.ConsumptionCurve | None,
    tank_l: int | None,
    now: datetime,
    target_hours: float,
):
    """(endurance, load assumed) from the activation's fuel bookkeeping and its
    point's consumption curve (None without backup power or figures): the one
    computation of the dashboard's rows, its fuel list and the fuel page."""
    if level_l is None or level_at is None or curve is None:
        return None, False
    assumed = load_pct is None
    load = DEFAULT_LOAD_PCT if assumed else load_pct
    try:
        result = fuel.endurance(
            key=key,
            level_l=level_l,
            measured_at=level_at,
            now=now,
            curve=curve,
            load_pct=load,
            target_hours=target_hours,
            tank_l=float(tank_l) if tank_l else None,
        )
    except UNREADABLE as exc:
        _bad_row(key, exc)
        return None, False
    return result, assumed


def point_rows(
    activations, *, now: datetime | None = None, target_hours: float | None = None
) -> list[PointRow]:
    """Rows for ``activations`` (a queryset) at ``now``, in its order, else in the
    dashboard's (:data:`ROW_ORDER`: the model's own ordering is not applied to a
    query that counts, as this one does)."""
    now = now or timezone.now()
    target_hours = target_hours if target_hours is not None else fuel_target_hours()
    if not activations.query.order_by:
        activations = activations.order_by(*ROW_ORDER)
    qs = (
        activations.select_related(
            "event",
            "suspended_for",
            "point",
            "point__municipality",
            "point__backup_power",
            "last_report",
        )
        .defer("point__municipality__boundary", "event__area")  # large JSON
        .annotate(
            open_items=Count(
                "checklists__items",
                filter=Q(checklists__items__done_at__isnull=True),
            )
        )
    )
    rows = []
    for a in qs:
        report = a.last_report
        on_generator = bool(report and report.power_source == PowerSource.GENERATOR)
        endurance, assumed = (
            _endurance(a, now, target_hours) if on_generator else (None, False)
        )
        rows.append(
            PointRow(
                activation=a,
                report=report,
                age=age(a.last_seen_at, now),
                stale=a.event.ends_at is None
                and is_stale(
                    state=a.state,
                    seen_at=a.last_seen_at,
                    now=now,
                    stale_after=stale_after(a.event),
                    since=a.state_changed_at,
                ),
                on_generator=on_generator,
                endurance=endurance,
                load_assumed=assumed,
                open_items=a.open_items,
            )
        )
    return rows


def point_states(event: Event, *, now: datetime | None = None) -> list[PointRow]:
    """The current state of every point in ``event`` (for the public site too)."""
    return point_rows(event.activations.all(), now=now)


def current_activation(point, now=None) -> Activation | None:
    """The activation a report without an explicit event goes to: a running real
    event before any exercise (a suspended exercise never), then the newest."""
    now = now or timezone.now()
    return (
        Activation.objects.filter(
            point=point, event__starts_at__lte=now, suspended_at__isnull=True
        )
        .exclude(event__ends_at__lte=now)
        .select_related("event", "last_report")
        .order_by("event__is_exercise", "-event__starts_at", "-id")
        .first()
    )


#: the rows the fuel list and the verify queue are chosen from: full or light
Row = TypeVar("Row", "PointRow", "LightRow")


def fuel_list(rows: list[Row]) -> list[Row]:
    """Points on generator power ordered by time to empty (unknown level last)."""
    on = [r for r in rows if r.on_generator and r.state != State.CLOSED]
    far = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    return sorted(on, key=lambda r: r.endurance.runs_dry_at if r.endurance else far)


def verify_queue(rows: list[Row]) -> list[Row]:
    """Stale points, oldest sign of life first."""
    stale = [r for r in rows if r.stale]
    return sorted(
        stale, key=lambda r: (r.age is None, -(r.age or timedelta(0)).total_seconds())
    )


# --- the dashboard ----------------------------------------------------------------

#: The dashboard's order of rows: by municipality, then name; the id breaks ties,
#: so that a page ends at the same row on every request.
ROW_ORDER = ("point__municipality__code", "point__name", "pk")

#: What :func:`light_rows` reads of each activation: plain values, no model objects.
_LIGHT = (
    "pk",
    "event_id",
    "state",
    "last_seen_at",
    "state_changed_at",
    "last_report__power_source",
    "fuel_level_l",
    "fuel_level_at",
    "load_pct",
    "point__backup_power__id",
    "point__backup_power__consumption_25_l_per_h",
    "point__backup_power__consumption_50_l_per_h",
    "point__backup_power__consumption_75_l_per_h",
    "point__backup_power__consumption_100_l_per_h",
    "point__backup_power__tank_l",
)


@dataclass(slots=True)
class LightRow:
    """What the dashboard's counts, verify queue and fuel list need of one
    activation, the same figures as its :class:`PointRow` (``endurance`` only for
    the points on the fuel list: on generator power and not closed)."""

    pk: int
    state: str
    age: timedelta | None
    stale: bool
    on_generator: bool
    endurance: fuel.Endurance | None


def light_rows(
    activations, *, now: datetime, target_hours: float | None = None
) -> list[LightRow]:
    """Every activation of ``activations`` (a queryset) in the dashboard's order,
    read as values in one query: enough to count, page and choose the verify
    queue and the fuel list, whose rows :func:`point_rows` then builds in full."""
    target_hours = target_hours if target_hours is not None else fuel_target_hours()
    values = list(activations.order_by(*ROW_ORDER).values_list(*_LIGHT))
    # the few events: ended or not, and each one's stale threshold
    events = {
        pk: (ends_at is None, stale_threshold(minutes))
        for pk, ends_at, minutes in Event.objects.filter(
            pk__in={v[1] for v in values}
        ).values_list("pk", "ends_at", "stale_after_minutes")
    }
    curves: dict[tuple, fuel.ConsumptionCurve | None] = {}
    rows = []
    for (
        pk,
        event_id,
        state,
        seen_at,
        since,
        power_source,
        level_l,
        level_at,
        load_pct,
        backup_id,
        *consumption,
        tank_l,
    ) in values:
        running, threshold = events[event_id]
        on_generator = power_source == PowerSource.GENERATOR
        endurance = None
        if on_generator and state != State.CLOSED:
            key = (backup_id is None, *consumption)
            if key not in curves:
                curves[key] = None if backup_id is None else _curve(*consumption)
            endurance, _assumed = _endurance_of(
                pk,
                level_l=level_l,
                level_at=level_at,
                load_pct=load_pct,
                curve=curves[key],
                tank_l=tank_l,
                now=now,
                target_hours=target_hours,
            )
        rows.append(
            LightRow(
                pk=pk,
                state=state,
                age=age(seen_at, now),
                stale=running
                and is_stale(
                    state=state,
                    seen_at=seen_at,
                    now=now,
                    stale_after=threshold,
                    since=since,
                ),
                on_generator=on_generator,
                endurance=endurance,
            )
        )
    return rows


@dataclass
class Overview:
    """What the dashboard shows: one page of rows, the oldest of the verify queue
    with its length, and the first of the fuel list, each a full :class:`PointRow`."""

    rows: list[PointRow]
    verify: list[PointRow]
    verify_total: int
    fuel: list[PointRow]


def overview(
    light: list[LightRow],
    *,
    first: int,
    last: int,
    verify_shown: int,
    fuel_shown: int,
    now: datetime,
    target_hours: float | None = None,
) -> Overview:
    """The rows ``first`` to ``last`` (1-based) of ``light``, the first
    ``verify_shown`` of its verify queue and ``fuel_shown`` of its fuel list, built
    in full by :func:`point_rows` in one query (only the rows shown)."""
    queue = verify_queue(light)
    fuel_first = fuel_list(light)[:fuel_shown]
    page = [r.pk for r in light[first - 1 : last]]
    verify_ids = [r.pk for r in queue[:verify_shown]]
    fuel_ids = [r.pk for r in fuel_first]
    wanted = set(page) | set(verify_ids) | set(fuel_ids)
    full = {
        r.activation.pk: r
        for r in point_rows(
            Activation.objects.filter(pk__in=wanted),
            now=now,
            target_hours=target_hours,
        )
    }
    return Overview(
        rows=[full[pk] for pk in page if pk in full],
        verify=[full[pk] for pk in verify_ids if pk in full],
        verify_total=len(queue),
        fuel=[full[pk] for pk in fuel_ids if pk in full],
    )


# --- situation report ------------------------------------------------------------


def municipality_label(name: str) -> str:
    """ "Åre kommun", "Krokoms kommun", "Östersunds kommun" (Swedish genitive)."""
    if name.endswith(("s", "x", "z")) or name[-1:].lower() in "aeiouyåäö":
        return f"{name} kommun"
    return f"{name}s kommun"


def _sender(event: Event, user) -> str:
    if user is not None and getattr(user, "municipality", None) is not None:
        return municipality_label(user.municipality.name)
    county = County.objects.filter(code=event.county_code).first()
    if county is not None:
        return str(_("Länsstyrelsen i %(county)s") % {"county": county.name})
    return str(_("Länsstyrelsen, län %(code)s") % {"code": event.county_code})


def build_sitrep(
    event: Event,
    *,
    as_of: datetime | None = None,
    user=None,
    number: int | None = None,
    next_report_at: datetime | None = None,
) -> sitrep.Sitrep:
    """Collect the facts for a situation report at ``as_of``."""
    as_of = as_of or timezone.now()
    previous = (
        event.sitreps.filter(as_of__lt=as_of).order_by("-as_of").first()
        if event.pk
        else None
    )
    since = previous.as_of if previous else None
    if number is None:
        number = (event.sitreps.count() + 1) if event.pk else 1
    points = _points_at(event, as_of)
    log = LogEntry.objects.filter(event=event, at__lte=as_of)
    if since is not None:
        log = log.filter(at__gt=since)
    log = log.exclude(kind="report")
    return sitrep.Sitrep(
        event_name=event.name,
        event_kind=event.get_kind_display(),
        as_of=as_of,
        sender=_sender(event, user),
        exercise=event.is_exercise,
        number=number,
        since=since,
        municipalities=tuple(m.name for m in event.municipalities.all()),
        severity=event.get_severity_display(),
        started_at=event.starts_at,
        decided_by=event.decided_by,
        points=tuple(points),
        log=tuple(
            sitrep.SitrepLogEntry(at=e.at, author=e.author_name, text=e.text)
            for e in log.order_by("at", "id")
        ),
        stale_after=stale_after(event),
        next_report_at=next_report_at,
    )


def _points_at(event: Event, as_of: datetime) -> list[sitrep.SitrepPoint]:
    """Every point of the event as it stood at ``as_of``, rebuilt from the
    append-only history (state changes, reports, confirmations, deliveries), so a
    situation report can be made for any chosen time.

    What the public was told about each point (stale or unknown, fuel out or
    limited, the warm room) comes from
    :func:`sot.operations.core.public_state.public_state`, seen from this event. A
    fixed number of queries whatever the number of points.
    """
    activations = list(
        event.activations.select_related(
            "point", "point__municipality", "point__backup_power"
        )
        .defer("point__municipality__boundary")
        .prefetch_related(
            Prefetch(
                "point__point_services",
                queryset=PointService.objects.select_related("service"),
            )
        )
    )
    ids = [a.pk for a in activations]
    changes: dict[int, list] = {}
    for c in OpsStateChange.objects.filter(
        activation_id__in=ids, at__lte=as_of
    ).order_by("at", "id"):
        changes.setdefault(c.activation_id, []).append(c)
    reports: dict[int, list[StatusReport]] = {}
    for r in StatusReport.objects.filter(
        activation_id__in=ids, observed_at__lte=as_of
    ).order_by("observed_at", "id"):
        reports.setdefault(r.activation_id, []).append(r)
    confirmed: dict[int, list] = {}
    for activation_id, at in ReportConfirmation.objects.filter(
        report__activation_id__in=ids, confirmed_at__lte=as_of
    ).values_list("report__activation_id", "confirmed_at"):
        confirmed.setdefault(activation_id, []).append(at)
    deliveries: dict[int, FuelDelivery] = {}
    for d in FuelDelivery.objects.filter(
        activation_id__in=ids, delivered_at__lte=as_of, level_after_l__isnull=False
    ).order_by("delivered_at", "id"):
        deliveries[d.activation_id] = d  # the newest wins
    restrictions, reasons = _restrictions_of(event)
    points = []
    for a in activations:
        if not changes.get(a.pk):
            continue  # not yet activated at that time
        own = reports.get(a.pk, [])
        for r in own:
            r.activation = a  # no query per report for the tank size
        plain_act = plain.activation_at(
            a, event, own, changes[a.pk], confirmed.get(a.pk, []), as_of
        )
        # The event's own view: an exercise set aside for a real event still
        # reports where it stood.
        st = public_state.public_state(
            offers=plain.offers(a.point),
            activations=[replace(plain_act, suspended=False)],
            restrictions=restrictions.get(a.point_id, ()),
            now=as_of,
        )
        services = {ps.service.code: ps for ps in a.point.point_services.all()}
        facts = sitrep.offer_facts(
            st,
            labels={code: ps.service.name_sv for code, ps in services.items()},
            reasons=reasons,
        )
        change = changes[a.pk][-1]
        report = own[-1] if own else None
        fuel_hours = runs_dry = None
        if report is not None and report.power_source == PowerSource.GENERATOR:
            fuel_hours, runs_dry = _fuel_at(a, own[::-1], as_of, deliveries.get(a.pk))
        warm = services.get(sitrep.WARM_ROOM)
        capacity = report.capacity_people if report else None
        if capacity is None and warm is not None:
            capacity = warm.capacity_people
        points.append(
            sitrep.SitrepPoint(
                name=a.point.name,
                village=a.point.village,
                municipality=a.point.municipality.name,
                state=PointState(change.state),
                state_reason=change.reason,
                power_source=report.power_source if report else "",
                fuel_hours=fuel_hours,
                runs_dry_at=runs_dry,
                last_report_at=plain_act.last_seen_at,
                stale=st.stale,
                needs=tuple(report.needs()) if report else (),
                limited_services=facts.limited_services,
                people_present=report.people_present if report else None,
                capacity=capacity,
                indoor_temp_c=report.indoor_temp_c if report else None,
                fuel_status=facts.fuel_status,
                warm_room=facts.warm_room,
            )
        )
    return points


def _restrictions_of(event: Event):
    """The event's restrictions by point (through the public app's messages, read by
    their reverse relation so operations does not import the public app), and the
    Swedish words for each kind of restriction."""
    by_point: dict[int, list] = {}
    reasons: dict[str, str] = {}
    messages = getattr(event, "public_messages", None)
    if messages is None or not event.pk:
        return by_point, reasons
    with translation.override("sv"):
        for m in (
            messages.exclude(service_code="")
            .exclude(restriction="")
            .exclude(point=None)
        ):
            by_point.setdefault(m.point_id, []).append(plain.plain_restriction(m))
            reasons[m.restriction] = str(m.get_restriction_display())
    return by_point, reasons


def report_fuel_level_l(report: StatusReport) -> float | None:
    """The tank level a report gives, in litres (percent converted with the tank)."""
    if report.generator_fuel_l is not None:
        return float(report.generator_fuel_l)
    if report.generator_fuel_pct is not None:
        tank_l = tank_l_of(report.activation.point)
        if tank_l:
            try:
                return fuel.level_from_pct(pct=report.generator_fuel_pct, tank_l=tank_l)
            except fuel.FuelError:  # a row stored before the bounds existed
                return None
    return None


def tank_l_of(point) -> float | None:
    """The size of the point's tank in litres, if its backup power says."""
    backup = getattr(point, "backup_power", None)
    try:
        return float(backup.tank_l) if backup and backup.tank_l else None
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return None


def _fuel_at(activation, reports, as_of, delivery):
    """(hours left, runs dry at) at ``as_of`` from the last level known then
    (``reports`` newest first, ``delivery`` the newest delivery with a level)."""
    backup = getattr(activation.point, "backup_power", None)
    try:
        curve = backup.curve() if backup is not None else None
    except fuel.FuelError:
        curve = None
    if curve is None:
        return None, None
    level = level_at = None
    load = None
    for r in reports:
        if load is None and r.generator_load_pct is not None:
            load = r.generator_load_pct
        if level is None:
            value = report_fuel_level_l(r)
            if value is not None:
                level, level_at = value, r.observed_at
        if load is not None and level is not None:
            break
    if delivery is not None and (level_at is None or delivery.delivered_at >= level_at):
        level, level_at = delivery.level_after_l, delivery.delivered_at
    if level is None:
        return None, None
    try:
        e = fuel.endurance(
            level_l=level,
            measured_at=level_at,
            now=as_of,
            curve=curve,
            load_pct=DEFAULT_LOAD_PCT if load is None else load,
            target_hours=0,
        )
    except UNREADABLE as exc:
        _bad_row(activation.pk, exc)
        return None, None
    return e.hours_left, e.runs_dry_at
