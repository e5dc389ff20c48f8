"""Sveriges Radio's VMA API v3 (viktigt meddelande till allmänheten).

API: https://vmaapi.sr.se/api/v3/alerts (test data at ``/testapi/v3/...``). The
response is ``{"timestamp": ..., "alerts": [...]}`` where each alert is CAP 1.2 as
JSON: ``identifier`` (``SRCAP...``), ``status`` (Actual, Exercise, Test),
``msgType`` (Alert, Update, Cancel), ``references`` ("sender,identifier,sent"),
``info`` (null for a cancellation) with ``area[].geocode[]`` pairs such as
``{"valueName": "Kommun", "value": "2321"}``, ``{"valueName": "Län", "value": "23"}``,
``{"valueName": "NUTS3", "value": "SE322"}`` or ``{"valueName": "Sverige",
"value": "00"}``. Every VMA is a public warning, whatever its event text.
"""

from __future__ import annotations

import dataclasses

from sot.warnings.core import cap
from sot.warnings.core import fields as f
from sot.warnings.core.model import Document, Format, Hazard, ParseError, Source

FORMAT = Format.SR_VMA


def parse(data: bytes | str) -> Document:
    """Parse a VMA API v3 ``alerts`` response."""
    root = f.expect_dict(f.load_json(data), "")
    if "alerts" not in root:
        raise ParseError("no 'alerts' list (not a VMA API v3 response)")
    alerts = f.expect_list(root.get("alerts"), "alerts", allow_none=True)
    doc = cap.read_alerts(
        alerts,
        FORMAT,
        source=Source.VMA,
        path_prefix="alerts",
        hazard=Hazard.PUBLIC_WARNING,
    )
    # A VMA has no warning level: its CAP severity stays in ``severity``.
    return dataclasses.replace(
        doc, messages=tuple(dataclasses.replace(m, level=None) for m in doc.messages)
    )
