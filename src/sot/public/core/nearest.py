"""Finding the nearest open point: parse the query, match names, measure distance.

A query is coordinates (``63.47, 13.23`` in decimal degrees, latitude first), a
Swedish postcode (five digits, ``837 96`` or ``83796``) or a place name. Names are
compared case-, accent- and hyphen-insensitively ("ottsjo" finds Ottsjö) but Swedish
å/ä/ö fold to a/a/o only as a fallback so that exact spellings win.
Distances are great-circle (haversine, mean Earth radius 6 371 008.8 m).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sot.public.core.model import PublicPoint

EARTH_RADIUS_M = 6_371_008.8
_COORDS = re.compile(
    r"^\s*(-?\d{1,2}(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:[.,]\d+)?)\s*$"
)
_POSTCODE = re.compile(r"^\s*(\d{3})\s?(\d{2})\s*$")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) if ``text`` is two decimal numbers in range, else None."""
    m = _COORDS.match(text)
    if not m:
        return None
    lat, lon = (float(g.replace(",", ".")) for g in m.groups())
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def parse_postcode(text: str) -> str | None:
    """``83796`` for ``837 96`` (None when not five digits)."""
    m = _POSTCODE.match(text)
    return m.group(1) + m.group(2) if m else None


def normalise(name: str, *, fold_swedish: bool = False) -> str:
    text = name.casefold().replace("-", " ").strip()
    text = re.sub(r"\s+", " ", text)
    if fold_swedish:
        text = "".join(
            c
            for c in unicodedata.normalize("NFKD", text)
            if not unicodedata.combining(c)
        )
    return text


@dataclass(frozen=True)
class Place:
    """A named place to search from: a point, a municipality or a gazetteer entry."""

    name: str
    lat: float
    lon: float
    kind: str = "place"
    municipality: str = ""


def match_places(query: str, places: Iterable[Place], limit: int = 5) -> list[Place]:
    """Places whose name equals the query, else starts with it (exact spelling first)."""
    places = list(places)
    for fold in (False, True):
        q = normalise(query, fold_swedish=fold)
        if not q:
            return []
        exact = [p for p in places if normalise(p.name, fold_swedish=fold) == q]
        if exact:
            return _dedupe(exact)[:limit]
        prefix = [
            p for p in places if normalise(p.name, fold_swedish=fold).startswith(q)
        ]
        if prefix:
            return _dedupe(sorted(prefix, key=lambda p: len(p.name)))[:limit]
    return []


def _dedupe(places: list[Place]) -> list[Place]:
    seen, out = set(), []
    for p in places:
        key = (normalise(p.name), round(p.lat, 2), round(p.lon, 2))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def nearest_points(
    lat: float,
    lon: float,
    points: Sequence[PublicPoint],
    *,
    open_only: bool = True,
    limit: int = 5,
) -> list[tuple[PublicPoint, float]]:
    """(point, distance_m) sorted by distance; only open points unless ``open_only``
    is False."""
    pool = [p for p in points if p.is_open] if open_only else list(points)
    ranked = sorted(
        ((p, haversine_m(lat, lon, p.lat, p.lon)) for p in pool),
        key=lambda pair: pair[1],
    )
    return ranked[:limit]
