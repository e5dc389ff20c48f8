"""Point-in-polygon for GeoJSON geometries (RFC 7946), holes and MultiPolygons included.

Coordinates are (longitude, latitude) as in GeoJSON. A point lying exactly on a ring's
edge or vertex counts as *inside* the polygon (and a point on the edge of a hole as
inside too: the boundary belongs to the area). That is the cautious choice for warnings
and outage areas: a point on the line of a warning area is treated as touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Ring = Sequence[Sequence[float]]


class GeometryError(ValueError):
    """A geometry that is not a GeoJSON Polygon or MultiPolygon, or is malformed."""


def _on_segment(x: float, y: float, x1: float, y1: float, x2: float, y2: float) -> bool:
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    if abs(cross) > 1e-12 * max(1.0, abs(x2 - x1) + abs(y2 - y1)):
        return False
    return min(x1, x2) - 1e-12 <= x <= max(x1, x2) + 1e-12 and (
        min(y1, y2) - 1e-12 <= y <= max(y1, y2) + 1e-12
    )


def ring_position(x: float, y: float, ring: Ring) -> int:
    """Return 1 if (x, y) is strictly inside the ring, 0 if on its boundary, -1 if outside."""
    n = len(ring)
    if n < 3:
        raise GeometryError("a polygon ring needs at least three positions")
    inside = False
    for i in range(n):
        x1, y1 = float(ring[i][0]), float(ring[i][1])
        x2, y2 = float(ring[(i + 1) % n][0]), float(ring[(i + 1) % n][1])
        if _on_segment(x, y, x1, y1, x2, y2):
            return 0
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return 1 if inside else -1


def point_in_polygon(lon: float, lat: float, rings: Sequence[Ring]) -> bool:
    """True if the point is in the polygon given as [outer, hole, hole, ...] rings."""
    if not rings:
        return False
    if ring_position(lon, lat, rings[0]) < 0:
        return False
    # Strictly inside a hole means outside the polygon; on a hole's edge is inside.
    return all(ring_position(lon, lat, hole) <= 0 for hole in rings[1:])


def polygons_of(geometry: dict) -> Iterable[Sequence[Ring]]:
    """Yield the polygons (lists of rings) of a GeoJSON Polygon or MultiPolygon."""
    if not isinstance(geometry, dict):
        raise GeometryError("geometry must be a GeoJSON object")
    kind = geometry.get("type")
    coords: Any = geometry.get("coordinates")
    if kind == "Polygon":
        yield coords
    elif kind == "MultiPolygon":
        yield from coords
    elif kind == "GeometryCollection":
        for g in geometry.get("geometries", []):
            yield from polygons_of(g)
    else:
        raise GeometryError(f"expected Polygon or MultiPolygon, got {kind!r}")


def point_in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    """True if (lon, lat) lies in or on the GeoJSON Polygon/MultiPolygon."""
    box = bbox(geometry)
    if not (box[0] <= lon <= box[2] and box[1] <= lat <= box[3]):
        return False
    return any(point_in_polygon(lon, lat, poly) for poly in polygons_of(geometry))


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a Polygon or MultiPolygon."""
    xs: list[float] = []
    ys: list[float] = []
    for poly in polygons_of(geometry):
        for ring in poly[:1]:
            for pos in ring:
                xs.append(float(pos[0]))
                ys.append(float(pos[1]))
    if not xs:
        raise GeometryError("empty geometry")
    return min(xs), min(ys), max(xs), max(ys)


def validate_geometry(geometry: dict) -> None:
    """Raise GeometryError unless the geometry is a well-formed (Multi)Polygon."""
    for poly in polygons_of(geometry):
        if not isinstance(poly, list | tuple) or not poly:
            raise GeometryError("a polygon needs at least one ring")
        for ring in poly:
            if len(ring) < 4:
                raise GeometryError("a linear ring needs at least four positions")
            for pos in ring:
                if len(pos) < 2 or not all(isinstance(c, int | float) for c in pos[:2]):
                    raise GeometryError("positions must be [longitude, latitude]")
                if not (-180 <= pos[0] <= 180 and -90 <= pos[1] <= 90):
                    raise GeometryError("positions must be WGS84 degrees")


def _boxes_overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _segments(geometry: dict) -> list[tuple[float, float, float, float]]:
    out = []
    for poly in polygons_of(geometry):
        for ring in poly:
            for i in range(len(ring) - 1):
                out.append(
                    (
                        float(ring[i][0]),
                        float(ring[i][1]),
                        float(ring[i + 1][0]),
                        float(ring[i + 1][1]),
                    )
                )
    return out


def _orient(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


def _cross(s: Sequence[float], t: Sequence[float]) -> bool:
    d1 = _orient(t[0], t[1], t[2], t[3], s[0], s[1])
    d2 = _orient(t[0], t[1], t[2], t[3], s[2], s[3])
    d3 = _orient(s[0], s[1], s[2], s[3], t[0], t[1])
    d4 = _orient(s[0], s[1], s[2], s[3], t[2], t[3])
    return (
        ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)
    )


def geometries_intersect(a: dict, b: dict) -> bool:
    """True if two (Multi)Polygons share any point (touching counts).

    A vertex of one inside (or on) the other, or two crossing edges, is an
    intersection; this covers containment, overlap and crossing.
    """
    if not _boxes_overlap(bbox(a), bbox(b)):
        return False
    for first, second in ((a, b), (b, a)):
        for poly in polygons_of(first):
            for pos in poly[0]:
                if point_in_geometry(float(pos[0]), float(pos[1]), second):
                    return True
    seg_b = _segments(b)
    for s in _segments(a):
        sbox = (min(s[0], s[2]), min(s[1], s[3]), max(s[0], s[2]), max(s[1], s[3]))
        for t in seg_b:
            tbox = (min(t[0], t[2]), min(t[1], t[3]), max(t[0], t[2]), max(t[1], t[3]))
            if _boxes_overlap(sbox, tbox) and _cross(s, t):
                return True
    return False
