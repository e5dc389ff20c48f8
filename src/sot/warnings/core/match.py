"""Which municipalities and points a message touches (plain: no database).

The store passes the registry in as plain records, so this is tested without Django.

Rules, per area of the message:

* An area with geometry is matched by geometry only: a point is touched when it lies
  in or on a polygon (``sot.geo.polygon``: the boundary counts as inside); a
  municipality is touched when its boundary intersects a polygon, or when it holds a
  touched point (so a municipality without a stored boundary is still found).
* An area without geometry is matched by its codes: municipality codes and names
  touch those municipalities, county codes (NUTS3 already translated) touch every
  municipality of the county, ``whole_country`` touches every municipality; every
  point of a touched municipality is touched.
* Outage localities touch points whose village (or name) is that locality, compared
  case- and accent-insensitively; postcodes touch points with that postcode. The
  municipalities of those points are touched. In an area that lists localities or
  postcodes, municipality codes only narrow the search (two villages called Hallen
  exist in Sweden); they do not touch the whole municipality.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sot.geo.polygon import (
    GeometryError,
    bbox,
    geometries_intersect,
    point_in_geometry,
)
from sot.warnings.core.model import Area, Message


@dataclass(frozen=True)
class MunicipalityRecord:
    code: str
    name: str
    county_code: str
    boundary: dict | None = None


@dataclass(frozen=True)
class PointRecord:
    id: int
    municipality_code: str
    lon: float | None
    lat: float | None
    village: str = ""
    name: str = ""
    postcode: str = ""


@dataclass
class MatchResult:
    municipality_codes: set[str] = field(default_factory=set)
    point_ids: set[int] = field(default_factory=set)


def fold(name: str) -> str:
    """Case- and accent-insensitive key: "Ottsjö" and "OTTSJO" give "ottsjo"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join(
        "".join(ch for ch in decomposed if not unicodedata.combining(ch)).split()
    )


def _municipality_name_key(name: str) -> str:
    key = fold(name)
    for suffix in (" kommun", " municipality", "s kommun"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    return key


def match_areas(
    areas: Iterable[Area],
    municipalities: Sequence[MunicipalityRecord],
    points: Sequence[PointRecord],
) -> MatchResult:
    """The municipalities and points that ``areas`` touch (see the module docstring)."""
    result = MatchResult()
    by_county: dict[str, set[str]] = {}
    by_name = {_municipality_name_key(m.name): m.code for m in municipalities}
    known = {m.code for m in municipalities}
    for m in municipalities:
        by_county.setdefault(m.county_code, set()).add(m.code)
    located = [
        (p, p.lon, p.lat) for p in points if p.lon is not None and p.lat is not None
    ]
    for area in areas:
        coded: set[str] = set()
        if area.geometries:
            for geom in area.geometries:
                try:
                    box = bbox(geom)
                except (GeometryError, ValueError, IndexError, TypeError):
                    continue
                for p, lon, lat in located:
                    if (
                        box[0] <= lon <= box[2]
                        and box[1] <= lat <= box[3]
                        and point_in_geometry(lon, lat, geom)
                    ):
                        result.point_ids.add(p.id)
                        result.municipality_codes.add(p.municipality_code)
                for m in municipalities:
                    if m.boundary and _safe_intersect(geom, m.boundary):
                        result.municipality_codes.add(m.code)
        elif not (area.localities or area.postcodes):
            if area.whole_country:
                coded |= known
            for code in area.county_codes:
                coded |= by_county.get(code, set())
            coded |= {c for c in area.municipality_codes if c in known}
            for name in area.municipality_names:
                found = by_name.get(_municipality_name_key(name))
                if found:
                    coded.add(found)
            result.municipality_codes |= coded
            for p in points:
                if p.municipality_code in coded:
                    result.point_ids.add(p.id)
        localities = {fold(x) for x in area.localities}
        postcodes = set(area.postcodes)
        if localities or postcodes:
            within = set(area.municipality_codes)
            for p in points:
                if within and p.municipality_code not in within:
                    continue
                if (
                    (p.village and fold(p.village) in localities)
                    or (p.name and fold(p.name) in localities)
                    or (p.postcode and p.postcode.replace(" ", "") in postcodes)
                ):
                    result.point_ids.add(p.id)
                    result.municipality_codes.add(p.municipality_code)
    return result


def match_message(
    message: Message,
    municipalities: Sequence[MunicipalityRecord],
    points: Sequence[PointRecord],
) -> MatchResult:
    """:func:`match_areas` for the areas of one message."""
    return match_areas(message.areas, municipalities, points)


def _safe_intersect(a: dict, b: dict) -> bool:
    try:
        return geometries_intersect(a, b)
    except (GeometryError, ValueError, IndexError, TypeError):
        return False
