"""Officials' and operators' pages: server-rendered, Swedish, no JavaScript needed."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sot.accounts import policy
from sot.errors import Invalid, Refused
from sot.operations import guarded, national, offline, panels, queries
from sot.operations import permissions as perm
from sot.operations import services as ops
from sot.operations.conf import fuel_target_hours
from sot.operations.core import sitrep
from sot.operations.core.status import TransitionRefused
from sot.operations.forms import (
    ActivateForm,
    CloseEventForm,
    DeliveryForm,
    EventForm,
    HoursForm,
    LogForm,
    PublicMessageForm,
    ReportForm,
    TemplateForm,
)
from sot.operations.models import (
    Activation,
    Checklist,
    ChecklistItem,
    ChecklistKind,
    ChecklistTemplate,
    Event,
    LogEntry,
)
from sot.operations.services import checklists
from sot.registry.models import Municipality, Point
from sot.validation import bounds
from sot.vocabulary import swedish_order


def _refusal_text(exc) -> str:
    if isinstance(exc, TransitionRefused):
        return _(exc.message)
    if isinstance(exc, Refused):
        return _("Du har inte behörighet till det.")
    if isinstance(exc, ValidationError):
        return " ".join(
            f"{field}: {'; '.join(msgs)}" if field != "__all__" else "; ".join(msgs)
            for field, msgs in (
                exc.message_dict.items()
                if hasattr(exc, "error_dict")
                else [("__all__", exc.messages)]
            )
        )
    return str(getattr(exc, "message", exc))


REFUSALS = (
    TransitionRefused,
    ops.OperationRefused,
    Refused,
    ValidationError,
)


def _event(request, event_id, action=perm.VIEW_EVENT) -> Event:
    event = get_object_or_404(Event, pk=event_id)
    policy.require(request.user, action, event)
    return event


def _official_event(request, event_id) -> Event:
    """The event, for officials only: its page shows every point and the whole log."""
    policy.require(request.user, perm.VIEW_DASHBOARD)
    return _event(request, event_id)


def _municipalities(user):
    """The municipalities an official acts for (events, checklist templates)."""
    return policy.filter_allowed(
        user, perm.ADD_EVENT, Municipality.objects.all(), municipality_path=""
    )


@login_required
def home(request):
    """Operators go to their points, the national role to the national overview,
    officials to the dashboard."""
    if policy.is_point_operator(request.user):
        return redirect("operations:operator")
    if policy.is_national(request.user):
        return redirect("operations:national")
    return redirect("operations:dashboard")


@login_required
def national_overview(request):
    """Every county at a glance, read-only (MSB): points, readiness, events,
    activations and fuel endurance."""

    policy.require(request.user, policy.VIEW_NATIONAL)
    rows, total = national.overview()
    return render(
        request,
        "operations/national.html",
        {"rows": rows, "total": total, "target": fuel_target_hours()},
    )


@login_required
def dashboard(request):
    """All points of the county in running events, with filters and the verify queue."""
    policy.require(request.user, perm.VIEW_DASHBOARD)
    # No write on GET: the freshness check runs as a task (the scheduler's
    # mark_stale_points); the rows show a stale report as stale meanwhile.
    events = queries.visible_events(request.user)
    running = events.filter(ends_at__isnull=True)
    event_id = request.GET.get("event") or ""
    muni_code = request.GET.get("kommun") or ""
    activations = Activation.objects.filter(event__in=running)
    if bounds.parse_id(event_id) is not None:
        activations = Activation.objects.filter(
            event__in=events, event_id=bounds.parse_id(event_id)
        )
    if muni_code:
        activations = activations.filter(point__municipality__code=muni_code)
    # a point by its name or place, whichever page it falls on (#15)
    search = (request.GET.get("q") or "").strip()[:100]
    if search:
        activations = activations.filter(
            Q(point__name__icontains=search) | Q(point__village__icontains=search)
        )
    activations = activations.filter(
        policy.scope_q(
            request.user, municipality_path="point__municipality", point_path="point"
        )
        | Q(event__in=events)
    )
    # Every activation as light values (one query): the count, the page, the
    # verify queue and the fuel list; then only the rows shown are built in full.
    now = timezone.now()
    light = queries.light_rows(activations, now=now)
    page = _page_of(request, len(light))
    shown = queries.overview(
        light,
        first=page["first"],
        last=page["last"],
        verify_shown=VERIFY_SHOWN,
        fuel_shown=FUEL_SHOWN,
        now=now,
    )
    return render(
        request,
        "operations/dashboard.html",
        {
            "rows": shown.rows,
            "page": page,
            "verify": shown.verify,
            "verify_total": shown.verify_total,
            "fuel": shown.fuel,
            # the lists show no municipalities: not the prefetch of every one
            "events": events.prefetch_related(None)[:50],
            "running": running.prefetch_related(None),
            "municipalities": sorted(
                _municipalities(request.user).only("code", "name"),  # no boundaries
                key=lambda m: swedish_order(m.name),
            ),
            "event_id": event_id,
            "muni_code": muni_code,
            "q": search,
            "can_add_event": policy.can(request.user, perm.ADD_EVENT),
            **panels.context("dashboard", request.user),
        },
    )


#: rows of the dashboard's table per page, points shown of the verify queue and
#: of the fuel list (with 1 000 activations the whole table took seconds to
#: render; #15)
DASHBOARD_ROWS = 50
VERIFY_SHOWN = 50
FUEL_SHOWN = 10


def _page_of(request, total: int) -> dict:
    """The requested page (``?sida=``, from 1) of the dashboard's rows: first and
    last row shown (1-based), the total, and the query strings of the previous
    and next pages (the filters kept)."""
    pages = max(1, -(-total // DASHBOARD_ROWS))
    number = bounds.parse_id(request.GET.get("sida") or "1") or 1
    number = min(number, pages)
    first = (number - 1) * DASHBOARD_ROWS + 1
    last = min(number * DASHBOARD_ROWS, total)

    def link(n: int) -> str:
        params = request.GET.copy()
        params["sida"] = str(n)
        return "?" + params.urlencode()

    return {
        "first": first,
        "last": last,
        "total": total,
        "previous": link(number - 1) if number > 1 else "",
        "next": link(number + 1) if number < pages else "",
    }


@login_required
def event_new(request):
    policy.require(request.user, perm.ADD_EVENT)
    munis = _municipalities(request.user)
    form = EventForm(request.POST or None, municipalities=munis)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = ops.create_event(
                name=data["name"],
                kind=data["kind"],
                is_exercise=data["is_exercise"],
                municipalities=data["municipalities"],
                created_by=request.user,
                severity=data["severity"],
                decided_by=data["decided_by"],
                description=data["description"],
                public_message=data["public_message"],
                stale_after_minutes=data["stale_after_minutes"],
                area=data["area"],
            )
        except REFUSALS as exc:
            form.add_error(None, _refusal_text(exc))
        else:
            return redirect("operations:event", event_id=event.pk)
    return render(request, "operations/event_form.html", {"form": form})


@login_required
def event_detail(request, event_id):
    event = _official_event(request, event_id)
    rows = queries.point_states(event)
    activated = {r.point.pk for r in rows}
    can_activate = policy.can(request.user, perm.CHANGE_EVENT, event)
    candidates = Point.objects.filter(municipality__in=event.municipalities.all())
    candidates = candidates.exclude(pk__in=activated) if event.ends_at is None else None
    return render(
        request,
        "operations/event.html",
        {
            "event": event,
            "rows": rows,
            "log": event.log.select_related("point").order_by("-at", "-id")[:100],
            "activate_form": ActivateForm(points=candidates)
            if can_activate and candidates is not None
            else None,
            "log_form": LogForm(),
            "close_form": CloseEventForm(),
            "message_form": PublicMessageForm(
                initial={"public_message": event.public_message}
            ),
            "can_change": can_activate,
            "sitreps": event.sitreps.order_by("-number"),
            "warning_links": None,
            **panels.context("event", request.user, event=event),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_action(request, event_id, action):
    """POST-only actions on an event: activate, log, message; end, close all points
    and delete go through a confirmation with a reason (:mod:`.guarded`). A GET (a
    reload or a bookmark of the confirmation page) changes nothing and leads back to
    the event's page rather than to a blank "405"."""
    event = _event(request, event_id)
    if request.method != "POST":
        return redirect("operations:event", event_id=event.pk)
    try:
        if action == "activate":
            form = ActivateForm(request.POST, points=Point.objects.all())
            if form.is_valid():
                ops.activate_point(
                    event=event,
                    point=form.cleaned_data["point"],
                    activated_by=request.user,
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Punkten är larmad."))
        elif action == "log":
            form = LogForm(request.POST)
            if form.is_valid():
                fields = offline.client_fields(request.POST)
                ops.add_log_entry(
                    event=event,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    kind=form.cleaned_data["kind"],
                    uid=fields["uid"],
                    at=fields["observed_at"],
                    sent_at=fields["sent_at"],
                )
        elif action == "message":
            form = PublicMessageForm(request.POST)
            if form.is_valid():
                ops.update_public_message(
                    event=event,
                    by=request.user,
                    public_message=form.cleaned_data["public_message"],
                )
        elif action in guarded.ACTIONS:
            return guarded.guarded_action(request, event, action)
        else:
            raise Invalid(f"unknown action {action!r}")
    except REFUSALS as exc:
        messages.error(request, _refusal_text(exc))
    return redirect("operations:event", event_id=event.pk)


@login_required
def point_in_event(request, event_id, slug):
    """A point's history within an event; deliveries and "still current"."""
    event = _event(request, event_id)
    point = get_object_or_404(Point, slug=slug)
    policy.require(request.user, policy.VIEW_INTERNAL, point)
    activation = get_object_or_404(Activation, event=event, point=point)
    if request.method == "POST":
        outbox = offline.from_outbox(request)
        fields = offline.client_fields(request.POST)
        try:
            if "confirm" in request.POST:
                c = ops.confirm_report(
                    event=event,
                    point=point,
                    by=request.user,
                    uid=fields["uid"],
                    at=fields["observed_at"],
                    sent_at=fields["sent_at"],
                )
                text = _("Rapporten är bekräftad som aktuell.")
                if outbox:
                    return offline.answer(
                        "confirm", c, time_field="confirmed_at", label=text
                    )
                messages.success(request, text)
            else:
                form = DeliveryForm(request.POST)
                if form.is_valid():
                    d = ops.record_fuel_delivery(
                        point=point,
                        event=event,
                        recorded_by=request.user,
                        delivered_at=fields["observed_at"],
                        uid=fields["uid"],
                        sent_at=fields["sent_at"],
                        **form.cleaned_data,
                    )
                    text = _("Leveransen är registrerad.")
                    if outbox:
                        return offline.answer(
                            "delivery", d, time_field="delivered_at", label=text
                        )
                    messages.success(request, text)
                else:
                    if outbox:
                        return offline.refused(_("Ange levererad mängd i liter."))
                    messages.error(request, _("Ange levererad mängd i liter."))
        except REFUSALS as exc:
            if outbox:
                return offline.refused(
                    _refusal_text(exc), status=getattr(exc, "status", 422)
                )
            messages.error(request, _refusal_text(exc))
        return redirect(request.path)
    row = queries.point_rows(Activation.objects.filter(pk=activation.pk))[0]
    return render(
        request,
        "operations/point.html",
        {
            "event": event,
            "point": point,
            "row": row,
            "reports": activation.reports.select_related("reported_by")[:50],
            "changes": activation.state_changes.order_by("-at", "-id"),
            "deliveries": activation.deliveries.all(),
            "checklists": activation.checklists.prefetch_related("items"),
            "delivery_form": DeliveryForm(),
            "hours": queries.hours_rows(activation),
            "warnings": None,
            **panels.context("point", request.user, point=point),
        },
    )


@login_required
def operator(request):
    """The operator's start page: their points and the events they are active in."""
    user = request.user
    points = policy.operated_points(user).select_related("municipality")
    activations = (
        Activation.objects.filter(point__in=points, event__ends_at__isnull=True)
        .select_related("event", "point", "last_report")
        .order_by("-event__starts_at")
    )
    return render(
        request,
        "operations/operator.html",
        {"rows": queries.point_rows(activations), "points": points},
    )


@login_required
def report(request, event_id, slug):
    """The status report form: filled with the last values; a stale form is refused."""
    event = get_object_or_404(Event, pk=event_id)
    point = get_object_or_404(Point, slug=slug)
    policy.require(request.user, perm.REPORT_STATUS, point)
    activation = get_object_or_404(Activation, event=event, point=point)
    last = activation.last_report
    conflict, comparison = None, []
    if request.method == "POST":
        outbox = offline.from_outbox(request)
        queued = offline.was_queued(request)
        form = ReportForm(
            request.POST,
            point=point,
            previous_note=_note_seen(activation, request.POST, queued=queued),
            require_note_choice=not queued,
        )
        if outbox and not form.is_valid():
            return offline.refused(
                " ".join(str(e) for errs in form.errors.values() for e in errs)
            )
        if form.is_valid():
            capacity = (
                point.point_services.filter(capacity_people__isnull=False)
                .values_list("capacity_people", flat=True)
                .first()
            )
            fields = offline.client_fields(request.POST)
            try:
                saved = ops.submit_status_report(
                    point=point,
                    event=event,
                    reported_by=request.user,
                    source="web",
                    based_on_report_id=None
                    if queued
                    else form.cleaned_data.get("based_on") or 0,
                    capacity_people=capacity,
                    uid=fields["uid"],
                    observed_at=fields["observed_at"],
                    sent_at=fields["sent_at"],
                    **form.report_fields(),
                )
            except ops.StaleReport as exc:
                if outbox:
                    return offline.refused(_refusal_text(exc), status=409)
                conflict = exc.newer
                # Show the newer values beside what the operator sent (nothing they
                # typed is lost); they check, change what is needed and send again.
                comparison = form.compare_with(exc.newer) if exc.newer else []
                form = ReportForm(
                    initial={
                        **ReportForm.initial_from(exc.newer),
                        **form.carried_input(),
                    },
                    point=point,
                    previous_note=exc.newer.public_note if exc.newer else "",
                )
                messages.error(request, _refusal_text(exc))
            except REFUSALS as exc:
                if outbox:
                    return offline.refused(
                        _refusal_text(exc), status=getattr(exc, "status", 422)
                    )
                form.add_error(None, _refusal_text(exc))
            else:
                text = _("Tack! Rapporten är skickad.")
                if outbox and not offline.was_queued(request):
                    messages.success(request, text)  # shown on the next page
                if outbox:
                    return offline.answer(
                        "report",
                        saved,
                        time_field="observed_at",
                        label=f"{point.name}: {text}",
                        redirect=reverse("operations:operator"),
                    )
                messages.success(request, text)
                return redirect("operations:operator")
    else:
        form = ReportForm(
            initial=ReportForm.initial_from(last),
            point=point,
            previous_note=last.public_note if last else "",
        )
    return render(
        request,
        "operations/report.html",
        {
            "event": event,
            "point": point,
            "activation": activation,
            "form": form,
            "last": last,
            "conflict": conflict,
            "comparison": comparison,
        },
    )


def _note_seen(activation, data, *, queued: bool) -> str:
    """The public note the operator saw when filling the form: that of the report the
    form was based on (a report queued offline: the current one)."""
    if queued:
        last = activation.last_report
        return last.public_note if last else ""
    based_on = bounds.parse_id(data.get("based_on"))
    base = activation.reports.filter(pk=based_on).first() if based_on else None
    return base.public_note if base else ""


@login_required
def opening_hours(request, event_id, slug):
    """The point's opening hours in the event (operator or official, no JavaScript
    needed): every day of the event, or one day; empty removes them."""
    event = _event(request, event_id)
    point = get_object_or_404(Point, slug=slug)
    policy.require(request.user, perm.REPORT_STATUS, point)
    activation = get_object_or_404(Activation, event=event, point=point)
    days = ops.event_days(event)
    form = HoursForm(request.POST or None, days=days)
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["day"]
        try:
            ops.set_opening_hours(
                event=event,
                point=point,
                by=request.user,
                text=form.cleaned_data["hours"],
                day=date.fromisoformat(day) if day else None,
            )
        except (*REFUSALS, Invalid) as exc:
            form.add_error("hours", _refusal_text(exc))
        else:
            messages.success(request, _("Öppettiderna är sparade."))
            return redirect(request.path)
    return render(
        request,
        "operations/hours.html",
        {
            "event": event,
            "point": point,
            "form": form,
            "current": queries.hours_rows(activation),
        },
    )


@login_required
def situation_report(request, event_id):
    """Preview the lägesrapport (text and Markdown); POST keeps it numbered.

    ``nasta`` (hours) sets when the next report is due."""
    event = _event(request, event_id, perm.CREATE_SITREP)
    params = request.POST if request.method == "POST" else request.GET
    next_hours = bounds.parse_number(params.get("nasta"), bounds.HOURS)
    now = timezone.now()
    chosen = _parse_local(params.get("tid", ""))
    as_of = min(chosen, now) if chosen else now
    next_at = as_of + timedelta(hours=next_hours) if next_hours else None
    if request.method == "POST":
        record = ops.create_situation_report(
            event=event, created_by=request.user, as_of=as_of, next_report_at=next_at
        )
        messages.success(
            request, _("Lägesrapport nr %(n)d sparad.") % {"n": record.number}
        )
        return redirect(f"{request.path}?nr={record.number}")
    number = bounds.parse_id(request.GET.get("nr"))
    if number is not None:
        record = get_object_or_404(event.sitreps, number=number)
        text, markdown, saved = record.text, record.markdown, record
        # The history is append-only: the figures at that time are rebuilt.
        points = queries.build_sitrep(event, as_of=record.as_of).points
    else:
        data = queries.build_sitrep(
            event, user=request.user, as_of=as_of, next_report_at=next_at
        )
        text, markdown = sitrep.render_text(data), sitrep.render_markdown(data)
        saved, points = None, data.points
    fmt = request.GET.get("format")
    if fmt in ("txt", "md"):
        body = text if fmt == "txt" else markdown
        ctype = "text/plain" if fmt == "txt" else "text/markdown"
        return HttpResponse(body, content_type=f"{ctype}; charset=utf-8")
    return render(
        request,
        "operations/sitrep.html",
        {
            "event": event,
            "text": text,
            "markdown": markdown,
            "saved": saved,
            "next_hours": params.get("nasta", ""),
            "chosen": params.get("tid", ""),
            "as_of": as_of,
            "counts": sitrep.counts(points),
            "sitreps": event.sitreps.order_by("-number"),
        },
    )


def _parse_local(value: str):
    """A ``datetime-local`` form value in Stockholm time, or None."""
    naive = bounds.parse_local_time(value)
    if naive is None:
        return None
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive, timezone.get_current_timezone())


@login_required
def fuel_list(request, event_id):
    """Points on generator power by time to empty, with litres to reach N hours."""
    event = _official_event(request, event_id)
    try:
        hours = max(1, min(int(request.GET.get("timmar", "")), 24 * 14))
    except ValueError:
        hours = fuel_target_hours()
    rows = queries.point_rows(event.activations.all(), target_hours=hours)
    return render(
        request,
        "operations/fuel.html",
        {"event": event, "rows": queries.fuel_list(rows), "hours": hours},
    )


@login_required
def checklist(request, checklist_id):
    item_qs = ChecklistItem.objects.select_related("done_by")
    cl = get_object_or_404(Checklist.objects.select_related("point"), pk=checklist_id)
    policy.require(request.user, perm.TICK_CHECKLIST, cl.point)
    if request.method == "POST":
        try:
            if "item" in request.POST:
                item_id = bounds.parse_id(request.POST["item"])
                item = get_object_or_404(cl.items, pk=item_id or 0)
                fields = offline.client_fields(request.POST)
                item = checklists.tick_item(
                    item=item,
                    by=request.user,
                    uid=fields["uid"],
                    at=fields["observed_at"],
                    sent_at=fields["sent_at"],
                )
                if offline.from_outbox(request):
                    return offline.answer(
                        "tick", item, time_field="done_at", label=f"✓ {item.text}"
                    )
            elif "complete" in request.POST:
                checklists.complete_checklist(
                    checklist=cl,
                    by=request.user,
                    result=request.POST.get("result", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Checklistan är avslutad."))
        except REFUSALS as exc:
            if offline.from_outbox(request):
                return offline.refused(
                    _refusal_text(exc), status=getattr(exc, "status", 422)
                )
            messages.error(request, _refusal_text(exc))
        return redirect(request.path)
    return render(
        request,
        "operations/checklist.html",
        {"checklist": cl, "items": item_qs.filter(checklist=cl).order_by("order")},
    )


@login_required
@require_POST
def generator_test(request, slug):
    point = get_object_or_404(Point, slug=slug)
    cl = checklists.start_generator_test(point=point, by=request.user)
    return redirect("operations:checklist", checklist_id=cl.pk)


@login_required
def templates(request):
    """The municipality edits its activation and generator-test checklists."""
    user = request.user
    munis = _municipalities(user)
    policy.require(user, perm.CHANGE_CHECKLIST_TEMPLATE)
    if not munis.exists():
        raise Refused("no municipality to act for")
    code = request.GET.get("kommun") or munis.first().code
    muni = get_object_or_404(munis, code=code)
    forms_by_kind = {}
    for kind, label in ChecklistKind.choices:
        current = checklists.template_for(point=Point(municipality=muni), kind=kind)
        if current is not None:
            initial = {"name": current.name, "items": "\n".join(current.items)}
        else:
            initial = {
                "name": _(checklists.DEFAULT_NAMES[kind]),
                "items": "\n".join(_(t) for t in checklists.DEFAULT_ITEMS[kind]),
            }
        prefix = kind
        bound = request.method == "POST" and request.POST.get("kind") == kind
        form = TemplateForm(
            request.POST if bound else None, initial=initial, prefix=prefix
        )
        if bound and form.is_valid():
            try:
                checklists.save_template(
                    municipality=muni,
                    kind=kind,
                    name=form.cleaned_data["name"],
                    items=form.cleaned_data["items"].splitlines(),
                    by=user,
                )
            except REFUSALS as exc:
                messages.error(request, _refusal_text(exc))
            else:
                messages.success(request, _("Mallen är sparad."))
                return redirect(f"{request.path}?kommun={muni.code}")
        forms_by_kind[kind] = (label, form)
    return render(
        request,
        "operations/templates.html",
        {
            "municipality": muni,
            "municipalities": munis,
            "forms": forms_by_kind,
            "own": ChecklistTemplate.objects.filter(municipality=muni),
        },
    )


@login_required
def log_since(request, event_id):
    """The event's logbook as plain text (oldest first)."""
    event = _official_event(request, event_id)
    lines = [
        f"{timezone.localtime(e.at):%Y-%m-%d %H:%M} {e.author_name}: {e.text}"
        for e in LogEntry.objects.filter(event=event).order_by("at", "id")
    ]
    prefix = "ÖVNING\n" if event.is_exercise else ""
    return HttpResponse(
        prefix + "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )
