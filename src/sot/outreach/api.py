"""Notify endpoints of the JSON API (mounted at /api/v1/ by sot.api.main).

Personal data: names, skills and training need ``roster.view``; phone, e-mail and
location need ``roster.view_personal`` (officers and coordinators in scope).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from sot import errors
from sot.accounts import policy
from sot.accounts.logins import client_ip
from sot.api.auth import token_auth
from sot.config import ratelimit
from sot.errors import Refused
from sot.operations.queries import current_activation
from sot.outreach import callouts, roster, subscriptions
from sot.outreach import permissions as perm
from sot.outreach.core.phone import mask_phone
from sot.outreach.delivery import deliver_due
from sot.outreach.models import CallOut, Member, ResidentWarning
from sot.registry import imports
from sot.registry.models import (
    PUBLIC_LIFECYCLES,
    County,
    ImportJob,
    Municipality,
    Point,
)
from sot.validation import bounds, tabular
from sot.validation import schema as v
from sot.vocabulary import Language, literal

router = Router()


class TrainingOut(Schema):
    course: str
    completed_on: date


class MemberOut(Schema):
    id: int
    name: str
    kind: str
    municipality_code: str
    group: str
    points: list[str]
    skills: list[str]
    spoken_languages: list[str]
    trainings: list[TrainingOut]
    available: bool
    # personal data: only with roster.view_personal, else null
    phone: str | None = None
    email: str | None = None
    lat: float | None = None
    lon: float | None = None


def _member_out(user, m: Member) -> dict:
    personal = policy.can(user, perm.VIEW_PERSONAL, m)
    return {
        "id": m.pk,
        "name": m.name,
        "kind": m.kind,
        "municipality_code": m.municipality.code,
        "group": m.group.name if m.group else "",
        "points": [p.slug for p in m.points.all()],
        "skills": list(m.skills or []),
        "spoken_languages": list(m.spoken_languages or []),
        "trainings": [
            {"course": t.course, "completed_on": t.completed_on}
            for t in m.trainings.all()
        ],
        "available": m.available,
        "phone": m.phone if personal else None,
        "email": m.email if personal else None,
        "lat": m.lat if personal else None,
        "lon": m.lon if personal else None,
    }


@router.get(
    "/notify/roster",
    response=list[MemberOut],
    auth=token_auth,
    summary="The roster in the caller's scope",
)
def roster_list(request, municipality: str | None = None):
    qs = policy.filter_allowed(
        request.user,
        perm.VIEW_ROSTER,
        Member.objects.select_related("municipality", "group").prefetch_related(
            "points", "trainings"
        ),
        municipality_path="municipality",
        point_path="points",
    )
    if municipality:
        qs = qs.filter(municipality__code=municipality)
    return [_member_out(request.user, m) for m in qs]


MAX_MB = tabular.MAX_BYTES // 1024 // 1024
#: Subscribe requests one address may make per hour (form and API together).
SUBSCRIBE_PER_HOUR = 10


class ImportRowError(Schema):
    row: int
    field: str
    message: str


class ImportJobOut(Schema):
    """A roster import run by the task worker: poll ``url`` until ``state`` is
    ``done``, ``failed`` or ``cancelled``."""

    id: int
    state: ImportJob.State
    phase: str
    rows_done: int
    rows_total: int | None
    created: int | None
    updated: int | None
    errors: list[ImportRowError]
    url: str


def _job_out(job) -> dict:
    return {
        "id": job.pk,
        "state": job.state,
        "phase": job.phase,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "created": job.result.get("created"),
        "updated": job.result.get("updated"),
        "errors": [{"row": r, "field": f, "message": m} for r, f, m in job.errors],
        "url": f"/api/v1/notify/roster/import/{job.pk}",
    }


@router.post(
    "/notify/roster/import",
    response={202: ImportJobOut},
    auth=token_auth,
    summary="Import people from CSV or XLSX (in the background)",
)
def roster_import(request, municipality: Form[str], file: File[UploadedFile]):
    """Answers at once with a job; the task worker imports the rows and the job
    (``GET`` its ``url``) shows how far it got and the errors by line."""
    muni = get_object_or_404(Municipality, code=municipality[:10])
    if file.size is not None and file.size > tabular.MAX_BYTES:
        raise ValidationError({"file": [f"Filen är för stor (högst {MAX_MB} MB)."]})
    job = roster.start_import(
        by=request.user,
        municipality=muni,
        data=file.read(tabular.MAX_BYTES + 1),
        filename=file.name or "roster.csv",
    )
    return Status(202, _job_out(job))


@router.get(
    "/notify/roster/import/{job_id}",
    response=ImportJobOut,
    auth=token_auth,
    summary="How far a roster import has come",
)
def roster_import_job(request, job_id: int):
    return _job_out(imports.job_for(request.user, job_id))


@router.delete(
    "/notify/roster/{member_id}",
    response=dict[str, int],
    auth=token_auth,
    summary="Remove a person completely (GDPR)",
)
def roster_erase(request, member_id: int):
    member = get_object_or_404(Member, pk=member_id)
    return roster.erase_member(by=request.user, member=member)


class CallOutIn(Schema):
    point: v.Code
    needed: v.Whole(bounds.CALLOUT_PEOPLE)
    skills: list[v.Code] = []
    from_time: v.Text(11) = ""


class RecipientOut(Schema):
    rank: int
    name: str
    status: str
    matched_skills: list[str]
    distance_m: float | None


class CallOutOut(Schema):
    id: int
    ref: str
    point: str
    event_id: int
    needed: int
    skills: list[str]
    state: str
    counts: dict[str, int]
    created_at: datetime
    recipients: list[RecipientOut]


def _callout_out(c: CallOut, user) -> dict:
    """The call-out; how far each volunteer lives only for officials (personal
    data: an operator sees who was asked and their answer, not where they live)."""
    personal = policy.can(user, perm.VIEW_PERSONAL)
    return {
        "id": c.pk,
        "ref": c.ref,
        "point": c.activation.point.slug,
        "event_id": c.activation.event_id,
        "needed": c.needed,
        "skills": c.skills,
        "state": c.state,
        "counts": callouts.summary(c),
        "created_at": c.created_at,
        "recipients": [
            {
                "rank": r.rank,
                "name": r.member.name,
                "status": r.status,
                "matched_skills": r.matched_skills,
                "distance_m": r.distance_m if personal else None,
            }
            for r in c.recipients.select_related("member")
        ],
    }


@router.post(
    "/notify/callouts",
    response={201: CallOutOut},
    auth=token_auth,
    summary="Call out volunteers for an activated point",
)
def callout_start(request, payload: CallOutIn):
    point = get_object_or_404(Point, slug=payload.point)
    activation = current_activation(point)
    if activation is None:
        raise ValidationError(
            {"point": ["Punkten är inte aktiverad i en pågående händelse."]}
        )
    try:
        callout = callouts.start_callout(
            activation=activation,
            needed=payload.needed,
            skills=payload.skills,
            by=request.user,
            starts_at_text=payload.from_time,
        )
    except callouts.CallOutRefused as exc:
        raise ValidationError({"callout": [exc.message]}) from exc
    except ValueError as exc:  # an unknown skill
        raise ValidationError({"skills": [str(exc)]}) from exc
    deliver_due()
    return Status(201, _callout_out(callout, request.user))


def _visible_callout(request, callout_id: int) -> CallOut:
    callout = get_object_or_404(
        CallOut.objects.select_related("activation__point__municipality"), pk=callout_id
    )
    if not policy.can(request.user, perm.VIEW_CALLOUT, callout):
        raise Refused("not allowed: callout.view")
    return callout


@router.get("/notify/callouts/{callout_id}", response=CallOutOut, auth=token_auth)
def callout_get(request, callout_id: int):
    return _callout_out(_visible_callout(request, callout_id), request.user)


@router.post(
    "/notify/callouts/{callout_id}/cancel", response=CallOutOut, auth=token_auth
)
def callout_cancel(request, callout_id: int):
    callout = _visible_callout(request, callout_id)
    callouts.cancel_callout(callout=callout, by=request.user)
    callout.refresh_from_db()
    return _callout_out(callout, request.user)


class MessageOut(Schema):
    id: int
    channel: str
    to: str
    purpose: str
    body: str
    state: str
    attempts: int
    provider_id: str
    provider_status: str
    error: str
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None


@router.get(
    "/notify/callouts/{callout_id}/messages",
    response=list[MessageOut],
    auth=token_auth,
    summary="Delivery records of a call-out",
)
def callout_messages(request, callout_id: int):
    callout = _visible_callout(request, callout_id)
    personal = policy.can(request.user, perm.VIEW_MESSAGES, callout)
    rows = []
    for m in callout.messages.order_by("id"):
        rows.append(
            {
                "id": m.pk,
                "channel": m.channel,
                "to": m.to if personal else mask_phone(m.to),
                "purpose": m.purpose,
                "body": m.body,
                "state": m.state,
                "attempts": m.attempts,
                "provider_id": m.provider_id,
                "provider_status": m.provider_status,
                "error": m.error,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
                "delivered_at": m.delivered_at,
            }
        )
    return rows


LanguageCode = literal(Language)


class SubscribeIn(Schema):
    email: v.Text(254)
    target: v.Text(100)
    language: LanguageCode = Language.SV.value


@router.post(
    "/notify/subscriptions",
    response={202: dict[str, str]},
    summary="Subscribe by e-mail (double opt-in: a confirmation link is sent)",
)
def subscribe(request, payload: SubscribeIn):
    if not ratelimit.allow(
        f"subscribe:{client_ip(request)}", limit=SUBSCRIBE_PER_HOUR, window_s=3600
    ):
        raise errors.TooMany("För många anmälningar härifrån. Försök igen senare.")
    target = subscriptions.resolve_target(payload.target)
    if isinstance(target, Point) and target.lifecycle not in PUBLIC_LIFECYCLES:
        target = None  # planned points are not public
    if target is None:
        raise ValidationError({"target": ["Hittar ingen SOT-punkt, kommun eller län."]})

    validate_email(payload.email)
    subscriptions.subscribe_email(
        email=payload.email,
        target=target,
        language="en" if payload.language == "en" else "sv",
    )
    return Status(202, {"detail": "confirmation sent"})


class WarningIn(Schema):
    county: v.Text(2)
    text: v.Text(300)
    text_en: v.Text(300) = ""
    exercise: bool = False


class WarningOut(Schema):
    id: int
    county: str
    text: str
    text_en: str
    exercise: bool
    created_at: datetime
    recipients: int | None
    fanned_out_at: datetime | None


def _warning_out(w) -> dict:
    return {
        "id": w.pk,
        "county": w.county.code,
        "text": w.text,
        "text_en": w.text_en,
        "exercise": w.exercise,
        "created_at": w.created_at,
        "recipients": w.recipients,
        "fanned_out_at": w.fanned_out_at,
    }


@router.post(
    "/notify/warnings",
    response={202: WarningOut},
    auth=token_auth,
    summary="A county's warning to every resident who subscribes in the county "
    "(residents.warn; fanned out by the task worker)",
)
def warning_send(request, payload: WarningIn):
    county = get_object_or_404(County, code=payload.county)
    warning = subscriptions.warn_county(
        by=request.user,
        county=county,
        text=payload.text,
        text_en=payload.text_en,
        exercise=payload.exercise,
    )
    return Status(202, _warning_out(warning))


@router.get(
    "/notify/warnings/{warning_id}",
    response=WarningOut,
    auth=token_auth,
    summary="A county's warning and how many it reached once fanned out",
)
def warning_get(request, warning_id: int):
    warning = get_object_or_404(
        ResidentWarning.objects.select_related("county"), pk=warning_id
    )
    policy.require(request.user, perm.WARN_RESIDENTS, warning)
    return _warning_out(warning)
