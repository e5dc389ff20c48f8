"""Administrative areas (municipalities) from GeoJSON, with vectorised point lookup.

A municipality code (kommunkod) is four digits whose first two are the county code
(länskod), as SCB assigns them; `county_of` relies on that and nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.path import Path as MplPath

from sot.planning.errors import PlanningError
from sot.planning.results import county_of  # noqa: F401  (re-exported)

_CODE_KEYS = ("kommun_kod", "kommunkod", "municipality_code", "code", "KnKod", "id")
_NAME_KEYS = ("kommun", "kommunnamn", "municipality", "name", "KnNamn")


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    polygons: tuple[tuple[MplPath, ...], ...]
    bbox: tuple[float, float, float, float]


def _ring_paths(rings) -> tuple[MplPath, ...]:
    """(outer, hole, hole, ...) paths of one polygon."""
    return tuple(
        MplPath(np.asarray(ring, dtype=float)[:, :2])
        for ring in rings
        if len(ring) >= 3
    )


def read_areas(path: str | Path) -> list[Area]:
    """Read municipality polygons (GeoJSON FeatureCollection, WGS84)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanningError(
            f"cannot read {path} as GeoJSON ({exc}); give a FeatureCollection of "
            "municipality polygons in WGS84 with a 'kommun_kod' property"
        ) from exc
    areas = []
    for i, feature in enumerate(doc.get("features", [])):
        props = feature.get("properties") or {}
        code = next((str(props[k]) for k in _CODE_KEYS if props.get(k)), str(i))
        name = next((str(props[k]) for k in _NAME_KEYS if props.get(k)), code)
        geom = feature.get("geometry") or {}
        if geom.get("type") == "Polygon":
            polys = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            polys = geom["coordinates"]
        else:
            continue
        polygons = tuple(r for r in (_ring_paths(p) for p in polys) if r)
        if not polygons:
            continue
        allpts = np.concatenate([r[0].vertices for r in polygons])
        (x0, y0), (x1, y1) = allpts.min(axis=0), allpts.max(axis=0)
        bbox = (float(x0), float(y0), float(x1), float(y1))
        areas.append(Area(code, name, polygons, bbox))
    if not areas:
        raise PlanningError(
            f"{path} holds no Polygon or MultiPolygon features; give municipality "
            "polygons as GeoJSON"
        )
    return areas


def locate(lon, lat, areas: list[Area]) -> np.ndarray:
    """Index into ``areas`` of the area holding each point, -1 where none does."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(lon.shape, -1, dtype=np.int32)
    pts = np.column_stack([lon, lat])
    for i, area in enumerate(areas):
        x0, y0, x1, y1 = area.bbox
        cand = np.nonzero(
            (out < 0) & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        )[0]
        if cand.size == 0:
            continue
        inside = np.zeros(cand.size, dtype=bool)
        for outer, *holes in area.polygons:
            hit = outer.contains_points(pts[cand])
            for hole in holes:
                hit &= ~hole.contains_points(pts[cand])
            inside |= hit
        out[cand[inside]] = i
    return out
