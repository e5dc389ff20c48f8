"""Bulk import of residents' subscriptions, for a migration from another system.

Each row must carry proof of the resident's consent: how it was given
(``consent_method``, one of :class:`~sot.outreach.models.ConsentMethod`), when
(``consent_at``), where the proof is kept (``consent_source``: the old system
and its record, or a signed form's archive number) and what the resident said yes
to (``consent_text``: the terms or their version); the importing user is recorded
with every subscription (``imported_by``). A row without that proof is refused.
Every row is checked first and every problem is reported by row and column
(:class:`~sot.registry.tables.ImportFailed`). By default the import is all or
nothing: only a file without errors is written, in one transaction, with
``bulk_create`` in batches. With ``skip_invalid`` the valid rows are written and
the refused ones reported; the file can be run again once they are corrected,
since a subscription that exists already is never made twice.

A subscription that exists already (same channel, address and point or
municipality) is left as it is when active, made active with the imported consent
when it was waiting for confirmation, and never made active again when the
resident had stopped it: a migration does not undo a STOPP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from sot.accounts import policy
from sot.accounts.models import User
from sot.accounts.policy import Scope
from sot.outreach import permissions as perm
from sot.outreach.core.phone import PhoneNumberError, normalize_phone
from sot.outreach.models import (
    Channel,
    ConsentMethod,
    Language,
    Subscription,
    SubscriptionState,
)
from sot.registry.models import County, Municipality, Point
from sot.registry.tables import ImportFailed, RowError
from sot.validation import tabular

COLUMNS = (
    "channel",
    "address",
    "point",
    "municipality",
    "county",
    "language",
    "consent_method",
    "consent_at",
    "consent_source",
    "consent_text",
)
REQUIRED = (
    "channel",
    "address",
    "consent_method",
    "consent_at",
    "consent_source",
    "consent_text",
)
TARGETS = ("point", "municipality", "county")
ALIASES = {
    "kanal": "channel",
    "adress": "address",
    "telefon": "address",
    "e-post": "address",
    "punkt": "point",
    "kommun": "municipality",
    "kommunkod": "municipality",
    "län": "county",
    "länskod": "county",
    "språk": "language",
    "samtycke_sätt": "consent_method",
    "samtycke_tid": "consent_at",
    "samtycke_källa": "consent_source",
    "samtycke_text": "consent_text",
    "samtycke_version": "consent_text",
}
CHANNELS = {"sms": Channel.SMS, "email": Channel.EMAIL, "e-post": Channel.EMAIL}
#: which channel each way of consenting proves
METHOD_CHANNELS = {
    ConsentMethod.SMS: {Channel.SMS},
    ConsentMethod.EMAIL_CONFIRMED: {Channel.EMAIL},
    ConsentMethod.SIGNED_FORM: {Channel.SMS, Channel.EMAIL},
}
CONSENT = ("consent_method", "consent_at", "consent_source", "consent_text")
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
    #: the rows refused (with ``skip_invalid``; otherwise ImportFailed is raised)
    refused: list[RowError] = field(default_factory=list)

    @property
    def refused_rows(self) -> int:
        return len({e.row for e in self.refused})


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
    if not any(t in header for t in TARGETS):
        missing.append("point, municipality eller county")
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


class _Target:
    """A point, municipality or county as the policy sees it (a county has no
    ``policy_scope`` of its own)."""

    def __init__(self, target):
        self.target = target

    def policy_scope(self) -> Scope:
        if isinstance(self.target, County):
            return Scope(county_code=self.target.code)
        return self.target.policy_scope()


def _check_row(
    number, row, *, points, municipalities, counties, by, now, errors
) -> dict | None:
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
    given = {t: row.get(t, "").strip() for t in TARGETS if row.get(t, "").strip()}
    point = municipality = county = None
    if len(given) != 1:
        bad(
            "point",
            "Ange en punkt (point), en kommun (municipality) eller ett län (county).",
        )
    elif "point" in given:
        point = points.get(given["point"].lower())
        if point is None:
            bad(
                "point",
                f"Okänd punkt {given['point']!r} (ange punktens id, t.ex. kall).",
            )
    elif "municipality" in given:
        municipality = municipalities.get(given["municipality"].lower())
        if municipality is None:
            bad(
                "municipality",
                f"Okänd kommun {given['municipality']!r} (kod eller namn).",
            )
    else:
        county = counties.get(given["county"].lower())
        if county is None:
            bad("county", f"Okänt län {given['county']!r} (kod eller namn).")
    target = point or municipality or county
    if (
        target is not None
        and by is not None
        and not policy.can(by, perm.IMPORT_SUBSCRIBERS, _Target(target))
    ):
        bad(
            next(iter(given)),
            "Utanför ditt område: du får inte importera prenumerationer hit.",
        )
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
    text = row.get("consent_text", "").strip()
    if not text:
        bad(
            "consent_text",
            "Samtycke saknas: ange villkoren invånaren sa ja till, eller deras version.",
        )
    elif len(text) > 300:
        bad("consent_text", "Högst 300 tecken.")
    if len(errors) > before:
        return None
    return {
        "channel": channel,
        "address": address,
        "point": point,
        "municipality": municipality,
        "county": county,
        "language": language,
        "consent_method": method,
        "consent_at": consent_at,
        "consent_source": source,
        "consent_text": text,
    }


def _existing(wanted: list[dict]) -> dict[tuple, Subscription]:
    by_key: dict[tuple, Subscription] = {}
    addresses = sorted({w["address"] for w in wanted})
    for start in range(0, len(addresses), BATCH):
        for sub in Subscription.objects.filter(
            address__in=addresses[start : start + BATCH]
        ).only(
            "pk",
            "channel",
            "address",
            "point_id",
            "municipality_id",
            "county_id",
            "state",
        ):
            key = (
                sub.channel,
                sub.address,
                sub.point_id,
                sub.municipality_id,
                sub.county_id,
            )
            by_key[key] = sub
    return by_key


def _key(w: dict) -> tuple:
    return (
        w["channel"],
        w["address"],
        w["point"].pk if w["point"] else None,
        w["municipality"].pk if w["municipality"] else None,
        w["county"].pk if w["county"] else None,
    )


def import_subscribers(
    *,
    rows: list[tuple[int, dict[str, str]]],
    by=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> SubscriberImport:
    """Create active subscriptions with their proof of consent, recording ``by``
    (the importing user; None: the system) with each.

    Every problem is listed by row and column. Without ``skip_invalid`` the import
    is all or nothing: :class:`~sot.registry.tables.ImportFailed` is raised and
    nothing is written. With it, the valid rows are written and the refused ones
    are in ``refused``. A user may import only into their own scope.
    """
    now = timezone.now()
    points = {p.slug.lower(): p for p in Point.objects.select_related("municipality")}
    municipalities = {}
    for m in Municipality.objects.only("pk", "code", "name", "county_code"):
        municipalities[m.code.lower()] = municipalities[m.name.lower()] = m
    counties = {}
    for c in County.objects.only("pk", "code", "name"):
        name = c.name.lower()
        short = name.removesuffix(" län").removesuffix("s")
        for word in (c.code, name, short, short + " län"):
            counties[word] = c
    errors: list[RowError] = []
    wanted, seen = [], {}
    for number, row in rows:
        w = _check_row(
            number,
            row,
            points=points,
            municipalities=municipalities,
            counties=counties,
            by=by,
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
        raise ImportFailed([RowError(0, "fil", "Filen har inga rader.")])
    if errors and not (skip_invalid and wanted):
        raise ImportFailed(errors)
    result = SubscriberImport(refused=errors)
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
                        imported_by=by,
                    )
                )
            elif sub.state == SubscriptionState.PENDING:
                sub.state = SubscriptionState.ACTIVE
                sub.confirmed_at = w["consent_at"]
                sub.imported_by = by
                for name in CONSENT:
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
            ["state", "confirmed_at", "imported_by", *CONSENT],
            batch_size=BATCH,
        )
    return result


def run_cli(
    data: bytes, filename: str, dry_run: bool, by: str, skip_invalid: bool = False
) -> str:
    """`sot import subscribers FILE --by USER`: what was done, and the rows refused."""
    user = User.objects.filter(username=by, is_active=True).first()
    if user is None:
        raise ImportFailed([RowError(0, "--by", f"Ingen aktiv användare {by!r}.")])
    result = import_subscribers(
        rows=read_file(data, filename),
        by=user,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    verb = "would create" if dry_run else "created"
    done = (
        f"{verb} {result.created}, activated {result.activated}, "
        f"unchanged {result.unchanged}, stopped by the resident (kept stopped) "
        f"{result.stopped_kept}"
    )
    if not result.refused:
        return done
    lines = [
        f"{done}; {result.refused_rows} rader hoppades över, rätta dem och kör "
        "filen igen (det som redan importerats görs inte om):"
    ]
    return "\n".join(lines + [f"  {e}" for e in result.refused])
