"""Bulk import of residents' subscriptions, for a migration from another system.

Each row must carry proof of the resident's consent: how it was given
(``consent_method``, one of :class:`~sot.outreach.models.ConsentMethod`), when
(``consent_at``) and where the proof is kept (``consent_source``: the old system
and its record, or a signed form's archive number). A row without it is refused.
The import is all or nothing: every row is checked first and every problem is
reported by row and column (:class:`~sot.registry.tables.ImportFailed`); only a
file without errors is written, in one transaction, with ``bulk_create`` in
batches.

A subscription that exists already (same channel, address and point or
municipality) is left as it is when active, made active with the imported consent
when it was waiting for confirmation, and never made active again when the
resident had stopped it: a migration does not undo a STOPP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from sot.outreach.core.phone import PhoneNumberError, normalize_phone
from sot.outreach.models import (
    Channel,
    ConsentMethod,
    Language,
    Subscription,
    SubscriptionState,
)
from sot.registry.models import Municipality, Point
from sot.registry.tables import ImportFailed, RowError
from sot.validation import tabular

COLUMNS = (
    "channel",
    "address",
    "point",
    "municipality",
    "language",
    "consent_method",
    "consent_at",
    "consent_source",
)
REQUIRED = ("channel", "address", "consent_method", "consent_at", "consent_source")
ALIASES = {
    "kanal": "channel",
    "adress": "address",
    "telefon": "address",
    "e-post": "address",
    "punkt": "point",
    "kommun": "municipality",
    "kommunkod": "municipality",
    "språk": "language",
    "samtycke_sätt": "consent_method",
    "samtycke_tid": "consent_at",
    "samtycke_källa": "consent_source",
}
CHANNELS = {"sms": Channel.SMS, "email": Channel.EMAIL, "e-post": Channel.EMAIL}
#: which channel each way of consenting proves
METHOD_CHANNELS = {
    ConsentMethod.SMS: {Channel.SMS},
    ConsentMethod.EMAIL_CONFIRMED: {Channel.EMAIL},
    ConsentMethod.SIGNED_FORM: {Channel.SMS, Channel.EMAIL},
}
STOCKHOLM = ZoneInfo("Europe/Stockholm")
BATCH = 1000
#: a file read from disk by the CLI may be larger than an upload
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class SubscriberImport:
    """What an import did (or would do, with ``dry_run``)."""

    created: int = 0
    activated: int = 0
    unchanged: int = 0
    stopped_kept: int = 0


def read_file(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: value}) of a CSV or XLSX file; the header is row 1."""
    try:
        tabular.check_size(len(data), max_bytes=MAX_FILE_BYTES)
        if filename.lower().endswith(".xlsx"):
            table = tabular.read_xlsx(data)
        else:
            table = tabular.read_csv(data)
    except tabular.TableError as exc:
        raise ImportFailed(
            [RowError(p.row, p.column, p.message) for p in exc.problems]
        ) from None
    header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in table[0]]
    errors = [
        RowError(1, h, "Okänd kolumn. Tillåtna kolumner: " + ", ".join(COLUMNS))
        for h in header
        if h and h not in COLUMNS
    ]
    missing = [c for c in REQUIRED if c not in header]
    if "point" not in header and "municipality" not in header:
        missing.append("point eller municipality")
    if missing:
        errors.append(
            RowError(1, "kolumner", "Saknade kolumner: " + ", ".join(missing))
        )
    if errors:
        raise ImportFailed(errors)
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if any(v.strip() for v in values):
            rows.append((number, dict(zip(header, values, strict=False))))
    return rows


def _consent_time(text: str, now: dt.datetime) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            "Ange tiden som ÅÅÅÅ-MM-DD TT:MM (svensk tid) eller ISO 8601 med zon."
        ) from None
    if timezone.is_naive(when):
        when = when.replace(tzinfo=STOCKHOLM)
    if when > now:
        raise ValueError("Tiden ligger i framtiden.")
    return when


def _check_row(number, row, *, points, municipalities, now, errors) -> dict | None:
    """The subscription a row asks for, or None after adding its errors."""
    before = len(errors)

    def bad(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    channel = CHANNELS.get(row.get("channel", "").strip().lower())
    if channel is None:
        bad("channel", "Ange sms eller email.")
    address = row.get("address", "").strip()
    if channel == Channel.SMS:
        try:
            address = normalize_phone(address)
        except PhoneNumberError:
            bad("address", f"Inget telefonnummer: {address!r}.")
    elif channel == Channel.EMAIL:
        address = address.lower()
        try:
            validate_email(address)
        except ValidationError:
            bad("address", f"Ingen e-postadress: {address!r}.")
    point_text = row.get("point", "").strip()
    muni_text = row.get("municipality", "").strip()
    point = municipality = None
    if bool(point_text) == bool(muni_text):
        bad("point", "Ange antingen en punkt (point) eller en kommun (municipality).")
    elif point_text:
        point = points.get(point_text.lower())
        if point is None:
            bad("point", f"Okänd punkt {point_text!r} (ange punktens id, t.ex. kall).")
    else:
        municipality = municipalities.get(muni_text.lower())
        if municipality is None:
            bad("municipality", f"Okänd kommun {muni_text!r} (kod eller namn).")
    language = row.get("language", "").strip().lower() or Language.SV
    if language not in Language.values:
        bad("language", "Ange sv eller en.")
    method_text = row.get("consent_method", "").strip()
    method = method_text if method_text in ConsentMethod.values else None
    if not method_text:
        bad("consent_method", "Samtycke saknas: ange hur det gavs.")
    elif method is None:
        bad("consent_method", "Ange ett av: " + ", ".join(ConsentMethod.values) + ".")
    elif channel is not None and channel not in METHOD_CHANNELS[method]:
        bad("consent_method", f"{method} visar inte samtycke till {channel}.")
    consent_at = None
    if not row.get("consent_at", "").strip():
        bad("consent_at", "Samtycke saknas: ange när det gavs.")
    else:
        try:
            consent_at = _consent_time(row["consent_at"], now)
        except ValueError as exc:
            bad("consent_at", str(exc))
    source = row.get("consent_source", "").strip()
    if not source:
        bad("consent_source", "Samtycke saknas: ange var beviset finns.")
    elif len(source) > 200:
        bad("consent_source", "Högst 200 tecken.")
    if len(errors) > before:
        return None
    return {
        "channel": channel,
        "address": address,
        "point": point,
        "municipality": municipality,
        "language": language,
        "consent_method": method,
        "consent_at": consent_at,
        "consent_source": source,
    }


def _existing(wanted: list[dict]) -> dict[tuple, Subscription]:
    by_key: dict[tuple, Subscription] = {}
    addresses = sorted({w["address"] for w in wanted})
    for start in range(0, len(addresses), BATCH):
        for sub in Subscription.objects.filter(
            address__in=addresses[start : start + BATCH]
        ).only("pk", "channel", "address", "point_id", "municipality_id", "state"):
            by_key[(sub.channel, sub.address, sub.point_id, sub.municipality_id)] = sub
    return by_key


def _key(w: dict) -> tuple:
    return (
        w["channel"],
        w["address"],
        w["point"].pk if w["point"] else None,
        w["municipality"].pk if w["municipality"] else None,
    )


def import_subscribers(
    *, rows: list[tuple[int, dict[str, str]]], dry_run: bool = False
) -> SubscriberImport:
    """Create active subscriptions with their proof of consent; all or nothing.

    Raises :class:`~sot.registry.tables.ImportFailed` listing every problem by row
    and column; then nothing is written.
    """
    now = timezone.now()
    points = {p.slug.lower(): p for p in Point.objects.only("pk", "slug", "name")}
    municipalities = {}
    for m in Municipality.objects.only("pk", "code", "name"):
        municipalities[m.code.lower()] = municipalities[m.name.lower()] = m
    errors: list[RowError] = []
    wanted, seen = [], {}
    for number, row in rows:
        w = _check_row(
            number,
            row,
            points=points,
            municipalities=municipalities,
            now=now,
            errors=errors,
        )
        if w is None:
            continue
        first = seen.setdefault(_key(w), number)
        if first != number:
            errors.append(
                RowError(number, "address", f"Samma prenumeration som rad {first}.")
            )
            continue
        wanted.append(w)
    if not rows:
        errors.append(RowError(0, "fil", "Filen har inga rader."))
    if errors:
        raise ImportFailed(errors)
    result = SubscriberImport()
    with transaction.atomic():
        existing = _existing(wanted)
        new, activate = [], []
        for w in wanted:
            sub = existing.get(_key(w))
            if sub is None:
                new.append(
                    Subscription(
                        **w,
                        state=SubscriptionState.ACTIVE,
                        confirmed_at=w["consent_at"],
                    )
                )
            elif sub.state == SubscriptionState.PENDING:
                sub.state = SubscriptionState.ACTIVE
                sub.confirmed_at = w["consent_at"]
                for name in ("consent_method", "consent_at", "consent_source"):
                    setattr(sub, name, w[name])
                activate.append(sub)
            elif sub.state == SubscriptionState.STOPPED:
                result.stopped_kept += 1
            else:
                result.unchanged += 1
        result.created, result.activated = len(new), len(activate)
        if dry_run:
            return result
        Subscription.objects.bulk_create(new, batch_size=BATCH)
        Subscription.objects.bulk_update(
            activate,
            [
                "state",
                "confirmed_at",
                "consent_method",
                "consent_at",
                "consent_source",
            ],
            batch_size=BATCH,
        )
    return result


def run_cli(data: bytes, filename: str, dry_run: bool) -> str:
    """`sot import subscribers FILE`: what was done, in one line."""
    result = import_subscribers(rows=read_file(data, filename), dry_run=dry_run)
    verb = "would create" if dry_run else "created"
    return (
        f"{verb} {result.created}, activated {result.activated}, "
        f"unchanged {result.unchanged}, stopped by the resident (kept stopped) "
        f"{result.stopped_kept}"
    )
