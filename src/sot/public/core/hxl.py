"""CSV of points with an HXL hashtag row (Humanitarian Exchange Language 1.1).

Row 1 holds the column names, row 2 the HXL hashtags, then one row per point.
Tags from the HXL core schema: ``#loc`` (location), ``#adm2`` (municipality),
``#geo+lat``/``#geo+lon``, ``#status``, ``#date+updated``, ``#service``, ``#event``.

Machine columns (``+code``) hold codes, several joined by ``;`` with no spaces (the
register's service codes such as ``food;heating``, fuel codes such as
``fuel_diesel;fuel_petrol95``, payment codes such as ``card;cash``); the human
columns beside them (``+name``) hold the Swedish names joined by ``, ``. A program
splits a machine column on ``;`` and never needs the names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sot.public.core.geojson import isoformat
from sot.public.core.model import (
    FUEL_LABELS,
    PAYMENT_LABELS,
    SERVICE_LABELS,
    STATE_LABELS,
    PublicPoint,
    label,
)
from sot.validation import bounds

#: Joins several codes in one machine column.
CODE_SEPARATOR = ";"

COLUMNS: list[tuple[str, str]] = [
    ("id", "#loc+id"),
    ("namn", "#loc+name"),
    ("by", "#loc+village"),
    ("kommunkod", "#adm2+code"),
    ("kommun", "#adm2+name"),
    ("lat", "#geo+lat"),
    ("lon", "#geo+lon"),
    ("adress", "#loc+address"),
    ("läge", "#status+code"),
    ("läge_text", "#status+name"),
    ("uppdaterad", "#date+updated"),
    ("tjänster", "#service+available+code"),
    ("tjänster_text", "#service+available+name"),
    ("drivmedel", "#service+fuel+available+code"),
    ("drivmedel_text", "#service+fuel+available+name"),
    ("betalning", "#service+payment+code"),
    ("betalning_text", "#service+payment+name"),
    ("händelse", "#event+name"),
    ("övning", "#event+exercise"),
    ("begränsningar", "#service+restricted"),
]


def restrictions_text(p: PublicPoint, lang: str = "sv") -> str:
    """``Diesel: Begränsat: endast räddningstjänst till 18:00; ...`` (limited only)."""
    return "; ".join(
        f"{s.label(lang, FUEL_LABELS if s in p.fuel else None)}: {s.status_text(lang)}"
        for s in (*p.services, *p.fuel)
        if s.available and s.limited
    )


def _safe(values: list) -> list:
    """No cell starts a spreadsheet formula (see bounds.spreadsheet_text)."""
    return [bounds.spreadsheet_text(v) for v in values]


def to_csv(points: Iterable[PublicPoint]) -> str:
    """The CSV text (UTF-8 when encoded; ``\\r\\n`` line ends as RFC 4180 says)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _ in COLUMNS])
    writer.writerow([tag for _, tag in COLUMNS])
    for p in points:
        services = [s for s in p.services if s.available]
        fuel = [s for s in p.fuel if s.available]
        writer.writerow(
            _safe(
                [
                    p.slug,
                    p.name,
                    p.village,
                    p.municipality_code,
                    p.municipality_name,
                    f"{p.lat:.6f}",
                    f"{p.lon:.6f}",
                    p.address,
                    str(p.state),
                    label(STATE_LABELS, p.state),
                    isoformat(p.updated_at) or "",
                    CODE_SEPARATOR.join(s.key for s in services),
                    ", ".join(s.label("sv", SERVICE_LABELS) for s in services),
                    CODE_SEPARATOR.join(s.key for s in fuel),
                    ", ".join(s.label("sv", FUEL_LABELS) for s in fuel),
                    CODE_SEPARATOR.join(p.payment),
                    ", ".join(label(PAYMENT_LABELS, code) for code in p.payment),
                    p.event_name,
                    "ja" if p.exercise else "",
                    restrictions_text(p),
                ]
            )
        )
    return buffer.getvalue()
