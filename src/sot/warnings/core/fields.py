"""Reading fields from untrusted documents: limits, types, times, geometry.

Every reader takes the value and a ``path`` (for the error message) and either
returns a value of the right type or raises :class:`ParseError`.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from sot.warnings.core.model import ParseError

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
MAX_SHORT_TEXT = 1_000  # identifiers, headlines, names, codes
MAX_LONG_TEXT = 50_000  # descriptions, instructions
MAX_MESSAGES = 5_000
MAX_VERTICES = 200_000  # per document
MAX_NESTING = 64


def check_size(data: bytes | str) -> None:
    """Reject a document above :data:`MAX_DOCUMENT_BYTES`."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_DOCUMENT_BYTES:
        raise ParseError(
            f"document is {size} bytes, more than the limit of {MAX_DOCUMENT_BYTES}"
        )


def decode_text(data: bytes | str) -> str:
    """Bytes as UTF-8 text (a BOM is dropped); a clear error for other encodings."""
    check_size(data)
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text (byte {exc.start})") from None


def load_json(data: bytes | str) -> Any:
    """Parse JSON with size and nesting limits."""
    text = decode_text(data)
    if _nesting(text) > MAX_NESTING:
        raise ParseError(f"JSON nested deeper than {MAX_NESTING} levels")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise ParseError("JSON nested too deeply") from None


def _reject_constant(name: str) -> Any:
    raise ParseError(f"JSON constant {name} is not allowed")


def _nesting(text: str) -> int:
    """Maximum bracket depth, ignoring brackets inside strings (cheap pre-check)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def expect_dict(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise ParseError(f"expected an object, got {_kind(value)}", path=path)
    return value


def expect_list(value: Any, path: str, *, allow_none: bool = False) -> list:
    if value is None and allow_none:
        return []
    if not isinstance(value, list):
        raise ParseError(f"expected a list, got {_kind(value)}", path=path)
    return value


def opt_dict(value: Any, path: str) -> dict:
    """An object, or ``{}`` for a missing/null value."""
    if value is None:
        return {}
    return expect_dict(value, path)


def text(
    value: Any, path: str, *, limit: int = MAX_SHORT_TEXT, required: bool = False
) -> str:
    """A string (numbers are accepted and turned into strings), stripped."""
    if value is None:
        if required:
            raise ParseError("missing", path=path)
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ParseError(f"expected text, got {_kind(value)}", path=path)
    result = str(value).strip()
    if len(result) > limit:
        raise ParseError(
            f"text of {len(result)} characters, more than the limit of {limit}",
            path=path,
        )
    if "\x00" in result:
        raise ParseError("text contains a NUL character", path=path)
    if required and not result:
        raise ParseError("empty", path=path)
    return result


def web_url(value: Any, path: str) -> str:
    """An http(s) address; anything else (``javascript:``, ``data:``) becomes ""."""
    raw = text(value, path)
    return raw if raw.lower().startswith(("https://", "http://")) else ""


def long_text(value: Any, path: str) -> str:
    return text(value, path, limit=MAX_LONG_TEXT)


def integer(value: Any, path: str, *, minimum: int | None = None) -> int | None:
    """An integer (or a string of digits), ``None`` for missing/empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ParseError("expected a whole number, got a boolean", path=path)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        stripped = value.strip().replace(" ", "").replace("\u00a0", "")
        if not stripped.lstrip("-").isdigit() or len(stripped) > 12:
            raise ParseError(f"expected a whole number, got {value[:40]!r}", path=path)
        value = int(stripped)
    if not isinstance(value, int):
        raise ParseError(f"expected a whole number, got {_kind(value)}", path=path)
    if minimum is not None and value < minimum:
        raise ParseError(f"{value} is below {minimum}", path=path)
    return value


def timestamp(value: Any, path: str, *, required: bool = False) -> datetime | None:
    """An ISO 8601 time with an offset (``Z`` accepted), returned in UTC.

    A time without an offset is an error: guessing the zone of a warning is worse
    than refusing it.
    """
    raw = text(value, path, limit=64, required=required)
    if not raw:
        return None
    candidate = raw.replace("Z", "+00:00").replace("z", "+00:00")
    if " " in candidate and "T" not in candidate:
        candidate = candidate.replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        raise ParseError(f"not an ISO 8601 time: {raw!r}", path=path) from None
    if parsed.tzinfo is None:
        raise ParseError(f"time without a UTC offset: {raw!r}", path=path)
    return parsed.astimezone(UTC)


def coordinate(lon: Any, lat: Any, path: str) -> tuple[float, float]:
    """A WGS84 longitude/latitude pair, checked for range and finiteness."""
    try:
        if isinstance(lon, bool) or isinstance(lat, bool):
            raise TypeError
        x = float(lon)
        y = float(lat)
    except (TypeError, ValueError):
        raise ParseError(f"not a coordinate: {lon!r}, {lat!r}", path=path) from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ParseError("coordinate is not finite", path=path)
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise ParseError(f"coordinate out of range: {x}, {y}", path=path)
    return (x, y)


class VertexBudget:
    """Counts vertices across a document so that a huge polygon is refused."""

    def __init__(self, limit: int = MAX_VERTICES) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, count: int, path: str) -> None:
        self.used += count
        if self.used > self.limit:
            raise ParseError(
                f"more than {self.limit} coordinates in the document", path=path
            )


def ring(value: Any, path: str, budget: VertexBudget) -> list[list[float]]:
    """A closed linear ring of at least four positions (closed here if open)."""
    positions = expect_list(value, path)
    budget.spend(len(positions), path)
    result: list[list[float]] = []
    for i, pos in enumerate(positions):
        pos = expect_list(pos, f"{path}[{i}]")
        if len(pos) < 2:
            raise ParseError(
                "position with fewer than two numbers", path=f"{path}[{i}]"
            )
        x, y = coordinate(pos[0], pos[1], f"{path}[{i}]")
        result.append([x, y])
    if result and result[0] != result[-1]:
        result.append(list(result[0]))
    if len(result) < 4:
        raise ParseError("ring with fewer than three distinct corners", path=path)
    return result


def polygon_coords(value: Any, path: str, budget: VertexBudget) -> list:
    rings = expect_list(value, path)
    if not rings:
        raise ParseError("polygon without rings", path=path)
    return [ring(r, f"{path}[{i}]", budget) for i, r in enumerate(rings)]


def geojson_geometries(value: Any, path: str, budget: VertexBudget) -> list[dict]:
    """The polygonal geometries in a GeoJSON Feature, FeatureCollection or geometry.

    Returns a list of Polygon/MultiPolygon dicts. Lines and points carry no area and
    are skipped; an empty Polygon (``"coordinates": []``) gives no geometry. Unknown
    types are an error.
    """
    if value is None:
        return []
    obj = expect_dict(value, path)
    kind = obj.get("type")
    if kind == "FeatureCollection":
        out: list[dict] = []
        for i, feat in enumerate(expect_list(obj.get("features"), f"{path}.features")):
            out.extend(geojson_geometries(feat, f"{path}.features[{i}]", budget))
        return out
    if kind == "Feature":
        return geojson_geometries(obj.get("geometry"), f"{path}.geometry", budget)
    if kind == "GeometryCollection":
        out = []
        items = expect_list(obj.get("geometries"), f"{path}.geometries")
        for i, geom in enumerate(items):
            out.extend(geojson_geometries(geom, f"{path}.geometries[{i}]", budget))
        return out
    coords = obj.get("coordinates")
    if kind == "Polygon":
        if coords == []:
            return []
        return [
            {"type": "Polygon", "coordinates": polygon_coords(coords, path, budget)}
        ]
    if kind == "MultiPolygon":
        polys = expect_list(coords, f"{path}.coordinates")
        if not polys:
            return []
        return [
            {
                "type": "MultiPolygon",
                "coordinates": [
                    polygon_coords(p, f"{path}.coordinates[{i}]", budget)
                    for i, p in enumerate(polys)
                ],
            }
        ]
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        expect_list(coords, f"{path}.coordinates")
        return []
    raise ParseError(f"unsupported geometry type {str(kind)[:40]!r}", path=path)


def circle_polygon(
    lon: float, lat: float, radius_km: float, *, vertices: int = 32
) -> dict:
    """A CAP circle as a polygon of ``vertices`` corners (spherical approximation).

    Radius in kilometres, as CAP gives it; the polygon is inscribed in the circle, so
    it is at most 0.5 % smaller (1 - cos(pi / 32)) at 32 corners.
    """
    earth_km = 6371.0088
    coords = []
    lat_r = math.radians(lat)
    for i in range(vertices):
        bearing = 2 * math.pi * i / vertices
        d = radius_km / earth_km
        lat2 = math.asin(
            math.sin(lat_r) * math.cos(d)
            + math.cos(lat_r) * math.sin(d) * math.cos(bearing)
        )
        lon2 = math.radians(lon) + math.atan2(
            math.sin(bearing) * math.sin(d) * math.cos(lat_r),
            math.cos(d) - math.sin(lat_r) * math.sin(lat2),
        )
        coords.append([math.degrees(lon2), math.degrees(lat2)])
    coords.append(list(coords[0]))
    return {"type": "Polygon", "coordinates": [coords]}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
