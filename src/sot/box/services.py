"""Central side of the boxes: pairing tokens, and taking the records a box pushes.

A box token is scoped to the box's points: a pushed record for any other point is
refused. Records are stored through the ordinary service functions, by the system
(``by=None``) in the name of the operator at the box, marked ``via_box`` with the
box's name so officials see that the point reported through the box. Each record is
stored by its client-made id, so a box that pushes again stores nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.box.models import Box, _hash
from sot.errors import Invalid, NotFound, Refused, SotError
from sot.operations import services as ops
from sot.operations.core.status import TransitionRefused
from sot.operations.models import ChecklistItem, Event, LogKind
from sot.operations.services import checklists
from sot.registry.models import Point

log = logging.getLogger("sot.box")

#: Report fields a box sends (the rest of a report is made here).
PUSHED_REPORT_FIELDS = ops.REPORT_FIELDS
#: Log kinds an operator writes (others are written by the system on both sides).
OPERATOR_LOG_KINDS = {LogKind.NOTE, LogKind.ACTION, LogKind.MESSAGE, LogKind.DECISION}


def issue_box(*, name: str, point_slugs: list[str], by) -> tuple[Box, str]:
    """Pair a new box for ``point_slugs``; returns the box and its token (shown once,
    only a hash is kept)."""
    points = list(Point.objects.filter(slug__in=point_slugs))
    missing = set(point_slugs) - {p.slug for p in points}
    if missing:
        raise NotFound(_("Okända punkter: %(s)s") % {"s": ", ".join(sorted(missing))})
    if not points:
        raise Invalid(_("Ange minst en punkt för boxen."), code="no_points")
    if len({p.municipality.county_code for p in points}) != 1:
        raise Invalid(
            _("En box hör till ett län; punkterna ligger i olika län."),
            code="county",
        )
    for point in points:
        policy.require(by, policy.CHANGE_POINT, point)
    if Box.objects.filter(name=name).exists():
        raise Invalid(_("Det finns redan en box med namnet %(n)s.") % {"n": name})
    prefix, secret = Box.make_secret()
    with transaction.atomic():
        box = Box.objects.create(
            name=name, prefix=prefix, key_hash=_hash(secret), created_by=by
        )
        box.points.set(points)
    return box, secret


def revoke_box(*, name: str, by=None) -> Box:
    """Revoke a box's token: it can no longer push or pull."""
    box = Box.objects.filter(name=name).first()
    if box is None:
        raise NotFound(_("Ingen box heter %(n)s.") % {"n": name})
    if box.revoked_at is None:
        box.revoked_at = timezone.now()
        box.save(update_fields=["revoked_at"])
    return box


def authenticate(secret: str) -> Box | None:
    """The box behind a token, if it is valid and not revoked."""
    parts = (secret or "").split("_")
    if len(parts) < 3 or parts[0] != "sotbox":
        return None
    box = Box.objects.filter(prefix=parts[1], revoked_at__isnull=True).first()
    if box is None or not box.matches(secret):
        return None
    return box


def heard_from(box: Box, *, sent_at: datetime | None) -> None:
    now = timezone.now()
    offset = (sent_at - now).total_seconds() if sent_at else None
    Box.objects.filter(pk=box.pk).update(last_seen_at=now, clock_offset_s=offset)


def _time(value) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        raise Invalid(_("Ogiltig tid: %(v)s") % {"v": value}, code="bad_time")
    return parsed


def receive(*, box: Box, records: list[dict], sent_at: datetime | None) -> list[dict]:
    """Store what a box pushes; one answer per record, in order.

    ``status`` is ``stored`` (new or already here: the same uid is answered with
    the stored record), ``history`` (stored, but the lifecycle here refused its
    state change, so it is kept in the history only) or ``refused`` (with
    ``detail``; nothing stored).
    """
    heard_from(box, sent_at=sent_at)
    allowed = {p.slug: p for p in box.points.select_related("municipality")}
    answers = []
    for record in records:
        uid = record.get("uid")
        try:
            status = _receive_one(box, allowed, record, sent_at)
            answers.append({"uid": uid, "status": status})
        except SotError as exc:
            log.warning("box %s: record %s refused: %s", box.name, uid, exc.detail)
            answers.append({"uid": uid, "status": "refused", "detail": exc.detail})
    return answers


def _receive_one(box, allowed, record, sent_at) -> str:
    kind = record.get("kind")
    point = allowed.get(record.get("point", ""))
    if point is None:
        raise policy_refused(box, record.get("point"))
    common = {"uid": record["uid"], "sent_at": sent_at}
    if kind == "tick":
        item = ChecklistItem.objects.filter(
            pk=record.get("item"), checklist__point=point
        ).first()
        if item is None:
            raise NotFound(_("Ingen sådan punkt på checklistan."))
        checklists.tick_item(
            item=item, by=None, at=_time(record.get("observed_at")), **common
        )
        return "stored"
    event = Event.objects.filter(pk=record.get("event")).first()
    if event is None:
        raise NotFound(_("Ingen sådan händelse."))
    observed = _time(record.get("observed_at"))
    if kind == "report":
        given = record.get("fields") or {}
        fields = {k: given[k] for k in PUSHED_REPORT_FIELDS if k in given}
        args = dict(
            point=point,
            event=event,
            reported_by=None,
            reporter_name=record.get("author", ""),
            source=record.get("source") or "web",
            state=record.get("state"),
            state_reason=record.get("state_reason", ""),
            observed_at=observed,
            via_box=box.name,
            **common,
            **fields,
        )
        try:
            report = ops.submit_status_report(**args)
        except TransitionRefused:
            ops.submit_status_report(**args, apply_state=False)
            return "history"
        current = report.activation.last_report_id
        return "stored" if current == report.pk else "history"
    if kind == "confirmation":
        ops.confirm_report(
            event=event, point=point, by=None, at=observed, via_box=box.name, **common
        )
        return "stored"
    if kind == "delivery":
        ops.record_fuel_delivery(
            point=point,
            event=event,
            recorded_by=None,
            delivered_l=record.get("delivered_l"),
            delivered_at=observed,
            supplier=record.get("supplier", ""),
            note=record.get("note", ""),
            via_box=box.name,
            **common,
        )
        return "stored"
    if kind == "log":
        if record.get("log_kind") not in OPERATOR_LOG_KINDS:
            raise Invalid(_("Okänd typ av loggpost."), code="bad_kind")
        ops.add_log_entry(
            event=event,
            author=None,
            author_name=record.get("author", ""),
            text=record.get("text", ""),
            kind=record["log_kind"],
            point=point,
            at=observed,
            via_box=box.name,
            **common,
        )
        return "stored"
    raise Invalid(_("Okänd sorts post: %(k)s") % {"k": kind}, code="bad_kind")


def policy_refused(box: Box, slug) -> SotError:
    return Refused(
        _("Boxen %(box)s får inte rapportera för punkten %(point)s.")
        % {"box": box.name, "point": slug},
        code="not_box_point",
    )


def describe(box: Box) -> dict[str, Any]:
    return {
        "name": box.name,
        "points": sorted(box.points.values_list("slug", flat=True)),
        "county_code": box.county_code,
        "central_time": timezone.now().isoformat(),
    }
