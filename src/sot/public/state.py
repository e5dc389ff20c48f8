"""What the public sees, read from the register and operations as plain data.

Turns rows into :mod:`sot.public.core.model` values so that every page, feed and the
snapshot come from one place. Only public fields are read: the state, the services,
fuel and payment fields of the last status report, its ``public_note``, the event's
``public_message``, public contacts. Internal notes, needs and fuel levels never
leave this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.utils import timezone

from sot.operations.conf import stale_after
from sot.operations.models import Activation, Event, StatusReport
from sot.operations.models import StateChange as OpsStateChange
from sot.public.core.model import (
    PublicMessageData,
    PublicPoint,
    PublicState,
    Service,
    StateChange,
)
from sot.public.core.svgmap import Area
from sot.public.models import PublicMessage
from sot.registry.catalogue import FUEL_SERVICES, PAYMENT_SERVICES
from sot.registry.models import Lifecycle, Municipality, Point

#: Operations state -> public state.
STATE_MAP = {
    "alerted": PublicState.PREPARING,
    "activating": PublicState.PREPARING,
    "open": PublicState.OPEN,
    "limited": PublicState.LIMITED,
    "closed": PublicState.CLOSED,
    "unknown": PublicState.UNKNOWN,
}
#: Register fuel service code -> StatusReport.fuel_products key.
FUEL_KEYS = {
    "fuel_diesel": "diesel",
    "fuel_petrol95": "petrol",
    "fuel_hvo100": "hvo100",
    "fuel_e85": "other",
}
PAYMENT_KEYS = {"pay_card": "card", "pay_cash": "cash", "pay_invoice": "invoice"}
PUBLIC_LIFECYCLES = (Lifecycle.APPROVED, Lifecycle.ESTABLISHED)
#: Which activation wins when a point is in several running events.
_PRIORITY = {
    "open": 5,
    "limited": 4,
    "activating": 3,
    "alerted": 2,
    "unknown": 1,
    "closed": 0,
}


@dataclass(frozen=True)
class EventInfo:
    id: int
    name: str
    exercise: bool
    message: str
    starts_at: datetime
    municipality_codes: tuple[str, ...]


def running_events(now=None) -> list[Event]:
    now = now or timezone.now()
    return list(
        Event.objects.filter(starts_at__lte=now)
        .exclude(ends_at__lte=now)
        .prefetch_related("municipalities")
        .order_by("-starts_at", "-id")
    )


def event_infos(now=None, events: list[Event] | None = None) -> list[EventInfo]:
    return [
        EventInfo(
            id=e.pk,
            name=e.name,
            exercise=e.is_exercise,
            message=e.public_message,
            starts_at=e.starts_at,
            municipality_codes=tuple(sorted(m.code for m in e.municipalities.all())),
        )
        for e in (running_events(now) if events is None else events)
    ]


def _availability(value: str | None) -> tuple[bool | None, bool]:
    if value == "yes":
        return True, False
    if value == "limited":
        return True, True
    if value == "no":
        return False, False
    return None, False


def _point_base(point: Point) -> PublicPoint:
    services, fuel, payment = [], [], []
    for ps in point.point_services.all():
        svc = ps.service
        if svc.code in FUEL_SERVICES:
            fuel.append(
                Service(svc.code, None, label_sv=svc.name_sv, label_en=svc.name_en)
            )
        elif svc.code in PAYMENT_SERVICES:
            payment.append(PAYMENT_KEYS.get(svc.code, svc.code))
        else:
            services.append(
                Service(
                    svc.code, None, ps.notes, label_sv=svc.name_sv, label_en=svc.name_en
                )
            )
    contacts = [c for c in point.contacts.all() if c.is_public]
    contact = "; ".join(
        ", ".join(x for x in (c.name, c.title, c.phone, c.email) if x) for c in contacts
    )
    return PublicPoint(
        slug=point.slug,
        name=point.name,
        village=point.village,
        municipality_code=point.municipality.code,
        municipality_name=point.municipality.name,
        lat=point.lat,
        lon=point.lon,
        address=", ".join(
            x
            for x in (
                point.address,
                f"{point.postcode} {point.village}".strip() if point.postcode else "",
            )
            if x
        ),
        directions=point.accessibility_notes,
        state=PublicState.STANDBY,
        services=tuple(services),
        fuel=tuple(fuel),
        payment=tuple(payment),
        opening_hours=point.opening_arrangements,
        contact=contact,
        note=point.public_description,
    )


def apply_report(
    base: PublicPoint, report: StatusReport | None, *, state: str
) -> PublicPoint:
    """``base`` with the public parts of ``report`` and the operations ``state``."""
    public_state = STATE_MAP.get(state, PublicState.UNKNOWN)
    if report is None:
        return replace(base, state=public_state)
    services = []
    for s in base.services:
        available, limited = _availability(report.services.get(s.key))
        services.append(replace(s, available=available, limited=limited))
    fuel = []
    for s in base.fuel:
        raw = report.fuel_products.get(
            FUEL_KEYS.get(s.key, s.key), report.services.get(s.key)
        )
        available, limited = _availability(raw)
        fuel.append(replace(s, available=available, limited=limited))
    payment = tuple(report.payment_methods) if report.payment_methods else base.payment
    return replace(
        base,
        state=public_state,
        services=tuple(services),
        fuel=tuple(fuel),
        payment=payment,
        note=report.public_note or base.note,
        updated_at=report.observed_at,
    )


def _points_qs():
    return (
        Point.objects.filter(lifecycle__in=PUBLIC_LIFECYCLES)
        .select_related("municipality")
        .prefetch_related("point_services__service", "contacts")
        .order_by("municipality__name", "name")
    )


def public_points(now=None, events: list[Event] | None = None) -> list[PublicPoint]:
    """Every public point with its live state (open points first is the caller's job)."""
    now = now or timezone.now()
    events = {e.pk: e for e in (running_events(now) if events is None else events)}
    activations: dict[int, Activation] = {}
    for act in Activation.objects.filter(event_id__in=events).select_related(
        "last_report"
    ):
        best = activations.get(act.point_id)
        if best is None or (_PRIORITY.get(act.state, 0), act.state_changed_at) > (
            _PRIORITY.get(best.state, 0),
            best.state_changed_at,
        ):
            activations[act.point_id] = act
    out = []
    for point in _points_qs():
        base = _point_base(point)
        act = activations.get(point.pk)
        if act is None:
            out.append(base)
            continue
        event = events[act.event_id]
        pp = apply_report(base, act.last_report, state=act.state)
        # The last word from the point: a report or a "still current"; an automatic
        # change (to unknown when reports go stale) is not news from the point.
        heard = [x for x in (act.last_seen_at, pp.updated_at) if x]
        seen = max(heard) if heard else act.state_changed_at
        next_update = seen + stale_after(event)
        out.append(
            replace(
                pp,
                updated_at=seen,
                event_id=str(event.pk),
                event_name=event.name,
                exercise=event.is_exercise,
                next_update=next_update.isoformat(),
            )
        )
    return out


def sort_for_public(points: list[PublicPoint]) -> list[PublicPoint]:
    """Open first, then limited, preparing, unknown, closed, standby; by name within."""
    order = {
        PublicState.OPEN: 0,
        PublicState.LIMITED: 1,
        PublicState.PREPARING: 2,
        PublicState.UNKNOWN: 3,
        PublicState.CLOSED: 4,
        PublicState.STANDBY: 5,
    }
    return sorted(points, key=lambda p: (order.get(p.state, 9), p.name))


def areas(points: list[PublicPoint] | None = None) -> list[Area]:
    """Municipality boundaries of the counties that have public points."""
    counties = set(
        Municipality.objects.filter(
            points__lifecycle__in=PUBLIC_LIFECYCLES
        ).values_list("county_code", flat=True)
    )
    return [
        Area(m.code, m.name, m.boundary)
        for m in Municipality.objects.filter(county_code__in=counties).exclude(
            boundary=None
        )
    ]


def public_messages(
    now=None, events: list[Event] | None = None
) -> list[PublicMessageData]:
    """Current messages from municipalities and the running events' own messages."""
    now = now or timezone.now()
    out = [
        PublicMessageData(
            id=str(m.pk),
            text=m.text,
            text_en=m.text_en,
            published_at=m.published_at,
            point_slug=m.point.slug if m.point else "",
            point_name=m.point.name if m.point else "",
            event_id=str(m.event_id or ""),
            event_name=m.event.name if m.event else "",
            municipality_code=m.municipality.code,
            exercise=bool(m.event and m.event.is_exercise),
        )
        for m in PublicMessage.objects.current(now).select_related(
            "point", "event", "municipality"
        )
    ]
    for e in running_events(now) if events is None else events:
        if e.public_message:
            out.append(
                PublicMessageData(
                    id=f"e{e.pk}",
                    text=e.public_message,
                    published_at=e.starts_at,
                    event_id=str(e.pk),
                    event_name=e.name,
                    exercise=e.is_exercise,
                )
            )
    return sorted(out, key=lambda m: m.published_at, reverse=True)


def state_changes(since=None) -> list[StateChange]:
    """Every public state change and status report, as input for CAP."""
    bases = {p.pk: _point_base(p) for p in _points_qs()}
    out = []
    changes = OpsStateChange.objects.select_related(
        "activation__event", "activation", "report"
    )
    reports = StatusReport.objects.select_related("activation__event", "activation")
    if since is not None:
        changes = changes.filter(at__gte=since)
        reports = reports.filter(observed_at__gte=since)
    for c in changes:
        act = c.activation
        base = bases.get(act.point_id)
        if base is None:
            continue
        report = c.report or (
            StatusReport.objects.filter(activation=act, observed_at__lte=c.at)
            .order_by("-observed_at", "-id")
            .first()
        )
        point = apply_report(base, report, state=c.state)
        out.append(_change(act.event, point, c.at))
    for r in reports:
        act = r.activation
        base = bases.get(act.point_id)
        if base is None:
            continue
        out.append(
            _change(act.event, apply_report(base, r, state=r.state), r.observed_at)
        )
    return out


def _change(event: Event, point: PublicPoint, at) -> StateChange:
    point = replace(
        point, event_id=str(event.pk), event_name=event.name, exercise=event.is_exercise
    )
    return StateChange(
        event_id=str(event.pk),
        event_name=event.name,
        point=point,
        state=point.state,
        at=at,
        exercise=event.is_exercise,
        valid_for=stale_after(event),
    )
