"""Operations over the JSON API: events, activations, status reports, deliveries, log.

Every endpoint needs a signed-in user or a bearer token and calls the same service
functions as the web pages, with the same permissions. Refusals map to HTTP codes:
403 (not allowed), 404 (not found or not visible), 409 (stale report form), 422
(lifecycle or other rule, with ``code`` and Swedish ``detail``).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sot.accounts import policy
from sot.api import paging
from sot.errors import Invalid, NotFound, Unauthenticated
from sot.operations import permissions as perm
from sot.operations import queries
from sot.operations import services as ops
from sot.operations.core import sitrep
from sot.operations.core import vocabulary as vocab
from sot.operations.models import Activation, Event, StatusReport
from sot.registry.models import Municipality, Point
from sot.validation import bounds
from sot.validation import schema as v
from sot.vocabulary import literal

router = Router()
PREFIX = "/operations"

# Accepted codes, derived from the vocabularies ("" = not given).
EventKindCode = literal(vocab.EventKind)
SeverityCode = literal(vocab.Severity)
ReportableState = literal(
    sorted(vocab.REPORTABLE_STATES, key=list(vocab.PointState).index)
)
PowerSourceCode = literal([*vocab.PowerSource, ""])
AvailabilityCode = literal(vocab.Availability)
QueueCode = literal([*vocab.Queue, ""])
LogKindCode = literal(vocab.WRITABLE_LOG_KINDS)


class EventIn(Schema):
    name: v.Name
    kind: EventKindCode
    municipality_codes: list[v.Code]
    is_exercise: bool = False
    severity: SeverityCode = vocab.Severity.MODERATE.value
    decided_by: v.Name = ""
    description: v.Long = ""
    public_message: v.Long = ""
    area: dict | None = None
    external_ref: v.Code = ""
    point_ids: list[v.Code] = []


class EventOut(Schema):
    id: int
    name: str
    kind: str
    is_exercise: bool
    label: str
    county_code: str
    municipality_codes: list[str]
    severity: str
    starts_at: datetime
    ends_at: datetime | None
    decided_by: str
    public_message: str


class EndIn(Schema):
    reason: v.Short = ""


class ActivateIn(Schema):
    point_id: v.Code
    note: v.Short = ""


class PointStateOut(Schema):
    point_id: str
    name: str
    municipality_code: str
    state: str
    state_reason: str
    state_changed_at: datetime
    last_report_id: int | None
    last_seen_at: datetime | None
    stale: bool
    power_source: str
    fuel_hours_left: float | None
    fuel_runs_dry_at: datetime | None
    fuel_litres_needed: float | None
    needs: list[str]


class Received(Schema):
    """What a client that may be offline sends with every record (all optional).

    ``uid``: the client-made id; the same id is stored once and a repeat answers
    with the stored record. ``observed_at``: when the operator saw it. ``sent_at``:
    when the client sent it, by its own clock (a clock far off is detected)."""

    uid: UUID | None = None
    observed_at: datetime | None = None
    sent_at: datetime | None = None


class ReportIn(Received):
    state: ReportableState
    based_on_report_id: int | None = None
    state_reason: v.Short = ""
    power_source: PowerSourceCode | None = None
    services: dict[v.Code, AvailabilityCode] | None = None
    fuel_products: dict[v.Code, AvailabilityCode] | None = None
    payment_methods: list[v.Code] | None = None
    indoor_temp_c: v.Number(bounds.TEMP_C) | None = None
    people_present: v.Whole(bounds.PEOPLE) | None = None
    capacity_people: v.Whole(bounds.PEOPLE) | None = None
    queue: QueueCode | None = None
    generator_fuel_l: v.Number(bounds.FUEL_L) | None = None
    generator_fuel_pct: v.Number(bounds.PCT) | None = None
    generator_load_pct: v.Number(bounds.PCT) | None = None
    needs_fuel: bool | None = None
    needs_staff: bool | None = None
    needs_supplies: bool | None = None
    needs_text: v.Short | None = None
    note: v.Long | None = None
    public_note: v.Short | None = Field(
        None,
        description="The message to the public. Never carried over silently: "
        "omitted, the previous one is withdrawn unless keep_public_note is true.",
    )
    keep_public_note: bool = Field(
        False,
        description="Keep the previous report's message to the public "
        "(without public_note).",
    )


class ReportOut(Schema):
    id: int
    uid: UUID
    point_id: str
    observed_at: datetime
    received_at: datetime
    clock_offset_s: float | None
    via_box: str
    event_id: int
    event_name: str
    is_exercise: bool
    reported_by: str
    source: str
    based_on_id: int | None
    state: str
    state_reason: str
    power_source: str
    services: dict
    fuel_products: dict
    payment_methods: list
    indoor_temp_c: float | None
    people_present: int | None
    capacity_people: int | None
    queue: str
    generator_fuel_l: float | None
    generator_fuel_pct: float | None
    generator_load_pct: float | None
    needs: list[str]
    note: str
    public_note: str


class DeliveryIn(Received):
    delivered_l: v.Number(bounds.DELIVERY_L)
    delivered_at: datetime | None = None
    supplier: v.Name = ""
    note: v.Short = ""


class DeliveryOut(Schema):
    id: int
    uid: UUID
    delivered_at: datetime
    received_at: datetime
    delivered_l: float
    supplier: str
    level_before_l: float | None
    level_after_l: float | None


class ConfirmIn(Received):
    pass


class LogIn(Received):
    text: v.Long
    kind: LogKindCode = vocab.LogKind.NOTE.value
    point_id: v.Code | None = None


class LogOut(Schema):
    id: int
    uid: UUID
    at: datetime
    received_at: datetime
    kind: str
    text: str
    author: str
    point_id: str | None
    source: str


class SitrepCountsOut(Schema):
    """The situation in figures, derived from the public state of each point."""

    points: int
    fuel_out: dict[str, list[str]] = Field(
        description="Fuel product (Swedish name) -> the points where it is out."
    )
    fuel_limited: dict[str, list[str]] = Field(
        description="Fuel product -> the points where it is limited (restricted)."
    )
    fuel_out_count: int
    fuel_limited_count: int
    warm_rooms_open: int
    warm_people: int = Field(description="People in the open warm rooms.")
    warm_capacity: int = Field(description="Places in the open warm rooms.")
    warm_without_figures: list[str] = Field(
        description="Open warm rooms without a figure for people or places."
    )
    stale: list[str] = Field(description="Points without a current report.")
    unknown: list[str] = Field(description="Points in an unknown state.")


class SitrepOut(Schema):
    text: str
    markdown: str
    counts: SitrepCountsOut


def _user(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise Unauthenticated()
    return user


def _event(request, event_id: int) -> Event:
    user = _user(request)
    event = queries.visible_events(user).filter(pk=event_id).first()
    if event is None:
        raise NotFound("no such event")
    return event


def _own(user, rows):
    """An operator sees only their own points of an event; officials see all."""
    if not policy.is_point_operator(user):
        return rows
    mine = set(user.points.values_list("pk", flat=True))
    return [r for r in rows if r.point.pk in mine]


def _point(slug: str) -> Point:
    return get_object_or_404(Point.objects.select_related("municipality"), slug=slug)


def _event_out(e: Event) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "kind": e.kind,
        "is_exercise": e.is_exercise,
        "label": str(e),
        "county_code": e.county_code,
        "municipality_codes": [m.code for m in e.municipalities.all()],
        "severity": e.severity,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "decided_by": e.decided_by,
        "public_message": e.public_message,
    }


def _report_out(r: StatusReport) -> dict:
    return {
        "id": r.pk,
        "uid": r.uid,
        "point_id": r.activation.point.slug,
        "observed_at": r.observed_at,
        "received_at": r.received_at,
        "clock_offset_s": r.clock_offset_s,
        "via_box": r.via_box,
        "event_id": r.activation.event_id,
        "event_name": r.activation.event.name,
        "is_exercise": r.activation.event.is_exercise,
        "reported_by": r.reporter_name,
        "source": r.source,
        "based_on_id": r.based_on_id,
        "state": r.state,
        "state_reason": r.state_reason,
        "power_source": r.power_source,
        "services": r.services,
        "fuel_products": r.fuel_products,
        "payment_methods": r.payment_methods,
        "indoor_temp_c": r.indoor_temp_c,
        "people_present": r.people_present,
        "capacity_people": r.capacity_people,
        "queue": r.queue,
        "generator_fuel_l": r.generator_fuel_l,
        "generator_fuel_pct": r.generator_fuel_pct,
        "generator_load_pct": r.generator_load_pct,
        "needs": r.needs(),
        "note": r.note,
        "public_note": r.public_note,
    }


def _paged(request, response: HttpResponse, items) -> list:
    """The requested page of ``items`` (``limit``/``offset``, ``limit=all``), with
    its ``Link: rel="next"`` header (:mod:`sot.api.paging`)."""
    page, headers = paging.page(request, items)
    for key, value in headers.items():
        response[key] = value
    return page


@router.get(f"{PREFIX}/events", response=list[EventOut])
def list_events(
    request,
    response: HttpResponse,
    paged: Query[paging.PageParams],
    running: bool = False,
):
    """Events the caller may see (newest first). Paged: ``limit``/``offset``,
    ``Link: <...>; rel="next"``, ``limit=all``."""
    qs = queries.visible_events(_user(request))
    if running:
        qs = qs.filter(ends_at__isnull=True)
    return [_event_out(e) for e in _paged(request, response, qs)]


@router.post(f"{PREFIX}/events", response={201: EventOut})
def create_event(request, data: EventIn):
    """Open an event (optionally activating points at once)."""
    user = _user(request)
    munis = list(Municipality.objects.filter(code__in=data.municipality_codes))
    if len(munis) != len(set(data.municipality_codes)):
        raise Invalid("unknown municipality code")
    points = [_point(slug) for slug in data.point_ids]
    event = ops.create_event(
        name=data.name,
        kind=data.kind,
        municipalities=munis,
        created_by=user,
        is_exercise=data.is_exercise,
        severity=data.severity,
        decided_by=data.decided_by,
        description=data.description,
        public_message=data.public_message,
        area=data.area,
        external_ref=data.external_ref,
        points=points,
        source="api",
    )
    return Status(201, _event_out(event))


@router.get(f"{PREFIX}/events/{{event_id}}", response=EventOut)
def get_event(request, event_id: int):
    return _event_out(_event(request, event_id))


@router.post(f"{PREFIX}/events/{{event_id}}/end", response=EventOut)
def end_event(request, event_id: int, data: EndIn):
    """End the event; its points are closed with the reason."""
    event = _event(request, event_id)
    event = ops.end_event(event=event, by=request.user, reason=data.reason)
    return _event_out(event)


@router.get(f"{PREFIX}/events/{{event_id}}/points", response=list[PointStateOut])
def event_points(
    request, response: HttpResponse, paged: Query[paging.PageParams], event_id: int
):
    """Every activated point: state, freshness, power, fuel endurance, needs.
    Paged: ``limit``/``offset``, ``Link: <...>; rel="next"``, ``limit=all``."""
    return _paged(request, response, _point_states(request, event_id))


def _point_states(request, event_id: int) -> list[dict]:
    event = _event(request, event_id)
    out = []
    for row in _own(request.user, queries.point_states(event)):
        e = row.endurance
        out.append(
            {
                "point_id": row.point.slug,
                "name": row.point.name,
                "municipality_code": row.point.municipality.code,
                "state": row.state,
                "state_reason": row.activation.state_reason,
                "state_changed_at": row.activation.state_changed_at,
                "last_report_id": row.activation.last_report_id,
                "last_seen_at": row.activation.last_seen_at,
                "stale": row.stale,
                "power_source": row.report.power_source if row.report else "",
                "fuel_hours_left": e.hours_left if e else None,
                "fuel_runs_dry_at": e.runs_dry_at if e else None,
                "fuel_litres_needed": e.litres_needed if e else None,
                "needs": row.report.needs() if row.report else [],
            }
        )
    return out


@router.post(f"{PREFIX}/events/{{event_id}}/activations", response={201: PointStateOut})
def activate(request, event_id: int, data: ActivateIn):
    """Alert a point in the event."""
    event = _event(request, event_id)
    point = _point(data.point_id)
    ops.activate_point(
        event=event,
        point=point,
        activated_by=request.user,
        source="api",
        note=data.note,
    )
    rows = [r for r in _point_states(request, event_id) if r["point_id"] == point.slug]
    return Status(201, rows[0])


@router.get(
    f"{PREFIX}/events/{{event_id}}/points/{{point_id}}/reports",
    response=list[ReportOut],
)
def list_reports(
    request,
    response: HttpResponse,
    paged: Query[paging.PageParams],
    event_id: int,
    point_id: str,
):
    """The point's reports in the event. Paged: ``limit``/``offset``,
    ``Link: <...>; rel="next"``, ``limit=all``."""
    event = _event(request, event_id)
    point = _point(point_id)
    policy.require(request.user, "point.view_internal", point)
    activation = get_object_or_404(Activation, event=event, point=point)
    reports = activation.reports.select_related(
        "activation__point", "activation__event"
    ).order_by("-observed_at", "-id")  # newest first, as the model orders them
    return [_report_out(r) for r in _paged(request, response, reports)]


@router.post(
    f"{PREFIX}/events/{{event_id}}/points/{{point_id}}/reports",
    response={201: ReportOut},
)
def submit_report(request, event_id: int, point_id: str, data: ReportIn):
    """A status report. Omitted fields carry over from the previous report, except
    the fuel level, the note and the public note (kept only with
    ``keep_public_note``);
    ``based_on_report_id`` (0 = none) makes a report from an older state refused
    with 409. Sending the same ``uid`` again stores nothing and answers with the
    stored report; a report observed before the current one goes into the history
    only."""
    event = _event(request, event_id)
    point = _point(point_id)
    fields = {
        k: v for k, v in data.dict().items() if k in ops.REPORT_FIELDS and v is not None
    }
    if data.keep_public_note:
        if data.public_note is not None:
            raise Invalid(
                _("Ange antingen public_note eller keep_public_note, inte båda."),
                code="public_note_twice",
            )
        fields["public_note"] = ops.KEEP
    report = ops.submit_status_report(
        point=point,
        event=event,
        reported_by=request.user,
        source="api",
        state=data.state,
        based_on_report_id=data.based_on_report_id,
        state_reason=data.state_reason,
        uid=data.uid,
        observed_at=data.observed_at,
        sent_at=data.sent_at,
        **fields,
    )
    return Status(201, _report_out(report))


@router.post(f"{PREFIX}/points/{{point_id}}/reports", response={201: ReportOut})
def submit_point_report(request, point_id: str, data: ReportIn):
    """A status report without naming the event: it goes to the running real event
    the point is in (before any exercise); the answer names the event. 404 if the
    point is in no running event."""
    point = _point(point_id)
    activation = queries.current_activation(point)
    if (
        activation is None
        or not queries.visible_events(_user(request))
        .filter(pk=activation.event_id)
        .exists()
    ):
        raise NotFound("Punkten är inte aktiverad i en pågående händelse.")
    return submit_report(request, activation.event_id, point_id, data)


@router.post(f"{PREFIX}/events/{{event_id}}/points/{{point_id}}/confirm")
def confirm(request, event_id: int, point_id: str, data: ConfirmIn | None = None):
    """ "Still current": re-confirm the last report without changing it."""
    event = _event(request, event_id)
    data = data or ConfirmIn()
    c = ops.confirm_report(
        event=event,
        point=_point(point_id),
        by=request.user,
        source="api",
        uid=data.uid,
        at=data.observed_at,
        sent_at=data.sent_at,
    )
    return {
        "report_id": c.report_id,
        "uid": c.uid,
        "confirmed_at": c.confirmed_at,
        "received_at": c.received_at,
    }


@router.post(
    f"{PREFIX}/events/{{event_id}}/points/{{point_id}}/deliveries",
    response={201: DeliveryOut},
)
def deliver(request, event_id: int, point_id: str, data: DeliveryIn):
    """Log a fuel delivery; the known tank level is updated."""
    event = _event(request, event_id)
    d = ops.record_fuel_delivery(
        point=_point(point_id),
        event=event,
        recorded_by=request.user,
        delivered_l=data.delivered_l,
        delivered_at=data.delivered_at or data.observed_at,
        supplier=data.supplier,
        note=data.note,
        source="api",
        uid=data.uid,
        sent_at=data.sent_at,
    )
    return Status(201, d)


@router.get(f"{PREFIX}/events/{{event_id}}/log", response=list[LogOut])
def get_log(
    request,
    response: HttpResponse,
    paged: Query[paging.PageParams],
    event_id: int,
    since: datetime | None = None,
):
    """The event's log, oldest first. Paged: ``limit``/``offset``,
    ``Link: <...>; rel="next"``, ``limit=all``."""
    event = _event(request, event_id)
    qs = event.log.select_related("point").order_by("at", "id")
    if policy.is_point_operator(request.user):
        qs = qs.filter(point__in=request.user.points.all())
    if since is not None:
        qs = qs.filter(at__gt=since)
    return [
        {
            "id": e.pk,
            "uid": e.uid,
            "at": e.at,
            "received_at": e.received_at,
            "kind": e.kind,
            "text": e.text,
            "author": e.author_name,
            "point_id": e.point.slug if e.point else None,
            "source": e.source,
        }
        for e in _paged(request, response, qs)
    ]


@router.post(f"{PREFIX}/events/{{event_id}}/log", response={201: LogOut})
def post_log(request, event_id: int, data: LogIn):
    event = _event(request, event_id)
    point = _point(data.point_id) if data.point_id else None
    e = ops.add_log_entry(
        event=event,
        author=request.user,
        text=data.text,
        kind=data.kind,
        point=point,
        source="api",
        uid=data.uid,
        at=data.observed_at,
        sent_at=data.sent_at,
    )
    return Status(
        201,
        {
            "id": e.pk,
            "uid": e.uid,
            "at": e.at,
            "received_at": e.received_at,
            "kind": e.kind,
            "text": e.text,
            "author": e.author_name,
            "point_id": point.slug if point else None,
            "source": e.source,
        },
    )


@router.get(f"{PREFIX}/events/{{event_id}}/situation-report", response=SitrepOut)
def situation_report(request, event_id: int):
    """The situation report as of now (not saved), as text and Markdown."""
    event = _event(request, event_id)
    policy.require(request.user, perm.CREATE_SITREP, event)
    data = queries.build_sitrep(event, user=request.user)
    return {
        "text": sitrep.render_text(data),
        "markdown": sitrep.render_markdown(data),
        "counts": sitrep.counts(data.points).as_dict(),
    }
