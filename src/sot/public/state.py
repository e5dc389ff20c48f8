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

from django.db.models import Count, Prefetch
from django.utils import timezone

from sot.operations.conf import stale_after
from sot.operations.core import notecheck
from sot.operations.core import public_state as core
from sot.operations.models import (
    FUEL_PRODUCT_KEYS,
    PAYMENT_METHOD_KEYS,
    Activation,
    ActivationRest,
    Event,
    ReportConfirmation,
    StatusReport,
)
from sot.operations.models import StateChange as OpsStateChange
from sot.operations.plain import activation_at as _state_at
from sot.operations.plain import offers as _offers
from sot.operations.plain import offers_of, plain_activation, plain_restriction
from sot.public.core import hours
from sot.public.core.model import (
    OPEN_STATES,
    PublicMessageData,
    PublicPoint,
    PublicState,
    Service,
    StateChange,
)
from sot.public.core.svgmap import Area
from sot.public.models import RESTRICTION_LABELS, PublicMessage
from sot.registry.catalogue import FUEL_SERVICES, PAYMENT_SERVICES
from sot.registry.models import (
    CONTACT_ORDER,
    SERVICE_ORDER,
    County,
    Lifecycle,
    Municipality,
    Point,
    PointService,
)

#: Register fuel service code -> StatusReport.fuel_products key (defined once).
FUEL_KEYS = FUEL_PRODUCT_KEYS
PAYMENT_KEYS = PAYMENT_METHOD_KEYS
PUBLIC_LIFECYCLES = (Lifecycle.APPROVED, Lifecycle.ESTABLISHED)


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
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.defer("boundary"))
        )
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


def _reason(reason: str, lang: str) -> str:
    pair = RESTRICTION_LABELS.get(reason)
    if pair is None:
        return reason
    return pair[1] if lang == "en" else pair[0]


def _hours(st: core.PointPublicState, now: datetime) -> dict[str, object]:
    """The opening-hours fields of a point (the rule is sot.public.core.hours')."""
    today = hours.local_day(now)
    shown = hours.in_force(
        state=st.state,
        event_hours=st.opening_hours,
        day=today,
        event_ends_at=st.event_ends_at,
    )
    days = (
        hours.schedule(st.opening_hours, today=today) if hours.serving(st.state) else ()
    )
    return {
        "opening_hours": shown.text("sv"),
        "opening_hours_en": shown.text("en"),
        "opening_hours_source": shown.source,
        "opening_hours_until": shown.until,
        "opening_days": tuple(
            (d.isoformat(), hours.text(v, "sv"), hours.text(v, "en")) for d, v in days
        ),
    }


def to_public(
    base: PublicPoint,
    st: core.PointPublicState,
    events: dict | None = None,
    *,
    now: datetime | None = None,
) -> PublicPoint:
    """``base`` (the register's view) with what :func:`core.public_state` decided
    (``now``: the day whose opening hours apply; default the current time)."""
    by_key = {o.key: o for o in st.offers}

    def overlay(services):
        out = []
        for s in services:
            o = by_key.get(s.key)
            if o is None or not st.live:
                unknown = s.available is None and not s.limited
                out.append(s if unknown else replace(s, available=None, limited=False))
                continue
            out.append(
                replace(
                    s,
                    available={
                        core.Availability.AVAILABLE: True,
                        core.Availability.LIMITED: True,
                        core.Availability.NOT_AVAILABLE: False,
                    }.get(o.availability),
                    limited=o.availability == core.Availability.LIMITED,
                    reason_sv=_reason(o.reason, "sv"),
                    reason_en=_reason(o.reason, "en"),
                    until=o.until,
                )
            )
        return tuple(out)

    if not st.live:
        return replace(base, services=overlay(base.services), fuel=overlay(base.fuel))
    return _with_note_conflicts(
        replace(
            base,
            **_hours(st, now or timezone.now()),
            state=PublicState(st.state.value),
            services=overlay(base.services),
            fuel=overlay(base.fuel),
            payment=st.payment if st.payment is not None else base.payment,
            note=st.public_note or base.note,
            updated_at=st.updated_at,
            next_update=st.next_update.isoformat() if st.next_update else "",
            event_id=str(st.event_id),
            event_name=st.event_name,
            exercise=st.is_exercise,
            stale=st.stale,
            last_state=core.STATE_MAP[st.last_state].value if st.last_state else "",
            last_reported_at=st.last_reported_at,
        )
    )


def _with_note_conflicts(pt: PublicPoint) -> PublicPoint:
    """``pt`` with the topics its public note states against its own data (a note
    that came by the API, a box or a queued offline report; the web form refuses
    them), for every output that shows the note (pages, CAP, GeoJSON)."""
    if not pt.note or pt.stale:
        return pt
    reported = {"available": "yes", "limited": "limited", "not_available": "no"}
    values = {s.key: reported.get(s.status) for s in (*pt.services, *pt.fuel)}
    found = notecheck.contradictions(pt.note, values, str(pt.state))
    if not found:
        return pt
    return replace(pt, note_conflicts=tuple(dict.fromkeys(c.topic for c in found)))


@dataclass(frozen=True, slots=True)
class PointRow:
    """What the public side reads of a point, as plain values (no model objects:
    building 30 000 of them and their prefetches was most of a national feed's
    render): its columns, its services as (code, Swedish name, English name,
    note) in the register's order and its public contacts as (name, title,
    phone, email)."""

    pk: int
    slug: str
    name: str
    village: str
    municipality_code: str
    municipality_name: str
    lat: float
    lon: float
    address: str
    postcode: str
    accessibility_notes: str
    opening_arrangements: str
    public_description: str
    services: tuple[tuple[str, str, str, str], ...]
    contacts: tuple[tuple[str, str, str, str], ...]

    @property
    def offers(self):
        """What the register says the point offers (``core.Offer``s)."""
        return offers_of(code for code, *_ in self.services)


_ROW_COLUMNS = (
    "pk",
    "slug",
    "name",
    "village",
    "municipality__code",
    "municipality__name",
    "lat",
    "lon",
    "address",
    "postcode",
    "accessibility_notes",
    "opening_arrangements",
    "public_description",
)


def point_rows(where: dict | None = None) -> list[PointRow]:
    """The public points (those ``where`` selects, Point lookups such as
    ``{"slug": "kall"}``), in the one order of every build (municipality, name,
    slug), as :class:`PointRow`: three queries whatever their number."""
    rows = list(
        Point.objects.filter(lifecycle__in=PUBLIC_LIFECYCLES, **(where or {}))
        .order_by("municipality__name", "name", "slug")
        .values_list(*_ROW_COLUMNS)
    )
    ids = [r[0] for r in rows]
    services: dict[int, list[tuple[str, str, str, str]]] = {pk: [] for pk in ids}
    for point_id, *service in (
        PointService.objects.filter(point_id__in=ids)
        .order_by(*SERVICE_ORDER)
        .values_list(
            "point_id", "service__code", "service__name_sv", "service__name_en", "notes"
        )
    ):
        services[point_id].append(tuple(service))
    contacts: dict[int, list[tuple[str, str, str, str]]] = {pk: [] for pk in ids}
    for point_id, *contact in (
        Point.contacts.through.objects.filter(point_id__in=ids, contact__is_public=True)
        .order_by(*(f"contact__{field}" for field in CONTACT_ORDER))
        .values_list(
            "point_id",
            "contact__name",
            "contact__title",
            "contact__phone",
            "contact__email",
        )
    ):
        contacts[point_id].append(tuple(contact))
    return [
        PointRow(
            *r,
            services=tuple(services[r[0]]),
            contacts=tuple(contacts[r[0]]),
        )
        for r in rows
    ]


def point_base(point: PointRow) -> PublicPoint:
    """The register's view of a point, before its live state is laid over it."""
    services, fuel, payment = [], [], []
    for code, name_sv, name_en, notes in point.services:
        if code in FUEL_SERVICES:
            fuel.append(Service(code, None, label_sv=name_sv, label_en=name_en))
        elif code in PAYMENT_SERVICES:
            payment.append(PAYMENT_KEYS.get(code, code))
        else:
            services.append(
                Service(code, None, notes, label_sv=name_sv, label_en=name_en)
            )
    contact = "; ".join(
        ", ".join(x for x in contact if x) for contact in point.contacts
    )
    return PublicPoint(
        slug=point.slug,
        name=point.name,
        village=point.village,
        municipality_code=point.municipality_code,
        municipality_name=point.municipality_name,
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
        opening_arrangements=point.opening_arrangements,
        contact=contact,
        note=point.public_description,
    )


def _restrictions(now, events) -> dict[int, list[core.Restriction]]:
    out: dict[int, list[core.Restriction]] = {}
    for m in (
        PublicMessage.objects.current(now)
        .filter(event_id__in=list(events))
        .exclude(service_code="")
        .exclude(restriction="")
        .exclude(point=None)
    ):
        out.setdefault(m.point_id, []).append(plain_restriction(m))
    return out


def point_states(
    now=None, events: list[Event] | None = None, *, where: dict | None = None
) -> dict[int, tuple[PointRow, core.PointPublicState]]:
    """Point id -> (point, its public state) for every public point, or for those
    matching ``where`` (Point lookups such as ``{"slug": "kall"}``). A fixed number
    of queries whatever the number of points."""
    now = now or timezone.now()
    events = {e.pk: e for e in (running_events(now) if events is None else events)}
    by_point: dict[int, list[core.Activation]] = {}
    acts = Activation.objects.filter(event_id__in=events)
    if where:
        acts = acts.filter(**{f"point__{k}": v for k, v in where.items()})
    for act in acts.select_related("last_report"):
        by_point.setdefault(act.point_id, []).append(
            plain_activation(act, events[act.event_id])
        )
    restrictions = _restrictions(now, events)
    return {
        point.pk: (
            point,
            core.public_state(
                offers=point.offers,
                activations=by_point.get(point.pk, ()),
                restrictions=restrictions.get(point.pk, ()),
                now=now,
            ),
        )
        for point in point_rows(where)
    }


def point_public_state(point: Point, now=None) -> core.PointPublicState:
    """The public state of one point (for SMS replies and resident alerts)."""
    now = now or timezone.now()
    events = {e.pk: e for e in running_events(now)}
    acts = [
        plain_activation(a, events[a.event_id])
        for a in Activation.objects.filter(
            point=point, event_id__in=events
        ).select_related("last_report")
    ]
    restrictions = _restrictions(now, events).get(point.pk, ())
    return core.public_state(
        offers=_offers(point), activations=acts, restrictions=restrictions, now=now
    )


def public_points(
    now=None, events: list[Event] | None = None, *, where: dict | None = None
) -> list[PublicPoint]:
    """Every public point with its live state (open points first is the caller's job).

    The state of each comes from :func:`sot.operations.core.public_state.public_state`
    and nowhere else.
    """
    states = point_states(now, events, where=where)
    return [to_public(point_base(point), st, now=now) for point, st in states.values()]


@dataclass(frozen=True)
class Located:
    """Where a public point is and whether it is open: enough to rank by distance
    without loading the whole point."""

    slug: str
    name: str
    village: str
    municipality_code: str
    municipality_name: str
    lat: float
    lon: float
    is_open: bool


def located_points(events: list[Event], now=None) -> list[Located]:
    """Every public point's place and openness, in two light queries. Open is what
    the point's page says (:func:`core.public_state`: a silent point gone stale, an
    exercise a real event set aside or one that has not started are not open),
    not the activation's bare state."""
    now = now or timezone.now()
    by_event = {e.pk: e for e in events}
    by_point: dict[int, list[core.Activation]] = {}
    for act in Activation.objects.filter(event__in=events).select_related(
        "last_report"
    ):
        by_point.setdefault(act.point_id, []).append(
            plain_activation(act, by_event[act.event_id])
        )
    open_ids = {
        pk
        for pk, acts in by_point.items()
        if core.public_state(offers=(), activations=acts, now=now).state in OPEN_STATES
    }
    return [
        Located(slug, name, village, code, mname, lat, lon, pk in open_ids)
        for pk, slug, name, village, code, mname, lat, lon in Point.objects.filter(
            lifecycle__in=PUBLIC_LIFECYCLES
        ).values_list(*_ROW_COLUMNS[:8])  # pk, slug, ... lat, lon
    ]


def activated_point_ids(events: list[Event]):
    """A subquery of the points activated in ``events``."""
    return Activation.objects.filter(event__in=events).values("point_id")


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


def install_counties() -> list[tuple[str, str]]:
    """(code, name) of the counties that have public points: one for a county's
    install, several for a national one."""
    codes = set(
        Municipality.objects.filter(points__lifecycle__in=PUBLIC_LIFECYCLES)
        .values_list("county_code", flat=True)
        .distinct()
    )
    names = dict(County.objects.filter(code__in=codes).values_list("code", "name"))
    return sorted(((c, names.get(c, c)) for c in codes), key=lambda x: x[1])


def county_areas(codes) -> list[Area]:
    """County boundaries (for the national overview map)."""
    return [
        Area(c.code, c.name, c.boundary)
        for c in County.objects.filter(code__in=list(codes)).exclude(boundary=None)
    ]


def counts_by(key: str, events: list[Event]) -> dict[str, tuple[int, int]]:
    """{county or municipality code: (open or limited points, public points)}, with
    ``key`` ``"municipality__county_code"`` or ``"municipality__code"``; two queries."""
    totals = dict(
        Point.objects.filter(lifecycle__in=PUBLIC_LIFECYCLES)
        .values_list(key)
        .annotate(n=Count("id"))
        .values_list(key, "n")
    )
    open_ = dict(
        Activation.objects.filter(
            event__in=events,
            state__in=("open", "limited"),
            point__lifecycle__in=PUBLIC_LIFECYCLES,
        )
        .values_list(f"point__{key}")
        .annotate(n=Count("point", distinct=True))
        .values_list(f"point__{key}", "n")
    )
    return {code: (open_.get(code, 0), n) for code, n in totals.items()}


def areas(points: list[PublicPoint] | None = None, counties=None) -> list[Area]:
    """Municipality boundaries of the counties that have public points (or of
    ``counties``)."""
    if counties is None:
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
    now=None,
    events: list[Event] | None = None,
    states: dict[int, tuple[PointRow, core.PointPublicState]] | None = None,
) -> list[PublicMessageData]:
    """Current messages from municipalities and the running events' own messages.

    A message ends with its end time, its withdrawal or its event. Nothing of an
    exercise is public while a real event runs in the same county; a message about
    a point shows only while its event is the one shown for that point.
    """
    now = now or timezone.now()
    events = running_events(now) if events is None else events
    real_counties = {e.county_code for e in events if not e.is_exercise}
    hidden = {e.pk for e in events if e.is_exercise and e.county_code in real_counties}
    shown_event = {}
    if states is not None:
        shown_event = {pk: st.event_id for pk, (_p, st) in states.items()}
    out = []
    for m in PublicMessage.objects.current(now).select_related(
        "point", "event", "municipality"
    ):
        if m.event_id in hidden:
            continue
        if (
            m.event_id
            and m.point_id
            and states is not None
            and shown_event.get(m.point_id) != m.event_id
        ):
            continue
        out.append(
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
        )
    for e in events:
        if e.public_message and e.pk not in hidden:
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


def message_point_ids(now) -> list[int]:
    """The points that current messages of an event are about."""
    return list(
        PublicMessage.objects.current(now)
        .exclude(point=None)
        .exclude(event=None)
        .values_list("point_id", flat=True)
        .distinct()
    )


def public_events(events: list[Event]) -> list[Event]:
    """The running events the public is told about: no exercise in a county where a
    real event runs."""
    real_counties = {e.county_code for e in events if not e.is_exercise}
    return [e for e in events if not (e.is_exercise and e.county_code in real_counties)]


def state_changes(since=None, now=None, point_slugs=None) -> list[StateChange]:
    """Every public state change and status report, as input for CAP.

    Each is the public state (:func:`core.public_state`) of that activation at that
    moment; the last entry of each chain is the state the pages show now (so a
    point gone stale is announced as unknown even before the freshness check ran).
    An exercise activation that a real event set aside (its rests,
    :class:`ActivationRest`) ends its chain when the rest starts, with a closing
    change (a CAP Cancel with status Exercise, so a consumer holding the
    exercise's alert drops it), says nothing while it rests and begins a new
    chain when the rest ends and it is open again.
    """
    now = now or timezone.now()
    where = {"slug__in": list(point_slugs)} if point_slugs is not None else None
    points = {p.pk: p for p in point_rows(where)}
    bases = {pk: point_base(p) for pk, p in points.items()}
    offers = {pk: p.offers for pk, p in points.items()}
    acts = list(
        Activation.objects.filter(point_id__in=points).select_related(
            "event", "last_report"
        )
    )
    taken = {
        a.point_id for a in acts if not a.event.is_exercise and a.event.is_running(now)
    }
    reports_by: dict[int, list[StatusReport]] = {}
    for r in StatusReport.objects.filter(activation__in=acts).order_by(
        "observed_at", "id"
    ):
        reports_by.setdefault(r.activation_id, []).append(r)
    restrictions: dict[int, list[core.Restriction]] = {}
    for m in (
        PublicMessage.objects.filter(withdrawn_at=None)
        .exclude(service_code="")
        .exclude(restriction="")
        .exclude(point=None)
    ):
        restrictions.setdefault(m.point_id, []).append(plain_restriction(m))
    rests_by: dict[int, list[ActivationRest]] = {}
    for rest in ActivationRest.objects.filter(activation__in=acts):
        rests_by.setdefault(rest.activation_id, []).append(rest)
    confirmed_by: dict[int, list] = {}
    for c in ReportConfirmation.objects.filter(report__activation__in=acts).values_list(
        "report__activation_id", "confirmed_at"
    ):
        confirmed_by.setdefault(c[0], []).append(c[1])
    changes_by: dict[int, list] = {}
    changes = OpsStateChange.objects.filter(activation__in=acts)
    for c in changes.order_by("at", "id"):
        changes_by.setdefault(c.activation_id, []).append(c)
    out = []
    for act in acts:
        event = act.event
        rests = rests_by.get(act.pk, [])
        if event.is_exercise and act.point_id in taken and not rests:
            continue  # set aside before its rests were kept: nothing to say
        reports = reports_by.get(act.pk, [])
        moments = {c.at for c in changes_by.get(act.pk, [])}
        moments |= {r.observed_at for r in reports}
        for rest in rests:
            moments.add(rest.started_at)
            if rest.ended_at is not None:
                moments.add(rest.ended_at)
        for at in sorted(moments):
            if at > now or (since is not None and at < since):
                continue
            st = _state_at(
                act,
                event,
                reports,
                changes_by.get(act.pk, []),
                confirmed_by.get(act.pk, []),
                at,
                rests,
            )
            st = core.public_state(
                offers=offers[act.point_id],
                activations=[st],
                restrictions=restrictions.get(act.point_id, ()),
                now=at,
            )
            out.append(_change(event, to_public(bases[act.point_id], st, now=at), at))
        current = core.public_state(
            offers=offers[act.point_id],
            activations=[plain_activation(act, event)],
            restrictions=restrictions.get(act.point_id, ()),
            now=now,
        )
        if current.live and out and out[-1].point.slug == bases[act.point_id].slug:
            last = out[-1]
            if last.event_id == str(event.pk) and last.state != current.state:
                at = _since(current, act, event, now)
                out.append(
                    _change(event, to_public(bases[act.point_id], current, now=now), at)
                )
    return out


def _since(current: core.PointPublicState, act, event, now):
    """When the shown state began (the moment a silent point went stale)."""
    if current.stale:
        reference = current.updated_at or act.state_changed_at
        return min(now, reference + stale_after(event))
    return min(now, act.state_changed_at)


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
