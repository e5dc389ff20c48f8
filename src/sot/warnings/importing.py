"""Reading a file for a manual import (command, upload, API): parse, validate, store.

Parsing (and, for CAP XML with ``SOT_CAP_XSD`` set or an explicit schema path,
validation against the OASIS schema) happens before anything is stored, so a bad
file stores nothing.
"""

from __future__ import annotations

from pathlib import Path

from sot.warnings import conf, services
from sot.warnings.core import cap, detect
from sot.warnings.core.model import ParseError, Status


def import_bytes(
    *,
    data: bytes,
    filename: str = "",
    format: str | None = None,
    status: str | None = None,
    via: str,
    user=None,
    xsd_path: str | Path | None = None,
    now=None,
) -> services.ImportReport:
    """Parse ``data`` and store it; raises :class:`ParseError` for a bad document."""
    status_value = Status(status) if status else None
    fmt = format or detect.detect_format(data, filename)
    if fmt == cap.FORMAT_XML:
        xsd = xsd_path or conf.get(conf.CAP_XSD)
        if xsd:
            errors = cap.validate_xml(data, xsd)
            if errors:
                raise ParseError("not valid CAP 1.2: " + "; ".join(errors[:3]))
    document = detect.parse_document(data, format=fmt, status=status_value)
    return services.import_document(
        document=document,
        via=via,
        user=user,
        now=now,
        status=status_value or Status.ACTUAL,
    )
