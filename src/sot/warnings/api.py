"""Warnings endpoints of the JSON API (mounted at /api/v1/warnings...).

* ``GET /warnings/health``: every warning source's health (public).
* ``GET /warnings``: warnings (default: in force) with the municipalities and points
  they touch, for signed-in officials and operators.
* ``GET /warnings/{id}``: one warning with its areas and references.
* ``GET /warnings/points/{point_id}``: the warnings in force over one point.
* ``POST /warnings/import``: a raw document in the body (any supported format;
  ``format`` and ``status`` as query parameters), stored like ``sot warnings import``.
* ``GET /warnings/suggestions`` and ``POST /warnings/suggestions/{id}/decision``:
  the caller's suggestions and their decision on one.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from sot.accounts import policy
from sot.api import paging
from sot.errors import Invalid, NotFound, Unauthenticated
from sot.registry.models import Point
from sot.validation import schema as v
from sot.vocabulary import literal
from sot.warnings import decisions, following, permissions, polling, services
from sot.warnings.core.detect import FORMATS
from sot.warnings.core.model import ParseError
from sot.warnings.importing import import_bytes
from sot.warnings.models import (
    Decision,
    MessageState,
    Suggestion,
    SuggestionState,
    WarningMessage,
)

router = Router()
DecisionCode = literal(Decision.values)
PREFIX = "/warnings"


class SourceHealthOut(Schema):
    slug: str
    name: str
    format: str
    url: str
    enabled: bool
    interval_s: int
    health: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str
    failures: int
    retry_at: datetime | None
    data_as_of: datetime | None
    data_age_s: int | None


class AreaOut(Schema):
    description: str
    geometries: list[dict]
    county_codes: list[str]
    municipality_codes: list[str]
    localities: list[str]
    postcodes: list[str]
    whole_country: bool


class WarningOut(Schema):
    id: int
    source: str
    identifier: str
    sender: str
    sent: datetime
    msg_type: str
    status: str
    state: str
    hazard: str
    event_code: str
    level: str
    severity: str
    headline_sv: str
    headline_en: str
    description_sv: str
    description_en: str
    instruction_sv: str
    instruction_en: str
    onset: datetime | None
    expires: datetime | None
    web: str
    customers_affected: int | None
    restoration_expected: datetime | None
    replaced_by_id: int | None
    municipality_codes: list[str]
    point_ids: list[str]


class WarningDetailOut(WarningOut):
    areas: list[AreaOut]
    references: list[str]


class SuggestionOut(Schema):
    id: int
    municipality_code: str
    municipality: str
    state: str
    action: str
    is_exercise: bool
    rule: str
    warning_id: int
    warning_identifier: str
    warning_headline: str
    warning_level: str
    point_ids: list[str]
    created_at: datetime
    decision: str
    decided_at: datetime | None
    event_id: int | None
    can_open_event: bool = Field(
        description="An event can still be opened from it (open, or readiness "
        "raised while its warning is in force)."
    )
    warning_state: str
    warning_updated_at: datetime | None


class DecisionIn(Schema):
    decision: DecisionCode
    note: v.Short = ""


class ImportOut(Schema):
    format: str
    messages: list[dict]
    ended: list[str]
    cleared_suggestions: int


def _user(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise Unauthenticated()
    return user


def _warning_out(m: WarningMessage) -> dict:
    data = {f: getattr(m, f) for f in WarningOut.model_fields if hasattr(m, f)}
    data["municipality_codes"] = sorted(x.code for x in m.municipalities.all())
    data["point_ids"] = sorted(p.slug for p in m.points.all())
    return data


def _suggestion_out(s: Suggestion) -> dict:
    return {
        "id": s.pk,
        "municipality_code": s.municipality.code,
        "municipality": s.municipality.name,
        "state": s.state,
        "action": s.action,
        "is_exercise": s.is_exercise,
        "rule": s.rule.name if s.rule else "",
        "warning_id": s.message_id,
        "warning_identifier": s.message.identifier,
        "warning_headline": s.message.headline,
        "warning_level": s.message.level,
        "point_ids": sorted(p.slug for p in s.points.all()),
        "created_at": s.created_at,
        "decision": s.decision,
        "decided_at": s.decided_at,
        "event_id": s.event_id,
        "can_open_event": following.can_become_event(s),
        "warning_state": s.message.state,
        "warning_updated_at": s.cause_updated_at,
    }


@router.get(
    f"{PREFIX}/health",
    response=list[SourceHealthOut],
    summary="Health of the warning sources polled",
    # the operation's id from before #10, so clients generated from the schema keep it
    operation_id="sot_warnings_api_feed_health",
)
def source_health(request):
    """Health of every warning source: ok, failing, stale or never (polled). The URLs
    and error texts (which may hold URLs, keys or internal host names) only for
    officials with VIEW_SOURCE_HEALTH; the public sees an empty string there."""
    rows = polling.health()
    if not policy.can(getattr(request, "user", None), permissions.VIEW_SOURCE_HEALTH):
        for row in rows:
            row["url"] = ""
            row["last_error"] = ""
    return rows


@router.get(PREFIX, response=list[WarningOut], summary="Warnings")
def list_warnings(
    request,
    response: HttpResponse,
    paged: Query[paging.PageParams],
    state: str = MessageState.IN_FORCE,
    municipality: str | None = None,
    point: str | None = None,
):
    """Warnings in the given state (default in force), newest first. Paged:
    ``limit``/``offset``, ``Link: <...>; rel="next"``, ``limit=all``."""
    policy.require(_user(request), permissions.VIEW_WARNING)
    qs = WarningMessage.objects.prefetch_related("municipalities", "points")
    if state != "all":
        qs = qs.filter(state=state)
    if municipality:
        qs = qs.filter(municipalities__code=municipality)
    if point:
        qs = qs.filter(points__slug=point)
    return [_warning_out(m) for m in _paged(request, response, qs.distinct())]


@router.get(
    f"{PREFIX}/suggestions", response=list[SuggestionOut], summary="Suggestions"
)
def list_suggestions(
    request,
    response: HttpResponse,
    paged: Query[paging.PageParams],
    state: str = SuggestionState.OPEN,
):
    """The caller's suggestions (an officer: their municipality; the county: all).
    Paged: ``limit``/``offset``, ``Link: <...>; rel="next"``, ``limit=all``."""
    user = _user(request)
    states = () if state == "all" else (state,)
    qs = services.suggestions_for(user, states=states).prefetch_related("points")
    return [_suggestion_out(s) for s in _paged(request, response, qs)]


def _paged(request, response: HttpResponse, items) -> list:
    """The requested page of ``items`` with its ``Link: rel="next"`` header."""
    page, headers = paging.page(request, items)
    for key, value in headers.items():
        response[key] = value
    return page


@router.post(
    f"{PREFIX}/suggestions/{{suggestion_id}}/decision",
    response=SuggestionOut,
    summary="Decide on a suggestion",
)
def decide(request, suggestion_id: int, data: DecisionIn):
    """Raise readiness, open an event with the points, or dismiss. A person decides."""
    user = _user(request)
    suggestion = get_object_or_404(Suggestion, pk=suggestion_id)
    if not policy.can(user, permissions.VIEW_SUGGESTION, suggestion):
        raise NotFound("no such suggestion")
    suggestion = decisions.decide(
        suggestion=suggestion, by=user, decision=data.decision, note=data.note
    )
    return _suggestion_out(suggestion)


@router.post(f"{PREFIX}/import", response=ImportOut, summary="Import a document")
def import_document(request, format: str | None = None, status: str | None = None):
    """Store a warning document sent as the request body (all or nothing)."""
    user = _user(request)
    policy.require(user, permissions.IMPORT_WARNING)
    if format is not None and format not in FORMATS:
        raise Invalid(f"unknown format; known: {', '.join(sorted(FORMATS))}")
    if status not in (None, "exercise", "test"):
        raise Invalid("status must be exercise or test")
    try:
        report = import_bytes(
            data=request.body, format=format, status=status, via="api", user=user
        )
    except ParseError as exc:
        raise Invalid(f"refused document: {exc}") from None
    return report.as_dict()


@router.get(
    f"{PREFIX}/points/{{point_id}}",
    response=list[WarningOut],
    summary="Warnings in force over a point",
)
def point_warnings(request, point_id: str):
    policy.require(_user(request), permissions.VIEW_WARNING)
    point = get_object_or_404(Point, slug=point_id)
    qs = services.warnings_for_point(point).prefetch_related("municipalities", "points")
    return [_warning_out(m) for m in qs]


@router.get(
    f"{PREFIX}/{{warning_id}}", response=WarningDetailOut, summary="One warning"
)
def get_warning(request, warning_id: int):
    policy.require(_user(request), permissions.VIEW_WARNING)
    m = get_object_or_404(WarningMessage, pk=warning_id)
    data = _warning_out(m)
    data["areas"] = [
        {
            "description": a.description,
            "geometries": a.geometries,
            "county_codes": a.county_codes,
            "municipality_codes": a.municipality_codes,
            "localities": a.localities,
            "postcodes": a.postcodes,
            "whole_country": a.whole_country,
        }
        for a in m.areas.all()
    ]
    data["references"] = [r.identifier for r in m.references.all()]
    return data
