"""What a box pulls from central, as JSON, and how the box stores it.

Central is the only place the register, events and activations are edited, so the
box keeps them as copies with central's primary keys (Django's serializer format).
People are matched by username (a box may have its own administrator). Records that
operators make (status reports, deliveries) are matched by their client-made id.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from django.core import serializers
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.dateparse import parse_datetime

from sot.accounts.models import User
from sot.box.copying import central_copy
from sot.box.models import Synced
from sot.operations.models import (
    Activation,
    Checklist,
    ChecklistItem,
    Event,
    FuelDelivery,
    Source,
    StatusReport,
)
from sot.operations.services import REPORT_FIELDS
from sot.registry.models import (
    BackupPower,
    Contact,
    County,
    Municipality,
    Organisation,
    Point,
    PointService,
    Service,
)
from sot.warnings.models import MessageArea, WarningMessage

log = logging.getLogger("sot.box")

#: Fields of a status report copied as they are: the report's own fields (one list,
#: kept by the operations services) and who sent it how.
REPORT_COPY = ("state", "state_reason", *REPORT_FIELDS, "reporter_name", "source")


def _dump(queryset, *, null=(), drop=(), m2m_keep: dict | None = None) -> list[dict]:
    rows = serializers.serialize("python", queryset)
    for row in rows:
        fields = row["fields"]
        for name in null:
            fields[name] = None
        for name in drop:
            fields.pop(name, None)
        for name, keep in (m2m_keep or {}).items():
            fields[name] = [pk for pk in fields.get(name, []) if pk in keep]
    return _jsonable(rows)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "hex") and hasattr(value, "int"):  # UUID
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def pull_payload(box, *, since: datetime | None = None) -> dict[str, Any]:
    """Everything a box keeps a copy of: its county's register, the events and
    activations there, the warnings in force, its points' operators, and the status
    reports and deliveries of its points (received after ``since``)."""
    county = box.county_code
    munis = Municipality.objects.filter(county_code=county)
    muni_pks = set(munis.values_list("pk", flat=True))
    points = Point.objects.filter(municipality__in=munis)
    point_pks = set(points.values_list("pk", flat=True))
    box_points = set(box.points.values_list("pk", flat=True))
    orgs = Organisation.objects.filter(
        county_code=county
    ) | Organisation.objects.filter(pk__in=points.values("responsible_organisation"))
    contacts = Contact.objects.filter(organisation__in=orgs)
    register = [
        *_dump(County.objects.filter(code=county)),
        *_dump(munis),
        *_dump(orgs.distinct()),
        *_dump(contacts),
        *_dump(
            Service.objects.filter(municipality__isnull=True)
            | Service.objects.filter(municipality__in=munis)
        ),
        *_dump(points),
        *_dump(PointService.objects.filter(point__in=points)),
        *_dump(BackupPower.objects.filter(point__in=points)),
    ]
    events = Event.objects.filter(county_code=county)
    activations = Activation.objects.filter(event__in=events, point__in=points)
    checklists = Checklist.objects.filter(point__in=box_points)
    operations = [
        *_dump(events, null=("created_by",), m2m_keep={"municipalities": muni_pks}),
        *_dump(
            activations,
            null=("activated_by",),
            drop=("last_report",),
        ),
        *_dump(
            checklists,
            null=("created_by", "completed_by", "template"),
        ),
        *_dump(
            ChecklistItem.objects.filter(checklist__in=checklists), null=("done_by",)
        ),
    ]
    warnings = WarningMessage.objects.filter(
        municipalities__in=munis, ended_at__isnull=True
    ).distinct()
    warning_pks = set(warnings.values_list("pk", flat=True))
    warning_rows = _dump(
        warnings,
        null=("polled_from", "imported_by"),
        m2m_keep={"municipalities": muni_pks, "points": point_pks},
    )
    for row in warning_rows:
        if row["fields"].get("replaced_by") not in warning_pks:
            row["fields"]["replaced_by"] = None
    warning_rows += _dump(MessageArea.objects.filter(message__in=warnings))
    reports = StatusReport.objects.filter(
        activation__in=activations, activation__point__in=box_points
    ).select_related("activation")
    deliveries = FuelDelivery.objects.filter(
        activation__in=activations, activation__point__in=box_points
    )
    if since is not None:
        reports = reports.filter(received_at__gt=since)
        deliveries = deliveries.filter(received_at__gt=since)
    operators = User.objects.filter(points__in=box_points, is_active=True).distinct()
    return _jsonable(
        {
            "register": register,
            "operations": operations,
            "warnings": warning_rows,
            "activation_state": [
                {
                    "id": a.pk,
                    "state": a.state,
                    "state_reason": a.state_reason,
                    "state_changed_at": a.state_changed_at,
                    "last_seen_at": a.last_seen_at,
                    "last_report_uid": a.last_report.uid if a.last_report else None,
                    "fuel_level_l": a.fuel_level_l,
                    "fuel_level_at": a.fuel_level_at,
                    "load_pct": a.load_pct,
                }
                for a in activations.select_related("last_report")
            ],
            "reports": [
                {
                    "uid": r.uid,
                    "activation": r.activation_id,
                    "observed_at": r.observed_at,
                    "received_at": r.received_at,
                    "clock_offset_s": r.clock_offset_s,
                    "via_box": r.via_box,
                    **{name: getattr(r, name) for name in REPORT_COPY},
                }
                for r in reports
            ],
            "deliveries": [
                {
                    "uid": d.uid,
                    "activation": d.activation_id,
                    "delivered_at": d.delivered_at,
                    "received_at": d.received_at,
                    "delivered_l": d.delivered_l,
                    "supplier": d.supplier,
                    "level_before_l": d.level_before_l,
                    "level_after_l": d.level_after_l,
                    "note": d.note,
                    "via_box": d.via_box,
                }
                for d in deliveries
            ],
            "operators": [
                {
                    "username": u.username,
                    "first_name": u.first_name,
                    "last_name": u.last_name,
                    "email": u.email,
                    "password": u.password,
                    "is_staff": u.is_staff,
                    "role": u.role,
                    "phone": u.phone,
                    "points": [p.slug for p in u.points.all() if p.pk in box_points],
                }
                for u in operators
            ],
        }
    )


#: The copies central sends whole at every pull, children first: a row the box has
#: and central no longer sends was deleted (or left the box's county) centrally and
#: is deleted at the box too. Warnings are kept only while in force.
MIRRORED = (
    ChecklistItem,
    Checklist,
    Activation,
    Event,
    MessageArea,
    WarningMessage,
    BackupPower,
    PointService,
    Point,
    Contact,
    Service,
    Organisation,
    Municipality,
    County,
)


def _remove_gone(payload: dict[str, Any]) -> dict[str, int]:
    """Delete the box's copies central did not send (``{model label: count}``).

    A row another copy still protects (e.g. a log entry made at the box naming a
    point central deleted) is kept and logged; the next sync tries again."""
    sent: dict[str, set] = {}
    for row in (
        *payload.get("register", []),
        *payload.get("operations", []),
        *payload.get("warnings", []),
    ):
        sent.setdefault(row["model"], set()).add(row["pk"])
    removed: dict[str, int] = {}
    with central_copy():
        for model in MIRRORED:
            label = model._meta.label_lower
            gone = model.objects.exclude(pk__in=sent.get(label, set()))
            if not gone.exists():
                continue
            try:
                with transaction.atomic():
                    count, _by_model = gone.delete()
            except ProtectedError as exc:
                log.warning("box: %s deleted centrally kept here: %s", label, exc)
                continue
            removed[label] = count
    return removed


def _load(rows: list[dict]) -> int:
    count = 0
    for obj in serializers.deserialize("python", rows):
        obj.save()
        count += 1
    return count


def _time(value):
    return parse_datetime(value) if isinstance(value, str) else value


@transaction.atomic
def apply_payload(payload: dict[str, Any]) -> dict[str, int]:
    """Store what central sent (at the box). Returns counts by kind.

    Status reports and deliveries are stored as copies (history, no side effects);
    then each activation takes central's state and current report, so after a sync
    the box shows what central shows.
    """

    counts = {
        "register": _load(payload.get("register", [])),
        "operations": _load(payload.get("operations", [])),
        "warnings": _load(payload.get("warnings", [])),
        "reports": 0,
        "deliveries": 0,
        "operators": 0,
    }
    for row in payload.get("operators", []):
        user, _created = User.objects.update_or_create(
            username=row["username"],
            defaults={
                k: row[k]
                for k in (
                    "first_name",
                    "last_name",
                    "email",
                    "password",
                    "is_staff",
                    "role",
                    "phone",
                )
            },
        )
        user.points.set(Point.objects.filter(slug__in=row["points"]))
        counts["operators"] += 1
    for row in payload.get("reports", []):
        uid = uuid.UUID(row["uid"])
        _, created = StatusReport.objects.get_or_create(
            uid=uid,
            defaults={
                "activation_id": row["activation"],
                "observed_at": _time(row["observed_at"]),
                "received_at": _time(row["received_at"]),
                "clock_offset_s": row["clock_offset_s"],
                "via_box": row["via_box"],
                **{name: row[name] for name in REPORT_COPY},
            },
        )
        Synced.objects.get_or_create(uid=uid, defaults={"kind": "report"})
        counts["reports"] += int(created)
    for row in payload.get("deliveries", []):
        uid = uuid.UUID(row["uid"])
        _, created = FuelDelivery.objects.get_or_create(
            uid=uid,
            defaults={
                "activation_id": row["activation"],
                "delivered_at": _time(row["delivered_at"]),
                "received_at": _time(row["received_at"]),
                "delivered_l": row["delivered_l"],
                "supplier": row["supplier"],
                "level_before_l": row["level_before_l"],
                "level_after_l": row["level_after_l"],
                "note": row["note"],
                "via_box": row["via_box"],
                "source": Source.SYSTEM,
            },
        )
        Synced.objects.get_or_create(uid=uid, defaults={"kind": "delivery"})
        counts["deliveries"] += int(created)
    counts["removed"] = sum(_remove_gone(payload).values())
    for row in payload.get("activation_state", []):
        last = (
            StatusReport.objects.filter(uid=uuid.UUID(row["last_report_uid"])).first()
            if row["last_report_uid"]
            else None
        )
        Activation.objects.filter(pk=row["id"]).update(
            state=row["state"],
            state_reason=row["state_reason"],
            state_changed_at=_time(row["state_changed_at"]),
            last_seen_at=_time(row["last_seen_at"]),
            last_report=last,
            fuel_level_l=row["fuel_level_l"],
            fuel_level_at=_time(row["fuel_level_at"]),
            load_pct=row["load_pct"],
        )
    return counts
