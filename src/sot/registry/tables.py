"""Import and export of points as CSV, XLSX and GeoJSON.

An import is all or nothing: every row is validated by the same service function the
admin and the API use, every error is reported by row and field, and if any row fails
nothing of the file is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from sot.errors import Refused
from sot.registry.api import point_feature, point_public_dict
from sot.registry.models import BackupPower, Point
from sot.registry.services import BACKUP_FIELDS, NeedsConfirmation, save_point
from sot.validation import bounds, tabular

BASE_COLUMNS = (
    "id",
    "name",
    "village",
    "municipality_code",
    "lat",
    "lon",
    "sweref_e",
    "sweref_n",
    "address",
    "postcode",
    "lifecycle",
    "planned_on",
    "approved_on",
    "established_on",
    "decommissioned_on",
    "store_name",
    "store_chain",
    "fuel_station_name",
    "fuel_station_chain",
    "store_to_fuel_m",
    "services",
    "public_description",
    "opening_arrangements",
    "accessibility_notes",
    "internal_notes",
)
EXPORT_COLUMNS = BASE_COLUMNS + tuple(f"backup_{f}" for f in BACKUP_FIELDS)
REQUIRED = ("id", "name", "municipality_code")
ALIASES = {
    "kommunkod": "municipality_code",
    "namn": "name",
    "ort": "village",
    "latitud": "lat",
    "longitud": "lon",
    "skede": "lifecycle",
    "adress": "address",
    "postnummer": "postcode",
    "tjanster": "services",
    "tjänster": "services",
    "slug": "id",
    "e": "sweref_e",
    "n": "sweref_n",
}


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"rad {self.row}, {self.field}: {self.message}"


class ImportFailed(Exception):
    """The file was not imported; `errors` says why, by row and field."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _table(read, data: bytes) -> list[list[str]]:
    try:
        return read(data)
    except tabular.TableError as exc:
        raise ImportFailed(
            [RowError(p.row, p.column, p.message) for p in exc.problems]
        ) from None


def read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: value}) for each data row; the header is row 1."""
    rows = _table(tabular.read_csv, data)
    return _rows_from(rows[0], rows[1:])


def read_xlsx(data: bytes) -> list[tuple[int, dict[str, str]]]:
    rows = _table(tabular.read_xlsx, data)
    return _rows_from(rows[0], rows[1:])


def _rows_from(
    header: list[str], body: list[list[str]]
) -> list[tuple[int, dict[str, str]]]:
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    known = set(EXPORT_COLUMNS) | {"municipality"}
    errors = [
        RowError(1, h, "Okänd kolumn. Tillåtna kolumner: " + ", ".join(BASE_COLUMNS))
        for h, n in zip(header, names, strict=True)
        if n and n not in known
    ]
    missing = [c for c in REQUIRED if c not in names]
    if not ({"lat", "lon"} <= set(names) or {"sweref_e", "sweref_n"} <= set(names)):
        missing.append("lat och lon (eller sweref_e och sweref_n)")
    if missing:
        errors.append(
            RowError(1, "kolumner", "Saknade kolumner: " + ", ".join(missing))
        )
    if errors:
        raise ImportFailed(errors)
    out = []
    for i, values in enumerate(body, start=2):
        if not any(str(v).strip() for v in values):
            continue
        if len(values) > len(names):
            raise ImportFailed(
                [RowError(i, "rad", "Fler värden än kolumner i rubrikraden.")]
            )
        row = {n: str(v) for n, v in zip(names, values, strict=False) if n}
        out.append((i, row))
    return out


def read_table(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV or XLSX file by its name's ending (see :mod:`sot.validation.tabular`
    for the limits)."""
    try:
        tabular.check_size(len(data))
    except tabular.TableError as exc:
        raise ImportFailed([RowError(0, "fil", str(exc))]) from None
    name = filename.lower()
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        return read_csv(data)
    raise ImportFailed(
        [RowError(0, "fil", "Okänt filformat: använd .csv eller .xlsx.")]
    )


def _parse_services(value: str) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for part in value.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        code, _, cap = part.partition(":")
        if cap and not cap.strip().isdigit():
            raise ValidationError(
                {"services": [f"Kapaciteten för {code} ska vara ett heltal."]}
            )
        out.append((code.strip(), int(cap) if cap else None))
    return out


#: Rows written per transaction: each batch holds SQLite's write lock only briefly,
#: so status reports and the task worker go on during a large import.
BATCH_ROWS = 100


def import_points(
    *,
    actor,
    rows: Iterable[tuple[int, dict[str, str]]],
    source: str = "import",
    confirm_outside: bool = False,
    dry_run: bool = False,
    progress=None,
) -> ImportResult:
    """Create or update points from rows; all or nothing. Raises ImportFailed.

    Two passes in short transactions of :data:`BATCH_ROWS` rows, never one long
    one: first every row is checked (each batch written and rolled back), and only
    if all are good are they written, batch by batch. If the second pass fails
    half-way (the database went away, or someone changed a point meanwhile), the
    rows written so far stay and ImportFailed says how far it got; importing the
    same file again finishes the job, since rows already written come back
    unchanged. ``progress(done, total, phase)`` is called after each batch.
    """
    rows = list(rows)
    batches = [rows[i : i + BATCH_ROWS] for i in range(0, len(rows), BATCH_ROWS)]
    total = len(rows)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    done = 0
    checked = ImportResult()  # what the import would do: the dry run's answer
    for batch in batches:
        with transaction.atomic():
            _import_batch(actor, batch, source, confirm_outside, seen, errors, checked)
            transaction.set_rollback(True)
        done += len(batch)
        if progress is not None:
            progress(done, total, "check")
    if errors:
        raise ImportFailed(errors)
    if dry_run:
        return checked
    result = ImportResult()
    done = 0
    for batch in batches:
        with transaction.atomic():
            _import_batch(actor, batch, source, confirm_outside, {}, errors, result)
            if errors:
                transaction.set_rollback(True)
        if errors:
            errors.insert(
                0,
                RowError(
                    0,
                    "fil",
                    "Importen avbröts efter %d av %d rader: de första är sparade. "
                    "Rätta felet och importera samma fil igen; sparade rader blir "
                    "oförändrade." % (done, total),
                ),
            )
            raise ImportFailed(errors)
        done += len(batch)
        if progress is not None:
            progress(done, total, "write")
    return result


def _import_batch(actor, rows, source, confirm_outside, seen, errors, result) -> None:
    """Save ``rows`` inside the caller's transaction, each in a savepoint; collect
    row errors in ``errors`` and what happened in ``result``."""
    for number, row in rows:
        slug = row.get("id", "").strip()
        if slug in seen:
            errors.append(
                RowError(number, "id", f"Id {slug!r} finns redan på rad {seen[slug]}.")
            )
            continue
        seen[slug] = number
        data = {k: v for k, v in row.items() if k in BASE_COLUMNS and k != "services"}
        data["slug"] = data.pop("id", "")
        backup = {
            k.removeprefix("backup_"): v
            for k, v in row.items()
            if k.startswith("backup_") and v.strip() != ""
        }
        existing = Point.objects.filter(slug=slug).first() if slug else None
        if existing is not None:
            data.pop("slug")
        sid = transaction.savepoint()
        try:
            services = _parse_services(row["services"]) if "services" in row else None
            point = save_point(
                actor=actor,
                data=data,
                point=existing,
                services=services,
                backup_power=backup or None,
                source=source,
                confirm=confirm_outside,
            )
            transaction.savepoint_commit(sid)
            if existing is None:
                result.created.append(point.slug)
            elif point.changes:
                result.updated.append(point.slug)
            else:
                result.unchanged.append(point.slug)
        except NeedsConfirmation as exc:
            transaction.savepoint_rollback(sid)
            for fld, messages in exc.message_dict.items():
                errors.extend(
                    RowError(number, fld, m + " (bekräfta med --confirm-outside)")
                    for m in messages
                )
        except ValidationError as exc:
            transaction.savepoint_rollback(sid)
            if hasattr(exc, "error_dict"):
                for fld, messages in exc.message_dict.items():
                    fld = "id" if fld == "slug" else fld
                    errors.extend(RowError(number, fld, m) for m in messages)
            else:
                errors.extend(RowError(number, "rad", m) for m in exc.messages)
        except Refused:
            transaction.savepoint_rollback(sid)
            errors.append(
                RowError(
                    number,
                    "id",
                    f"Du får inte ändra punkten {slug!r} eller skapa punkter i den kommunen.",
                )
            )


def _point_row(p: Point, *, internal: bool) -> dict[str, object]:
    e, n = p.sweref99tm
    row: dict[str, object] = dict.fromkeys(EXPORT_COLUMNS, "")
    for c in BASE_COLUMNS:
        if hasattr(p, c) and c not in ("services",):
            v = getattr(p, c)
            row[c] = (
                v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v)
            )
    row.update(
        id=p.slug,
        municipality_code=p.municipality.code,
        sweref_e=round(e, 1),
        sweref_n=round(n, 1),
        services=";".join(
            ps.service.code + (f":{ps.capacity_people}" if ps.capacity_people else "")
            for ps in p.point_services.all()
        ),
    )
    bp = BackupPower.objects.filter(point=p).first()
    if bp is not None:
        for f in BACKUP_FIELDS:
            v = getattr(bp, f)
            row[f"backup_{f}"] = (
                v.isoformat()
                if isinstance(v, dt.date)
                else (
                    ""
                    if v is None
                    else ("ja" if v is True else ("" if v is False else v))
                )
            )
    if not internal:
        row["internal_notes"] = ""
    return row


def export_rows(
    points: Iterable[Point], *, internal: bool = True
) -> list[dict[str, object]]:
    return [_point_row(p, internal=internal) for p in points]


def to_csv(rows: list[dict[str, object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=EXPORT_COLUMNS, delimiter=";", lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(
        {k: bounds.spreadsheet_text(v) for k, v in row.items()} for row in rows
    )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens å, ä, ö right


def to_xlsx(rows: list[dict[str, object]]) -> bytes:
    # openpyxl only for an XLSX export
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "SOT-punkter"
    ws.append(list(EXPORT_COLUMNS))
    for row in rows:
        values = [bounds.spreadsheet_text(row[c]) for c in EXPORT_COLUMNS]
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # always text, never a formula
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_geojson(points: Iterable[Point]) -> bytes:
    features = [point_feature(point_public_dict(p)) for p in points]
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        indent=1,
    ).encode()
