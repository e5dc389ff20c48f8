"""Read any supported document: pick the parser by name or by looking at the content.

Formats: ``smhi-ibww`` (SMHI ``warning.json``), ``krisinformation-v3``, ``sr-vma``
(Sveriges Radio VMA API v3), ``cap-xml`` (CAP 1.2/1.1 XML), ``cap-json`` (CAP as
JSON, e.g. SMHI's old ``alerts.json``), ``outage-geojson`` and ``outage-csv``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime

from sot.warnings.core import cap, krisinformation, outage, smhi, vma
from sot.warnings.core import fields as f
from sot.warnings.core.model import Document, ParseError, Status

FORMATS: dict[str, Callable[..., Document]] = {
    smhi.FORMAT: lambda data, now: smhi.parse_warnings(data),
    krisinformation.FORMAT: lambda data, now: krisinformation.parse(data),
    vma.FORMAT: lambda data, now: vma.parse(data),
    cap.FORMAT_XML: lambda data, now: cap.parse_xml(data),
    cap.FORMAT_JSON: lambda data, now: cap.parse_json(data),
    outage.FORMAT_GEOJSON: lambda data, now: outage.parse_geojson(data, now=now),
    outage.FORMAT_CSV: lambda data, now: outage.parse_csv(data, now=now),
}


def detect_format(data: bytes | str, filename: str = "") -> str:
    """The format name of a document, from its content (and name when it is ambiguous)."""
    text = f.decode_text(data).lstrip()
    name = filename.casefold()
    if text.startswith("<"):
        return cap.FORMAT_XML
    if name.endswith(".csv") or not text or text[0] not in "[{":
        return outage.FORMAT_CSV
    root = f.load_json(text)
    if isinstance(root, dict):
        if "alerts" in root:
            return vma.FORMAT
        if "alert" in root or "identifier" in root:
            return cap.FORMAT_JSON
        if root.get("type") in ("FeatureCollection", "Feature"):
            return outage.FORMAT_GEOJSON
        if "Identifier" in root:
            return krisinformation.FORMAT
        raise ParseError(
            "unknown JSON document (no alerts, alert, features or Identifier)"
        )
    if isinstance(root, list):
        first = next((item for item in root if isinstance(item, dict)), None)
        if first is None:
            if any(k in name for k in ("smhi", "ibww", "warning")):
                return smhi.FORMAT
            raise ParseError(
                "an empty list could be any source; name the format (for an SMHI "
                "warning.json: smhi-ibww)"
            )
        if "warningAreas" in first or "event" in first:
            return smhi.FORMAT
        if "Identifier" in first:
            return krisinformation.FORMAT
        if "identifier" in first:
            return cap.FORMAT_JSON
    raise ParseError("unknown document format")


def parse_document(
    data: bytes | str,
    *,
    format: str | None = None,
    filename: str = "",
    now: datetime | None = None,
    status: Status | None = None,
) -> Document:
    """Parse ``data`` with the named parser, or the detected one.

    ``status`` (exercise or test) marks every *actual* message of the document as an
    exercise or test, for importing recorded documents in an exercise; it never turns
    an exercise into an actual message.
    """
    fmt = format or detect_format(data, filename)
    try:
        parser = FORMATS[fmt]
    except KeyError:
        raise ParseError(
            f"unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}"
        ) from None
    try:
        doc = parser(data, now)
    except ParseError:
        raise
    except (RecursionError, json.JSONDecodeError, UnicodeError) as exc:
        raise ParseError(f"unreadable document: {type(exc).__name__}") from None
    if status is not None and status is not Status.ACTUAL:
        doc = dataclasses.replace(
            doc,
            messages=tuple(
                dataclasses.replace(m, status=status)
                if m.status is Status.ACTUAL
                else m
                for m in doc.messages
            ),
        )
    return doc
