"""Power-outage areas from grid operators: GeoJSON polygons or a CSV list.

Grid operators (nätägare) publish outages in their own forms; sot reads two simple
ones that an operator's export, or a coordinator by hand, can produce. Both are
documented in ``docs/warnings.md``.

**GeoJSON**: a FeatureCollection (or one Feature); each feature is one outage area with
a Polygon/MultiPolygon geometry (or none, when it names localities or postcodes) and
properties:

* ``id`` (required), ``name`` (what to call the area), ``operator``, ``customers_affected`` (whole number),
  ``restoration_expected`` (time), ``localities`` and ``postcodes`` (lists or
  comma-separated text), ``municipality_code``, ``description``, ``status``
  ("active", or "resolved" to end an earlier outage with the same id).
* The collection may carry ``operator`` and ``sent`` in its top-level ``properties``.

**CSV** (comma or semicolon separated, UTF-8, header row; Swedish or English names):
``id``, ``operator``/``natagare``, ``postcode``/``postnummer``,
``locality``/``ort``, ``municipality_code``/``kommunkod``,
``customers``/``kunder``/``customers_affected``/``kunder_utan_strom``,
``restoration_expected``/``beraknad_aterstallning``/``aterstallning``,
``status``. Rows with the same ``id`` form one outage; without an ``id`` column each
row is one outage identified by operator, postcode and locality.

Times may be ISO 8601 with an offset, or local Swedish time without one
(``2026-01-05 18:00`` is read as Europe/Stockholm). A document that names one
operator is a snapshot of that operator's outages: an earlier outage of the same
operator missing from it has ended.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sot.warnings.core import fields as f
from sot.warnings.core.codes import is_municipality_code
from sot.warnings.core.model import (
    Area,
    Document,
    Format,
    Hazard,
    Message,
    MsgType,
    ParseError,
    Reference,
    Source,
    Status,
    Text,
)

FORMAT_GEOJSON = Format.OUTAGE_GEOJSON
FORMAT_CSV = Format.OUTAGE_CSV
STOCKHOLM = ZoneInfo("Europe/Stockholm")
_RESOLVED = {
    "resolved",
    "cancel",
    "cancelled",
    "canceled",
    "closed",
    "atgardat",
    "avslutat",
}

_CSV_COLUMNS = {
    "id": "id",
    "outage_id": "id",
    "avbrott_id": "id",
    "operator": "operator",
    "natagare": "operator",
    "natbolag": "operator",
    "postcode": "postcode",
    "postnummer": "postcode",
    "postnr": "postcode",
    "locality": "locality",
    "ort": "locality",
    "by": "locality",
    "village": "locality",
    "municipality_code": "municipality_code",
    "kommunkod": "municipality_code",
    "customers": "customers",
    "customers_affected": "customers",
    "kunder": "customers",
    "kunder_utan_strom": "customers",
    "antal_kunder": "customers",
    "restoration_expected": "restoration",
    "expected_restoration": "restoration",
    "beraknad_aterstallning": "restoration",
    "aterstallning": "restoration",
    "beraknad_klar": "restoration",
    "status": "status",
    "sent": "sent",
    "description": "description",
    "beskrivning": "description",
}


def local_time(value: Any, path: str) -> datetime | None:
    """An ISO time; without an offset it is read as Europe/Stockholm."""
    raw = f.text(value, path, limit=64)
    if not raw:
        return None
    candidate = raw.replace("Z", "+00:00")
    if " " in candidate and "T" not in candidate:
        candidate = candidate.replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        raise ParseError(f"not an ISO 8601 time: {raw!r}", path=path) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return parsed.astimezone(UTC)


def _split(value: Any, path: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [
            f.text(v, f"{path}[{i}]")
            for i, v in enumerate(value)
            if v not in (None, "")
        ]
    raw = f.text(value, path, limit=f.MAX_LONG_TEXT)
    return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


def _postcode(value: str, path: str) -> str:
    digits = value.replace(" ", "")
    if not (digits.isdigit() and len(digits) == 5):
        raise ParseError(f"not a Swedish postcode: {value[:20]!r}", path=path)
    return digits


def _outage_message(
    *,
    ident: str,
    operator: str,
    sent: datetime,
    status_text: str,
    customers: int | None,
    restoration: datetime | None,
    localities: list[str],
    postcodes: list[str],
    municipality_codes: list[str],
    geometries: list[dict],
    description: str,
    doc_status: Status,
    name: str = "",
) -> Message:
    resolved = status_text.casefold().replace("å", "a") in _RESOLVED
    where = ", ".join(dict.fromkeys(localities or postcodes)) or name or ident
    return Message(
        source=Source.OUTAGE,
        identifier=f"{ident}-resolved" if resolved else ident,
        sent=sent,
        msg_type=MsgType.CANCEL if resolved else MsgType.ALERT,
        status=doc_status,
        sender=operator,
        event_code="POWER_OUTAGE",
        hazard=Hazard.POWER_OUTAGE,
        headline=Text(
            sv=f"Elavbrott: {where}"
            if not resolved
            else f"Elavbrott åtgärdat: {where}",
            en=f"Power outage: {where}" if not resolved else f"Power restored: {where}",
        ),
        description=Text(sv=description),
        onset=sent,
        expires=None,
        areas=(
            Area(
                description=where,
                geometries=tuple(geometries),
                municipality_codes=tuple(dict.fromkeys(municipality_codes)),
                localities=tuple(dict.fromkeys(localities)),
                postcodes=tuple(dict.fromkeys(postcodes)),
            ),
        ),
        references=(Reference(identifier=ident, sender=operator),) if resolved else (),
        customers_affected=customers,
        restoration_expected=restoration,
    )


def _snapshot(messages: list[Message]) -> tuple[bool, str]:
    operators = {m.sender for m in messages}
    if len(operators) == 1 and next(iter(operators)):
        return True, next(iter(operators))
    return False, ""


def parse_geojson(
    data: bytes | str, *, now: datetime | None = None, status: Status = Status.ACTUAL
) -> Document:
    """Parse an outage FeatureCollection (or a single Feature)."""
    root = f.expect_dict(f.load_json(data), "")
    if root.get("type") == "Feature":
        features = [root]
        top: dict = {}
    elif root.get("type") == "FeatureCollection":
        features = f.expect_list(root.get("features"), "features")
        top = f.opt_dict(root.get("properties"), "properties")
    else:
        raise ParseError("expected a GeoJSON FeatureCollection or Feature")
    if len(features) > f.MAX_MESSAGES:
        raise ParseError(f"more than {f.MAX_MESSAGES} features")
    default_operator = f.text(top.get("operator"), "properties.operator")
    default_sent = f.timestamp(top.get("sent"), "properties.sent")
    budget = f.VertexBudget()
    messages = []
    for i, feat in enumerate(features):
        path = f"features[{i}]"
        feat = f.expect_dict(feat, path)
        props = f.opt_dict(feat.get("properties"), f"{path}.properties")
        ident = f.text(
            props.get("id", feat.get("id")), f"{path}.properties.id", required=True
        )
        municipality_codes = []
        for code in _split(
            props.get("municipality_code"), f"{path}.properties.municipality_code"
        ):
            if not is_municipality_code(code):
                raise ParseError(
                    f"not a municipality code: {code[:10]!r}",
                    path=f"{path}.properties.municipality_code",
                )
            municipality_codes.append(code)
        sent = (
            f.timestamp(props.get("sent"), f"{path}.properties.sent")
            or default_sent
            or now
            or datetime.now(UTC)
        )
        messages.append(
            _outage_message(
                ident=ident,
                operator=f.text(props.get("operator"), f"{path}.properties.operator")
                or default_operator,
                sent=sent,
                status_text=f.text(props.get("status"), f"{path}.properties.status"),
                customers=f.integer(
                    props.get("customers_affected", props.get("customers")),
                    f"{path}.properties.customers_affected",
                    minimum=0,
                ),
                restoration=local_time(
                    props.get("restoration_expected"),
                    f"{path}.properties.restoration_expected",
                ),
                localities=_split(
                    props.get("localities"), f"{path}.properties.localities"
                ),
                postcodes=[
                    _postcode(p, f"{path}.properties.postcodes")
                    for p in _split(
                        props.get("postcodes"), f"{path}.properties.postcodes"
                    )
                ],
                municipality_codes=municipality_codes,
                geometries=f.geojson_geometries(
                    feat.get("geometry"), f"{path}.geometry", budget
                ),
                description=f.long_text(
                    props.get("description"), f"{path}.properties.description"
                ),
                doc_status=status,
                name=f.text(props.get("name"), f"{path}.properties.name"),
            )
        )
    _check_unique(messages)
    snapshot, operator = _snapshot(messages)
    if not messages and default_operator:
        snapshot, operator = True, default_operator
    return Document(
        format=FORMAT_GEOJSON,
        messages=tuple(messages),
        snapshot=snapshot,
        source=Source.OUTAGE,
        snapshot_sender=operator,
    )


def _column_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.strip().casefold())
    ascii_only = "".join(ch for ch in folded if ch.isascii())
    return "_".join(ascii_only.replace("-", " ").split())


def parse_csv(
    data: bytes | str, *, now: datetime | None = None, status: Status = Status.ACTUAL
) -> Document:
    """Parse an outage CSV of postcodes or localities (see the module docstring)."""
    text = f.decode_text(data)
    if "\x00" in text:
        raise ParseError("CSV contains a NUL character")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=delimiter, strict=True
        )
        rows = list(reader)
    except csv.Error as exc:
        raise ParseError(f"malformed CSV: {exc}") from None
    if not rows:
        raise ParseError("empty CSV")
    header = [_column_key(h) for h in rows[0]]
    columns = {}
    for idx, name in enumerate(header):
        key = _CSV_COLUMNS.get(name)
        if key and key not in columns:
            columns[key] = idx
    if "postcode" not in columns and "locality" not in columns:
        raise ParseError(
            "CSV needs a postcode/postnummer or locality/ort column; got "
            + ", ".join(h[:30] for h in rows[0][:12])
        )
    if len(rows) - 1 > f.MAX_MESSAGES * 10:
        raise ParseError(f"more than {f.MAX_MESSAGES * 10} rows")

    groups: OrderedDict[str, dict] = OrderedDict()
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ParseError(
                f"{len(row)} fields, the header has {len(header)}",
                path=f"line {line_no}",
            )
        path = f"line {line_no}"

        def cell(key: str, row: list[str] = row) -> str:
            return row[columns[key]].strip() if key in columns else ""

        operator = f.text(cell("operator"), f"{path}.operator")
        postcode = cell("postcode")
        locality = f.text(cell("locality"), f"{path}.locality")
        ident = f.text(cell("id"), f"{path}.id") or "-".join(
            p for p in (operator or "outage", postcode.replace(" ", ""), locality) if p
        )
        group = groups.setdefault(
            ident,
            {
                "operator": operator,
                "postcodes": [],
                "localities": [],
                "municipality_codes": [],
                "customers": None,
                "restoration": None,
                "status": "",
                "sent": None,
                "description": "",
            },
        )
        if postcode:
            group["postcodes"].append(_postcode(postcode, f"{path}.postcode"))
        if locality:
            group["localities"].append(locality)
        code = cell("municipality_code")
        if code:
            if not is_municipality_code(code):
                raise ParseError(f"not a municipality code: {code[:10]!r}", path=path)
            group["municipality_codes"].append(code)
        customers = f.integer(cell("customers"), f"{path}.customers", minimum=0)
        if customers is not None:
            group["customers"] = (group["customers"] or 0) + customers
        restoration = local_time(cell("restoration"), f"{path}.restoration")
        if restoration and (
            group["restoration"] is None or restoration > group["restoration"]
        ):
            group["restoration"] = restoration
        group["status"] = group["status"] or f.text(cell("status"), f"{path}.status")
        group["sent"] = group["sent"] or local_time(cell("sent"), f"{path}.sent")
        group["description"] = group["description"] or f.long_text(
            cell("description"), f"{path}.description"
        )
        if not group["operator"]:
            group["operator"] = operator

    stamp = now or datetime.now(UTC)
    messages = [
        _outage_message(
            ident=ident,
            operator=g["operator"],
            sent=g["sent"] or stamp,
            status_text=g["status"],
            customers=g["customers"],
            restoration=g["restoration"],
            localities=g["localities"],
            postcodes=g["postcodes"],
            municipality_codes=g["municipality_codes"],
            geometries=[],
            description=g["description"],
            doc_status=status,
        )
        for ident, g in groups.items()
    ]
    _check_unique(messages)
    snapshot, operator = _snapshot(messages)
    return Document(
        format=FORMAT_CSV,
        messages=tuple(messages),
        snapshot=snapshot,
        source=Source.OUTAGE,
        snapshot_sender=operator,
    )


def _check_unique(messages: list[Message]) -> None:
    seen: set[str] = set()
    for msg in messages:
        if msg.identifier in seen:
            raise ParseError(f"outage {msg.identifier} appears twice")
        seen.add(msg.identifier)
