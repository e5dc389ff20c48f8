"""Sites on the network: candidate places and the chosen set of points.

A *candidate* is a place where a grocery store and a fuel station stand within
``pair_m`` of each other (great-circle distance): for each grocery store the
nearest fuel station within that distance is taken, and the candidate sits at the
midpoint of the two. The stores and stations come from the same ``.osm.pbf``
(``shop=supermarket|convenience|general`` and ``amenity=fuel``, nodes or building
outlines) or from CSVs with name, lat, lon. User-given candidates are added as they
are. Every site is snapped to the nearest road node within ``max_snap_m``; sites
farther away are kept in the list, marked unsnapped and reported.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from sot.geo.crs import to_sweref99tm
from sot.planning.errors import CandidateError, PopulationError
from sot.planning.network import RoadNetwork, _progress_bar
from sot.planning.population import (
    LAT_COLUMNS,
    LON_COLUMNS,
    NAME_COLUMNS,
    _pick,
    _read_csv,
    snap,
)

GROCERY_SHOPS = ("supermarket", "convenience", "general")
_EARTH_RADIUS_M = 6371008.8


@dataclass
class Poi:
    name: str
    lon: float
    lat: float
    kind: str  # "grocery" or "fuel"


@dataclass
class Sites:
    """Named places with their road node (-1 when outside the network)."""

    name: list[str]
    lon: np.ndarray
    lat: np.ndarray
    node: np.ndarray
    snap_m: np.ndarray
    source: list[str]
    detail: list[str]

    def __len__(self) -> int:
        return len(self.name)

    @property
    def snapped(self) -> np.ndarray:
        return self.node >= 0

    def only_snapped(self) -> Sites:
        return self.subset(np.nonzero(self.snapped)[0])

    def subset(self, index) -> Sites:
        index = np.asarray(index, dtype=int)
        return Sites(
            name=[self.name[i] for i in index],
            lon=self.lon[index],
            lat=self.lat[index],
            node=self.node[index],
            snap_m=self.snap_m[index],
            source=[self.source[i] for i in index],
            detail=[self.detail[i] for i in index],
        )

    def concat(self, other: Sites) -> Sites:
        return Sites(
            name=self.name + other.name,
            lon=np.concatenate([self.lon, other.lon]),
            lat=np.concatenate([self.lat, other.lat]),
            node=np.concatenate([self.node, other.node]),
            snap_m=np.concatenate([self.snap_m, other.snap_m]),
            source=self.source + other.source,
            detail=self.detail + other.detail,
        )

    def unsnapped(self) -> dict:
        bad = np.nonzero(~self.snapped)[0]
        return {"count": int(bad.size), "names": [self.name[i] for i in bad]}

    def records(self) -> list[dict]:
        return [
            {
                "name": self.name[i],
                "lat": round(float(self.lat[i]), 6),
                "lon": round(float(self.lon[i]), 6),
                "node": int(self.node[i]),
                "snap_m": None
                if not np.isfinite(self.snap_m[i])
                else round(float(self.snap_m[i]), 1),
                "source": self.source[i],
                "detail": self.detail[i],
            }
            for i in range(len(self))
        ]

    def save_csv(self, path: str | Path) -> None:
        fields = ["name", "lat", "lon", "node", "snap_m", "source", "detail"]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            for rec in self.records():
                w.writerow(rec)


def make_sites(
    net: RoadNetwork,
    names,
    lon,
    lat,
    *,
    source: str,
    detail=None,
    max_snap_m: float = 1000.0,
) -> Sites:
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    x, y = to_sweref99tm(lon, lat)
    node, dist = snap(net, np.atleast_1d(x), np.atleast_1d(y), max_snap_m)
    names = [str(n) for n in names]
    return Sites(
        name=names,
        lon=lon,
        lat=lat,
        node=node,
        snap_m=dist,
        source=[source] * len(names),
        detail=list(detail) if detail is not None else [""] * len(names),
    )


def read_sites_csv(
    path: str | Path,
    net: RoadNetwork,
    *,
    source: str,
    max_snap_m: float = 1000.0,
    where: tuple[str, set[str]] | None = None,
) -> Sites:
    """Sites from a CSV with name, lat, lon (e.g. existing or user-given points).

    A ``.geojson``/``.json`` file is read as a FeatureCollection of Points (WGS84)
    with a ``name`` property, as sot's own GeoJSON feed of points writes it.
    ``where=(column, values)`` keeps the rows (or features, by property) whose
    column is one of ``values``, e.g. ``("lifecycle", {"established"})``.
    """
    path = Path(path)
    if path.suffix.lower() in (".geojson", ".json"):
        names, lon, lat = _read_geojson_points(path, where)
    else:
        names, lon, lat = _read_name_lat_lon(path, where)
    return make_sites(net, names, lon, lat, source=source, max_snap_m=max_snap_m)


def _read_geojson_points(
    path: Path, where: tuple[str, set[str]] | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        features = doc["features"] if doc.get("type") == "FeatureCollection" else [doc]
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        raise CandidateError(
            f"cannot read {path} as a GeoJSON FeatureCollection ({exc}); give Point "
            "features with a 'name' property, or a CSV with name, lat, lon"
        ) from exc
    names, lon, lat = [], [], []
    for i, f in enumerate(features):
        geom = (f or {}).get("geometry") or {}
        if geom.get("type") != "Point":
            continue
        x, y = geom["coordinates"][:2]
        props = f.get("properties") or {}
        if where is not None and str(props.get(where[0], "")) not in where[1]:
            continue
        names.append(str(props.get("name") or props.get("namn") or f"feature {i + 1}"))
        lon.append(float(x))
        lat.append(float(y))
    if not names:
        raise CandidateError(f"{path} holds no Point features; give points as GeoJSON")
    return names, np.asarray(lon), np.asarray(lat)


def require_snapped(sites: Sites, what: str, max_snap_m: float) -> Sites:
    """Raise `CandidateError` naming every site that is not on the network."""
    un = sites.unsnapped()
    if un["count"]:
        shown = ", ".join(un["names"][:10]) + (" ..." if un["count"] > 10 else "")
        raise CandidateError(
            f"{un['count']} {what} lie more than {max_snap_m:g} m from the road "
            f"network: {shown}. Check their coordinates (lat/lon, WGS84), use a road "
            "extract that covers them, or raise --max-snap-m"
        )
    return sites


def _read_name_lat_lon(
    path: Path, where: tuple[str, set[str]] | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Names and positions from a CSV; ``where`` keeps rows whose column is in a set."""
    try:
        header, body = _read_csv(path)
    except PopulationError as exc:
        raise CandidateError(str(exc)) from exc
    rows = [header, *body]
    header = [h.strip() for h in rows[0]]
    iname = _pick(header, NAME_COLUMNS)
    ilat, ilon = _pick(header, LAT_COLUMNS), _pick(header, LON_COLUMNS)
    if ilat is None or ilon is None:
        raise CandidateError(
            f"{path}: unknown columns {header}; a places CSV needs lat and lon columns "
            "(WGS84 degrees) and preferably a name column"
        )
    iwhere = None
    if where is not None:
        iwhere = _pick(header, (where[0].lower(),))
        if iwhere is None:
            raise CandidateError(
                f"{path}: no column {where[0]!r} to select rows by; columns: {header}"
            )
    names, lat, lon = [], [], []
    for k, r in enumerate(rows[1:]):
        if not any(c.strip() for c in r):
            continue
        if (
            where is not None
            and iwhere is not None
            and r[iwhere].strip() not in where[1]
        ):
            continue
        try:
            lat.append(float(r[ilat]))
            lon.append(float(r[ilon]))
        except (ValueError, IndexError):
            raise CandidateError(
                f"{path}, row {k + 2}: lat/lon {r[ilat : ilat + 1]} {r[ilon : ilon + 1]} "
                "are not numbers; fix the row"
            ) from None
        names.append(r[iname].strip() if iname is not None else f"row {k + 2}")
    lat_a, lon_a = np.asarray(lat), np.asarray(lon)
    if lat_a.size and (np.abs(lat_a).max() > 90 or np.abs(lon_a).max() > 180):
        raise CandidateError(f"{path}: lat/lon must be WGS84 degrees")
    return names, lon_a, lat_a


def pois_from_csv(path: str | Path, kind: str) -> list[Poi]:
    names, lon, lat = _read_name_lat_lon(Path(path))
    return [
        Poi(n, float(a), float(b), kind)
        for n, a, b in zip(names, lon, lat, strict=True)
    ]


def pois_from_pbf(path: str | Path, *, progress: bool = False) -> list[Poi]:
    """Grocery stores and fuel stations (nodes, and ways at their mean position)."""
    # osmium (the planning extra) only when a PBF is read
    import osmium

    out: list[Poi] = []
    bar = _progress_bar(progress, "reading shops and stations", "objects")
    processor = (
        osmium.FileProcessor(str(path))
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("shop", "amenity"))
    )
    for obj in processor:
        bar.update(1)
        tags = obj.tags
        if tags.get("shop") in GROCERY_SHOPS:
            kind = "grocery"
        elif tags.get("amenity") == "fuel":
            kind = "fuel"
        else:
            continue
        if obj.is_node():
            if not obj.location.valid():
                continue
            lon, lat = obj.location.lon, obj.location.lat
        elif obj.is_way():
            pts = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
            if not pts:
                continue
            lon, lat = (float(v) for v in np.mean(pts, axis=0))
        else:
            continue
        label = (
            tags.get("name")
            or tags.get("brand")
            or tags.get("operator")
            or f"{kind} (OSM {'node' if obj.is_node() else 'way'} {obj.id})"
        )
        out.append(Poi(label, lon, lat, kind))
    bar.close()
    return out


def _unit_xyz(pois: list[Poi]) -> np.ndarray:
    """Points on the unit sphere; chord distances equal great-circle ones at 1e-9."""
    lon = np.radians([p.lon for p in pois])
    lat = np.radians([p.lat for p in pois])
    return np.column_stack(
        [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)]
    )


def colocated(pois: list[Poi], pair_m: float) -> list[tuple[Poi, Poi, float]]:
    """For each grocery store, the nearest fuel station within ``pair_m`` metres."""
    stores = [p for p in pois if p.kind == "grocery"]
    fuel = [p for p in pois if p.kind == "fuel"]
    if not stores or not fuel:
        return []
    tree = cKDTree(_unit_xyz(fuel) * _EARTH_RADIUS_M)
    dist, idx = tree.query(
        _unit_xyz(stores) * _EARTH_RADIUS_M, distance_upper_bound=pair_m
    )
    return [
        (stores[i], fuel[int(idx[i])], float(dist[i]))
        for i in range(len(stores))
        if np.isfinite(dist[i])
    ]


def candidate_sites(
    net: RoadNetwork,
    pois: list[Poi],
    *,
    pair_m: float = 500.0,
    max_snap_m: float = 1000.0,
    extra: Sites | None = None,
) -> Sites:
    """Candidates where a store and a fuel station stand together, plus ``extra``."""
    pairs = colocated(pois, pair_m)
    names = [f"{s.name} + {f.name}" for s, f, _ in pairs]
    lon = [(s.lon + f.lon) / 2 for s, f, _ in pairs]
    lat = [(s.lat + f.lat) / 2 for s, f, _ in pairs]
    detail = [f"store {s.name}; fuel {f.name}; {d:.0f} m apart" for s, f, d in pairs]
    sites = make_sites(
        net, names, lon, lat, source="store+fuel", detail=detail, max_snap_m=max_snap_m
    )
    if extra is not None and len(extra):
        sites = sites.concat(extra)
    return sites


def load_sites_csv(path: str | Path) -> Sites:
    """Read back a sites CSV written by `Sites.save_csv`."""
    path = Path(path)
    if not path.exists():
        raise CandidateError(
            f"no candidates at {path}: list them first with 'sot plan candidates'"
        )
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return Sites(
        name=[r["name"] for r in rows],
        lon=np.array([float(r["lon"]) for r in rows]),
        lat=np.array([float(r["lat"]) for r in rows]),
        node=np.array([int(r["node"]) for r in rows], dtype=np.int32),
        snap_m=np.array([float(r["snap_m"]) if r["snap_m"] else np.inf for r in rows]),
        source=[r["source"] for r in rows],
        detail=[r["detail"] for r in rows],
    )
