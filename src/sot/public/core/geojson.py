"""GeoJSON (RFC 7946) of points with their live state.

Coordinates are WGS84 longitude, latitude (RFC 7946 section 3.1.1), rounded to
six decimals (about 0.1 m).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sot.public.core.model import STATE_LABELS, PublicPoint, label


def isoformat(moment: datetime | None) -> str | None:
    """RFC 3339 UTC timestamp with a ``Z`` (None stays None)."""
    if moment is None:
        return None
    return (
        moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


def point_feature(point: PublicPoint, *, base_url: str = "") -> dict:
    """One GeoJSON Feature for ``point``; ``base_url`` makes the page link absolute."""
    return {
        "type": "Feature",
        "id": point.slug,
        "geometry": {
            "type": "Point",
            "coordinates": [round(point.lon, 6), round(point.lat, 6)],
        },
        "properties": {
            "name": point.name,
            "village": point.village,
            "municipality_code": point.municipality_code,
            "municipality": point.municipality_name,
            "address": point.address,
            "state": str(point.state),
            "state_label": label(STATE_LABELS, point.state, "sv"),
            "state_label_en": label(STATE_LABELS, point.state, "en"),
            "open": point.is_open,
            "updated": isoformat(point.updated_at),
            "services": {s.key: s.available for s in point.services},
            "fuel": {s.key: s.available for s in point.fuel},
            "service_status": {s.key: s.status for s in point.services},
            "fuel_status": {s.key: s.status for s in point.fuel},
            "restrictions": [
                {
                    "service": s.key,
                    "reason": s.reason("sv"),
                    "reason_en": s.reason("en"),
                    "until": isoformat(s.until),
                }
                for s in (*point.services, *point.fuel)
                if s.available and s.limited and (s.reason_sv or s.until)
            ],
            "stale": point.stale,
            "last_reported": isoformat(point.last_reported_at),
            "last_reported_state": point.last_state or None,
            "payment": list(point.payment),
            # today's hours during an event (sot.public.core.hours), else null
            "opening_hours": point.opening_hours or None,
            "opening_hours_en": point.opening_hours_en or None,
            "opening_hours_source": point.opening_hours_source or None,
            "opening_hours_until": isoformat(point.opening_hours_until),
            "opening_hours_days": {d: sv for d, sv, _en in point.opening_days},
            "note": point.note,
            # what the note states against the data above (service codes, "state")
            "note_conflicts": list(point.note_conflicts),
            "event": point.event_name or None,
            "exercise": point.exercise,
            "url": f"{base_url}/punkt/{point.slug}/",
        },
    }


def feature_collection(points: Iterable[PublicPoint], *, base_url: str = "") -> dict:
    """A FeatureCollection of ``points`` (in the order given)."""
    return {
        "type": "FeatureCollection",
        "features": [point_feature(p, base_url=base_url) for p in points],
    }


def dumps(document: dict) -> bytes:
    """Compact UTF-8 JSON bytes (what the feeds serve)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
