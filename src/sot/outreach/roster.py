"""The roster: volunteers and staff, import from CSV/XLSX, and complete removal.

Import columns (header row, Swedish or English names, any order; only name and
phone or e-mail are required):

``namn/name``, ``telefon/phone``, ``e-post/email``, ``kommunkod/municipality``,
``grupp/group``, ``punkter/points`` (slugs, ``;``-separated), ``typ/kind``
(frivillig/personal), ``språk/language`` (sv/en), ``färdigheter/skills``
(``first_aid;generator`` or Swedish words), ``utbildning/training``
(``frg_basic:2024-03-01;first_aid:2025-01-15``), ``tillgänglig/available``
(ja/nej), ``lat``, ``lon``.

A row is matched to an existing person by municipality and phone (else e-mail) and
updated; nothing is deleted by an import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from sot import errors
from sot.accounts import policy
from sot.outreach import permissions as perm
from sot.outreach.core.commands import fold
from sot.outreach.core.phone import PhoneNumberError, normalize_phone
from sot.outreach.models import (
    Course,
    InboundSms,
    Member,
    MemberKind,
    Message,
    Skill,
    Subscription,
    Training,
)
from sot.registry import imports
from sot.registry.models import (
    ImportJob,
    Municipality,
    Organisation,
    OrganisationKind,
    Point,
)
from sot.registry.tables import ImportFailed, RowError
from sot.validation import tabular

_COLUMNS = {
    "NAMN": "name",
    "NAME": "name",
    "TELEFON": "phone",
    "PHONE": "phone",
    "MOBIL": "phone",
    "MOBILE": "phone",
    "E POST": "email",
    "EPOST": "email",
    "E-POST": "email",
    "EMAIL": "email",
    "E-MAIL": "email",
    "KOMMUNKOD": "municipality",
    "KOMMUN": "municipality",
    "MUNICIPALITY": "municipality",
    "GRUPP": "group",
    "GROUP": "group",
    "PUNKTER": "points",
    "PUNKT": "points",
    "POINTS": "points",
    "TYP": "kind",
    "KIND": "kind",
    "SPRAK": "language",
    "LANGUAGE": "language",
    "FARDIGHETER": "skills",
    "SKILLS": "skills",
    "UTBILDNING": "training",
    "TRAINING": "training",
    "TILLGANGLIG": "available",
    "AVAILABLE": "available",
    "TALADE SPRAK": "spoken_languages",
    "SPOKEN LANGUAGES": "spoken_languages",
    "LAT": "lat",
    "LON": "lon",
}
_SKILL_WORDS = {
    "FORSTA HJALPEN": Skill.FIRST_AID,
    "FIRST AID": Skill.FIRST_AID,
    "FIRST_AID": Skill.FIRST_AID,
    "HLR": Skill.FIRST_AID,
    "ELEKTRIKER": Skill.ELECTRICIAN,
    "ELECTRICIAN": Skill.ELECTRICIAN,
    "ELVERK": Skill.GENERATOR,
    "GENERATOR": Skill.GENERATOR,
    "RESERVKRAFT": Skill.GENERATOR,
    "FORARE": Skill.DRIVER,
    "DRIVER": Skill.DRIVER,
    "CHAUFFOR": Skill.DRIVER,
    "RADIO": Skill.RADIO,
    "SAMBAND": Skill.RADIO,
    "RAKEL": Skill.RADIO,
    "SPRAK": Skill.LANGUAGES,
    "LANGUAGES": Skill.LANGUAGES,
}
_YES = {"JA", "J", "YES", "Y", "1", "TRUE", "X", ""}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """The roster rows; a file that cannot be read raises RosterFileError."""
    try:
        return _to_dicts(tabular.read(data, filename))
    except tabular.TableError as exc:
        raise RosterFileError(str(exc)) from None


class RosterFileError(errors.Invalid):
    """The roster file cannot be read (encoding, size, broken XLSX); Swedish text."""


def _to_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    if not rows:
        return []
    header = [_COLUMNS.get(fold(h.strip()).replace("_", " "), "") for h in rows[0]]
    out = []
    for row in rows[1:]:
        if not any(str(c).strip() for c in row):
            continue
        out.append({k: str(v).strip() for k, v in zip(header, row, strict=False) if k})
    return out


def _skills(text: str) -> list[str]:
    out = []
    for part in text.replace(",", ";").split(";"):
        word = fold(part.strip()).replace("_", " ")
        if not word:
            continue
        skill = _SKILL_WORDS.get(word)
        if skill is None:
            raise ValueError(f"okänd färdighet {part.strip()!r}")
        if skill not in out:
            out.append(str(skill))
    return out


def _trainings(text: str) -> dict[str, dt.date]:
    out = {}
    for part in text.replace(",", ";").split(";"):
        if not part.strip():
            continue
        course, _, date = part.partition(":")
        course = course.strip().lower().replace(" ", "_").replace("-", "_")
        if course not in Course.values:
            raise ValueError(f"okänd utbildning {course!r}")
        try:
            out[course] = dt.date.fromisoformat(date.strip())
        except ValueError:
            raise ValueError(f"datum saknas eller fel för {course!r}") from None
    return out


def save_member(
    *,
    by,
    municipality: Municipality,
    data: dict,
    trainings: dict[str, dt.date] | None = None,
    points: list[Point] | None = None,
) -> tuple[Member, bool]:
    """Create or update one person (matched by municipality and phone, else e-mail)."""
    policy.require(by, perm.CHANGE_ROSTER, municipality)
    phone = data.get("phone") or ""
    if phone:
        phone = normalize_phone(phone)
    email = (data.get("email") or "").strip().lower()
    if not phone and not email:
        raise ValueError("telefon eller e-post krävs")
    with transaction.atomic():
        qs = Member.objects.filter(municipality=municipality)
        member = qs.filter(phone=phone).first() if phone else None
        if member is None and email:
            member = qs.filter(email=email).first()
        created = member is None
        if member is None:
            member = Member(municipality=municipality)
        member.name = data.get("name") or member.name
        member.phone = phone or member.phone
        member.email = email or member.email
        for key in (
            "kind",
            "language",
            "skills",
            "spoken_languages",
            "available",
            "lat",
            "lon",
            "group",
            "availability_note",
        ):
            if key in data and data[key] is not None:
                setattr(member, key, data[key])
        if not member.name:
            raise ValueError("namn krävs")
        member.full_clean(exclude=["municipality", "group", "user"])
        member.save()
        if points:
            member.points.add(*points)
        for course, date in (trainings or {}).items():
            Training.objects.update_or_create(
                member=member, course=course, defaults={"completed_on": date}
            )
    return member, created


def save_member_row(
    *,
    by,
    member: Member,
    points: list[Point] | None = None,
    trainings: list[Training] = (),
    removed_trainings: list[Training] = (),
) -> Member:
    """Save one person as edited whole (the admin's form): the row, its points
    (``None`` leaves them) and its trainings, in one transaction. The group and the
    points must belong to the person's municipality (else Refused)."""
    policy.require(by, perm.CHANGE_ROSTER, member.municipality)
    if member.group_id is not None:
        group = member.group
        if group.municipality_id not in (None, member.municipality_id) or (
            group.county_code and group.county_code != member.municipality.county_code
        ):
            raise errors.Refused("the group belongs to another municipality")
    if points is not None and any(
        p.municipality_id != member.municipality_id for p in points
    ):
        raise errors.Refused(
            "a volunteer can only be linked to points of their municipality"
        )
    with transaction.atomic():
        member.save()
        if points is not None:
            member.points.set(points)
        for training in removed_trainings:
            if training.pk is not None:
                training.delete()
        for training in trainings:
            training.member = member
            training.save()
    return member


#: Rows between two progress reports of a roster import job.
PROGRESS_ROWS = 100


def import_roster(
    *,
    by,
    municipality: Municipality,
    data: bytes,
    filename: str = "roster.csv",
    progress=None,
) -> ImportReport:
    """Import people from a CSV or XLSX file into a municipality's roster.

    Each row is saved in its own short transaction; a bad row is reported by its
    line and the others are kept. ``progress(done, total, "write")`` is called every
    :data:`PROGRESS_ROWS` rows (the import job's page shows it).
    """
    policy.require(by, perm.CHANGE_ROSTER, municipality)
    rows = _rows(data, filename)
    report = ImportReport()
    for done, (line, row) in enumerate(enumerate(rows, start=2)):
        if progress is not None and done % PROGRESS_ROWS == 0:
            progress(done, len(rows), "write")
        try:
            values: dict = {
                "name": row.get("name", ""),
                "phone": row.get("phone", ""),
                "email": row.get("email", ""),
            }
            code = row.get("municipality", "")
            if code and code not in (municipality.code, municipality.name):
                raise ValueError(f"kommun {code} är inte {municipality.name}")
            if row.get("skills"):
                values["skills"] = _skills(row["skills"])
            if row.get("kind"):
                values["kind"] = (
                    MemberKind.STAFF
                    if fold(row["kind"]) in ("PERSONAL", "STAFF")
                    else MemberKind.VOLUNTEER
                )
            if row.get("language"):
                values["language"] = (
                    "en" if row["language"].lower().startswith("en") else "sv"
                )
            if "available" in row:
                values["available"] = fold(row["available"]) in _YES
            if row.get("spoken_languages"):
                values["spoken_languages"] = [
                    s.strip().lower()
                    for s in row["spoken_languages"].replace(",", ";").split(";")
                    if s.strip()
                ]
            for key in ("lat", "lon"):
                if row.get(key):
                    values[key] = float(row[key].replace(",", "."))
            if row.get("group"):
                values["group"], _ = Organisation.objects.get_or_create(
                    name=row["group"],
                    defaults={
                        "kind": OrganisationKind.VOLUNTEER_GROUP,
                        "municipality": municipality,
                        "county_code": municipality.county_code,
                    },
                )
            points = []
            for slug in (row.get("points") or "").replace(",", ";").split(";"):
                if slug.strip():
                    point = Point.objects.filter(
                        slug=slug.strip().lower(), municipality=municipality
                    ).first()
                    if point is None:
                        raise ValueError(f"okänd punkt {slug.strip()!r}")
                    points.append(point)
            trainings = _trainings(row.get("training", ""))
            _, created = save_member(
                by=by,
                municipality=municipality,
                data=values,
                trainings=trainings,
                points=points,
            )
        except (ValueError, PhoneNumberError) as exc:
            report.errors.append((line, str(exc)))
            continue
        except Exception as exc:  # a validation error of the model
            report.errors.append((line, str(exc)[:200]))
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1
    if progress is not None:
        progress(len(rows), len(rows), "write")
    return report


def start_import(
    *, by, municipality: Municipality, data: bytes, filename: str
) -> ImportJob:
    """Queue a roster import for the task worker (see :mod:`sot.registry.imports`)."""
    return imports.start_import(
        actor=by,
        kind=ImportJob.Kind.ROSTER,
        data=data,
        filename=filename,
        municipality=municipality,
    )


def _authorize_import(actor, municipality: Municipality | None) -> None:
    if municipality is None:
        raise errors.Invalid("kommun saknas", code="municipality")
    policy.require(actor, perm.CHANGE_ROSTER, municipality)


def _run_import(job: ImportJob, progress):
    try:
        report = import_roster(
            by=job.actor,
            municipality=job.municipality,
            data=bytes(job.data),
            filename=job.filename,
            progress=progress,
        )
    except RosterFileError as exc:
        raise ImportFailed([RowError(0, "fil", str(exc))]) from None
    counts = {"created": report.created, "updated": report.updated}
    return counts, [RowError(line, "", message) for line, message in report.errors]


imports.register(ImportJob.Kind.ROSTER, authorize=_authorize_import, run=_run_import)


def erase_member(*, by, member: Member) -> dict[str, int]:
    """Remove a person completely (GDPR, right to erasure).

    Deletes the roster entry with its trainings and call-out rows, every message
    sent to their phone or e-mail, every SMS received from their phone, and their
    subscriptions. The event logbook holds counts only, so nothing is left there.
    Returns what was deleted, by kind.
    """
    policy.require(by, perm.CHANGE_ROSTER, member.municipality)
    addresses = [a for a in (member.phone, member.email) if a]
    with transaction.atomic():
        counts = {
            "messages": Message.objects.filter(to__in=addresses).delete()[0],
            "inbound": InboundSms.objects.filter(sender__in=addresses).delete()[0],
            "subscriptions": Subscription.objects.filter(
                address__in=addresses
            ).delete()[0],
        }
        counts["member"] = member.delete()[0]
    return counts
