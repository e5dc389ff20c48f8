"""Query parameters of the OGC API - Features service: parsing, filtering, CRS.

Pure functions, each raising :class:`InvalidParameter` (HTTP 400) with a message a
person can act on. Two CRSs are served (Part 2): CRS84 (longitude, latitude, the
default) and SWEREF 99 TM, EPSG:3006, whose axis order is northing, easting as the
EPSG register defines it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

from sot.geo.crs import to_sweref99tm

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG3006 = "http://www.opengis.net/def/crs/EPSG/0/3006"
#: The CRSs a client may ask for, the first the default.
SUPPORTED_CRS = (CRS84, EPSG3006)

# Media types, the values of ``f`` and the page sizes (the service in
# sot.public.core.ogc and its OpenAPI document in sot.public.core.ogc_openapi).
JSON = "application/json"
GEOJSON = "application/geo+json"
SCHEMA_JSON = "application/schema+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: Values of ``f``: JSON (GeoJSON for features) or HTML.
FORMATS = ("json", "html")

Box = tuple[float, float, float, float]


class InvalidParameter(ValueError):
    """A query parameter the client got wrong (HTTP 400)."""


def parse_int(raw: str | None, default: int, *, minimum: int, name: str) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameter(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise InvalidParameter(f"{name} must be at least {minimum}, got {value}")
    return value


def parse_crs(raw: str | None, name: str) -> str:
    """``crs`` or ``bbox-crs``: one of :data:`SUPPORTED_CRS` (CRS84 when absent)."""
    if raw is None:
        return CRS84
    if raw not in SUPPORTED_CRS:
        raise InvalidParameter(
            f"{name} {raw!r} is not supported; use one of {', '.join(SUPPORTED_CRS)}"
        )
    return raw


def parse_bbox(raw: str | None, crs: str = CRS84) -> Box | None:
    """Four (or six, heights dropped) numbers in the axis order of ``crs``:
    ``minLon,minLat,maxLon,maxLat`` for CRS84, ``minN,minE,maxN,maxE`` for
    EPSG:3006. Returned as CRS84 ``(min_lon, min_lat, max_lon, max_lat)`` for CRS84
    and as ``(min_e, min_n, max_e, max_n)`` for EPSG:3006."""
    if raw is None:
        return None
    try:
        numbers = [float(x) for x in raw.split(",")]
    except ValueError:
        raise InvalidParameter(f"bbox must be 4 or 6 numbers, got {raw!r}") from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or any(n != n for n in numbers):  # n != n: NaN
        raise InvalidParameter(f"bbox must be 4 or 6 numbers, got {raw!r}")
    if crs == EPSG3006:
        min_n, min_e, max_n, max_e = numbers
        if min_n > max_n or min_e > max_e:
            raise InvalidParameter(f"bbox minimum is larger than maximum: {raw!r}")
        return min_e, min_n, max_e, max_n
    min_lon, min_lat, max_lon, max_lat = numbers
    if (
        not (-90 <= min_lat <= max_lat <= 90)
        or not (-180 <= min_lon <= 180)
        or not (-180 <= max_lon <= 180)
    ):
        raise InvalidParameter(f"bbox out of range: {raw!r}")
    return min_lon, min_lat, max_lon, max_lat


def parse_instant(text: str) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParameter(f"datetime: not an RFC 3339 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_datetime(raw: str | None) -> tuple[datetime | None, datetime | None] | None:
    """An instant or an interval ``start/end`` (either end may be ``..``)."""
    if raw is None:
        return None
    if raw == "":
        raise InvalidParameter("datetime is empty; give an instant or an interval")
    if "/" in raw:
        start_text, _, end_text = raw.partition("/")
        start, end = parse_instant(start_text), parse_instant(end_text)
        if start and end and start > end:
            raise InvalidParameter("datetime: interval ends before it starts")
        return start, end
    moment = parse_instant(raw)
    return moment, moment


_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def parse_filter(name: str, raw: str, schema: Mapping) -> object:
    """The value of an equality filter on queryable ``name``, typed by its JSON Schema.

    Booleans take ``true``/``false`` and ``1``/``0`` (what GDAL sends for ``-where
    "open=1"``); strings must be one of ``enum`` or match ``pattern`` when the
    schema has one; anything else is a 400, never a silently empty result.
    """
    kind = schema.get("type", "string")
    if kind == "boolean":
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise InvalidParameter(f"{name} is true or false (or 1 or 0), got {raw!r}")
    if kind in ("integer", "number"):
        try:
            return int(raw) if kind == "integer" else float(raw)
        except ValueError:
            raise InvalidParameter(f"{name} must be a {kind}, got {raw!r}") from None
    if "enum" in schema and raw not in schema["enum"]:
        raise InvalidParameter(
            f"{name} must be one of {', '.join(schema['enum'])}, got {raw!r}"
        )
    if "pattern" in schema and not re.fullmatch(schema["pattern"], raw):
        raise InvalidParameter(f"{name} must match {schema['pattern']}, got {raw!r}")
    return raw


# -- geometry --------------------------------------------------------------------


def coordinates(geometry: Mapping | None) -> Iterator[Sequence[float]]:
    """Every position of a GeoJSON geometry."""
    if not geometry:
        return
    if geometry.get("type") == "GeometryCollection":
        for g in geometry.get("geometries", []):
            yield from coordinates(g)
        return

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            yield c
        else:
            for part in c or ():
                yield from walk(part)

    yield from walk(geometry.get("coordinates"))


def extent(features: Sequence[dict]) -> list[float]:
    """The CRS84 bounding box of ``features`` (the whole world when there are none)."""
    lons, lats = [], []
    for feature in features:
        for c in coordinates(feature.get("geometry")):
            lons.append(c[0])
            lats.append(c[1])
    if not lons:
        return [-180.0, -90.0, 180.0, 90.0]
    return [min(lons), min(lats), max(lons), max(lats)]


def in_bbox(feature: dict, bbox: Box, crs: str = CRS84) -> bool:
    """True when any vertex of the feature lies in ``bbox`` (as :func:`parse_bbox`
    returns it); CRS84 boxes may cross the antimeridian."""
    if crs == EPSG3006:
        min_e, min_n, max_e, max_n = bbox
        for lon, lat, *_ in coordinates(feature.get("geometry")):
            e, n = to_sweref99tm(lon, lat)
            if min_e <= e <= max_e and min_n <= n <= max_n:
                return True
        return False
    min_lon, min_lat, max_lon, max_lat = bbox
    for lon, lat, *_ in coordinates(feature.get("geometry")):
        if not min_lat <= lat <= max_lat:
            continue
        if min_lon <= max_lon:
            if min_lon <= lon <= max_lon:
                return True
        elif lon >= min_lon or lon <= max_lon:
            return True
    return False


def in_interval(feature: dict, prop: str | None, interval) -> bool:
    if not prop:
        return True
    raw = (feature.get("properties") or {}).get(prop)
    if not raw:
        return False
    moment = parse_instant(raw)
    start, end = interval
    return (start is None or moment >= start) and (end is None or moment <= end)


def _to_crs(position: Sequence[float], crs: str) -> list[float]:
    lon, lat, *rest = position
    if crs == EPSG3006:
        e, n = to_sweref99tm(lon, lat)
        return [round(n, 2), round(e, 2), *rest]  # EPSG:3006 axis order: N, E
    return [lon, lat, *rest]


def _transform(coords, crs: str):
    if coords and isinstance(coords[0], (int, float)):
        return _to_crs(coords, crs)
    return [_transform(c, crs) for c in coords]


def geometry_in(geometry: dict | None, crs: str) -> dict | None:
    """``geometry`` (CRS84) with its coordinates in ``crs``."""
    if not geometry or crs == CRS84:
        return geometry
    if geometry.get("type") == "GeometryCollection":
        return {
            **geometry,
            "geometries": [geometry_in(g, crs) for g in geometry["geometries"]],
        }
    return {**geometry, "coordinates": _transform(geometry["coordinates"], crs)}


__all__ = [
    "CRS84",
    "EPSG3006",
    "SUPPORTED_CRS",
    "InvalidParameter",
    "coordinates",
    "extent",
    "geometry_in",
    "in_bbox",
    "in_interval",
    "parse_bbox",
    "parse_crs",
    "parse_datetime",
    "parse_filter",
    "parse_instant",
    "parse_int",
]
