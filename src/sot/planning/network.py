"""Drivable road network as a compact directed graph in CSR form.

`RoadNetwork` holds, for n nodes and m directed arcs:

- ``indptr`` (n+1, int64) and ``indices`` (m, int32): the arcs out of node ``u`` go to
  ``indices[indptr[u]:indptr[u+1]]``;
- ``time_s`` (m, float32): travel time of each arc in seconds;
- ``length_m`` (m, float32): length of each arc in metres (great-circle, NaN when
  unknown), for reach by road distance instead of time;
- ``lon``/``lat`` (WGS84 degrees) and ``x``/``y`` (SWEREF 99 TM metres) of every node;
- ``osm_id`` (int64): the OpenStreetMap node id (or -1 for generated networks).

`from_pbf` streams an ``.osm.pbf`` with pyosmium: node locations are cached by libosmium
(C++), only ways tagged ``highway`` reach Python. A way is kept when its class has a
speed in ``speeds`` (km/h) and it is open to motor vehicles; travel time is the
great-circle length of each segment divided by the speed (the way's numeric
``maxspeed`` when present and ``use_maxspeed`` is on). One-way streets (``oneway``,
``junction=roundabout``, motorways) give arcs in one direction only. Only the largest
strongly connected component is kept, so every node can reach and be reached from every
other node.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from tqdm import tqdm

from sot.geo.crs import from_sweref99tm, to_sweref99tm
from sot.planning.errors import NetworkError

#: Default speed per OSM ``highway`` class, km/h. Rural Swedish defaults (the general
#: limit is 70 km/h outside built-up areas, 50 km/h inside); classes not listed here
#: (track, service, path, ...) are not driven on. Pass your own mapping to change it.
DEFAULT_SPEEDS_KMH: dict[str, float] = {
    "motorway": 110.0,
    "motorway_link": 60.0,
    "trunk": 90.0,
    "trunk_link": 50.0,
    "primary": 80.0,
    "primary_link": 50.0,
    "secondary": 70.0,
    "secondary_link": 50.0,
    "tertiary": 60.0,
    "tertiary_link": 40.0,
    "unclassified": 50.0,
    "residential": 40.0,
    "living_street": 10.0,
    "road": 40.0,
}

_NO_ACCESS = {"no", "private"}
_FORWARD = {"yes", "1", "true"}
_BACKWARD = {"-1", "reverse"}
_EARTH_RADIUS_M = 6371008.8
_MAXSPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph)?\s*$")


@dataclass(frozen=True)
class RoadNetwork:
    """A directed road graph in CSR form; see the module docstring for the arrays."""

    indptr: np.ndarray
    indices: np.ndarray
    time_s: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    x: np.ndarray
    y: np.ndarray
    osm_id: np.ndarray
    length_m: np.ndarray

    @property
    def n_nodes(self) -> int:
        return int(self.indptr.shape[0] - 1)

    @property
    def n_arcs(self) -> int:
        return int(self.indices.shape[0])

    def matrix(self) -> csr_matrix:
        """The graph as a scipy CSR matrix of travel times (for scipy.csgraph)."""
        return csr_matrix(
            (self.time_s.astype(np.float64), self.indices, self.indptr),
            shape=(self.n_nodes, self.n_nodes),
        )

    def tails(self) -> np.ndarray:
        """The tail node of every arc (the CSR row expanded)."""
        return np.repeat(np.arange(self.n_nodes, dtype=np.int32), np.diff(self.indptr))

    def reverse(self) -> RoadNetwork:
        """The same network with every arc turned around (times *to* a node)."""
        order = np.argsort(self.indices, kind="stable")
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.indices, minlength=self.n_nodes), out=indptr[1:])
        return RoadNetwork(
            indptr=indptr,
            indices=self.tails()[order],
            time_s=self.time_s[order],
            lon=self.lon,
            lat=self.lat,
            x=self.x,
            y=self.y,
            osm_id=self.osm_id,
            length_m=self.length_m[order],
        )

    def without_arcs(self, drop: np.ndarray) -> RoadNetwork:
        """A copy without the arcs where ``drop`` (bool, one per arc) is True.

        Nodes stay (same indices), so population and sites keep their nodes; a node
        left without arcs is simply unreachable.
        """
        keep = ~np.asarray(drop, dtype=bool)
        counts = np.bincount(self.tails()[keep], minlength=self.n_nodes)
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return RoadNetwork(
            indptr=indptr,
            indices=self.indices[keep],
            time_s=self.time_s[keep],
            lon=self.lon,
            lat=self.lat,
            x=self.x,
            y=self.y,
            osm_id=self.osm_id,
            length_m=self.length_m[keep],
        )

    def close_around(self, lon: float, lat: float, radius_m: float) -> RoadNetwork:
        """The network with every arc touching a node within ``radius_m`` removed.

        Models a closed road, bridge or area (a fallen tree, a flood). The distance
        is measured in SWEREF 99 TM from the given WGS84 position.
        """
        e, n = to_sweref99tm(lon, lat)
        near = np.hypot(self.x - e, self.y - n) <= radius_m
        return self.without_arcs(near[self.tails()] | near[self.indices])

    def save(self, path: str | Path) -> None:
        """Write the network to a compressed ``.npz`` file."""
        np.savez_compressed(
            path,
            format=np.array("sot-road-network-2"),
            indptr=self.indptr,
            indices=self.indices,
            time_s=self.time_s,
            lon=self.lon,
            lat=self.lat,
            x=self.x,
            y=self.y,
            osm_id=self.osm_id,
            length_m=self.length_m,
        )

    @classmethod
    def load(cls, path: str | Path) -> RoadNetwork:
        """Read a network written by `save`."""
        path = Path(path)
        if not path.exists():
            raise NetworkError(
                f"no road network at {path}: build it first with "
                "'sot plan network FILE.osm.pbf'"
            )
        try:
            with np.load(path, allow_pickle=False) as z:
                if str(z["format"]) != "sot-road-network-2":
                    raise KeyError("format")
                arrays = {k: z[k] for k in cls.__dataclass_fields__}
        except (KeyError, ValueError, OSError) as exc:
            raise NetworkError(
                f"{path} is not a road network written by sot ({exc}); rebuild it with "
                "'sot plan network FILE.osm.pbf'"
            ) from exc
        return cls(**arrays)

    def summary(self) -> dict:
        """Figures for printing and JSON: sizes and the bounding box."""
        return {
            "nodes": self.n_nodes,
            "arcs": self.n_arcs,
            "bbox_wgs84": [
                float(self.lon.min()),
                float(self.lat.min()),
                float(self.lon.max()),
                float(self.lat.max()),
            ]
            if self.n_nodes
            else None,
            "mean_arc_time_s": float(self.time_s.mean()) if self.n_arcs else 0.0,
        }


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres (spherical Earth, mean radius)."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dphi = p2 - p1
    dlam = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def parse_maxspeed(value: str | None) -> float | None:
    """A numeric ``maxspeed`` tag in km/h (``"70"``, ``"50 mph"``), else None."""
    if not value:
        return None
    m = _MAXSPEED.match(value)
    if not m:
        return None
    speed = float(m.group(1)) * (1.609344 if m.group(2) else 1.0)
    return speed if speed > 0 else None


def _way_direction(tags: Mapping[str, str], highway: str) -> tuple[bool, bool]:
    """(forward allowed, backward allowed) for a way's tags."""
    oneway = tags.get("oneway", "")
    if oneway in _BACKWARD:
        return False, True
    if oneway == "no":
        return True, True
    if (
        oneway in _FORWARD
        or tags.get("junction") in ("roundabout", "circular")
        or highway == "motorway"
    ):
        return True, False
    return True, True


def _drivable(tags: Mapping[str, str]) -> bool:
    if tags.get("area") == "yes":
        return False
    for key in ("motor_vehicle", "motorcar", "vehicle", "access"):
        value = tags.get(key)
        if value is not None:
            return value not in _NO_ACCESS
    return True


def from_arcs(
    tail: np.ndarray,
    head: np.ndarray,
    time_s: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    osm_id: np.ndarray | None = None,
    *,
    length_m: np.ndarray | None = None,
    largest_component: bool = True,
) -> RoadNetwork:
    """Build a network from arc lists; duplicate arcs keep the fastest, self-loops go.

    With ``largest_component`` only the largest strongly connected component is kept.
    """
    n = int(lon.shape[0])
    tail = np.asarray(tail, dtype=np.int64)
    head = np.asarray(head, dtype=np.int64)
    time_s = np.asarray(time_s, dtype=np.float64)
    if length_m is None:
        length_m = np.full(time_s.shape, np.nan)
    length_m = np.asarray(length_m, dtype=np.float64)
    keep = tail != head
    tail, head, time_s = tail[keep], head[keep], time_s[keep]
    length_m = length_m[keep]
    if osm_id is None:
        osm_id = np.full(n, -1, dtype=np.int64)
    if tail.size == 0:
        raise NetworkError(
            "the input holds no drivable road segments; check that the file covers a "
            "road network and that the highway classes in the speed table are present"
        )
    order = np.lexsort((time_s, head, tail))
    tail, head, time_s = tail[order], head[order], time_s[order]
    length_m = length_m[order]
    first = np.ones(tail.size, dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, time_s = tail[first], head[first], time_s[first]
    length_m = length_m[first]
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if largest_component:
        graph = csr_matrix((np.ones(tail.size), (tail, head)), shape=(n, n))
        _, label = connected_components(graph, directed=True, connection="strong")
        counts = np.bincount(label)
        # a node with no arcs is its own component; never prefer it
        big = int(np.argmax(counts))
        node_keep = label == big
        new_index = np.cumsum(node_keep) - 1
        arc_keep = node_keep[tail] & node_keep[head]
        tail = new_index[tail[arc_keep]]
        head = new_index[head[arc_keep]]
        time_s = time_s[arc_keep]
        length_m = length_m[arc_keep]
        lon, lat, osm_id = lon[node_keep], lat[node_keep], osm_id[node_keep]
        n = int(node_keep.sum())
        if tail.size == 0:
            raise NetworkError(
                "no two road nodes are connected both ways; the extract is too small "
                "or its roads are all one-way fragments"
            )
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    x, y = to_sweref99tm(lon, lat)
    return RoadNetwork(
        indptr=indptr,
        indices=head.astype(np.int32),
        time_s=time_s.astype(np.float32),
        lon=lon,
        lat=lat,
        x=np.asarray(x, dtype=np.float64),
        y=np.asarray(y, dtype=np.float64),
        osm_id=np.asarray(osm_id, dtype=np.int64),
        length_m=length_m.astype(np.float32),
    )


def from_pbf(
    path: str | Path,
    *,
    speeds: Mapping[str, float] | None = None,
    use_maxspeed: bool = True,
    progress: bool = False,
    node_cache: str = "flex_mem",
    simplify_m: float | None = None,
) -> RoadNetwork:
    """Read the drivable road network from an OpenStreetMap ``.osm.pbf`` (streaming).

    ``speeds`` maps highway classes to km/h (default `DEFAULT_SPEEDS_KMH`); a way whose
    class is absent is skipped. ``node_cache`` is the libosmium location store
    (``flex_mem`` for county extracts; ``sparse_file_array,/tmp/nodes.cache`` keeps a
    whole-country run in a few GB). Raises `NetworkError` when no road is found.

    ``simplify_m`` (e.g. 1000) keeps only the nodes where ways meet or end, plus one
    node every ``simplify_m`` metres along a way (so that population still snaps
    nearby); the arcs between kept nodes carry the summed length and time, so travel
    times between kept nodes are unchanged. Without it every OSM node is kept.
    """
    import osmium  # imported here so the rest of the package works without it

    path = Path(path)
    if not path.exists():
        raise NetworkError(f"no such file: {path}; give the path of an .osm.pbf file")
    speeds = dict(DEFAULT_SPEEDS_KMH if speeds is None else speeds)
    refs: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    way_speed: list[float] = []
    way_fwd: list[bool] = []
    way_bwd: list[bool] = []
    bar = _progress_bar(progress, "reading ways", "ways")
    try:
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations(node_cache)
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            bar.update(1)
            tags = way.tags
            highway = tags.get("highway")
            speed = speeds.get(highway)
            if not speed or not _drivable(tags):
                continue
            if use_maxspeed:
                speed = parse_maxspeed(tags.get("maxspeed")) or speed
            fwd, bwd = _way_direction(tags, highway)
            # a node without a location (outside a clipped extract) splits the way
            pieces: list[tuple[list, list, list]] = [([], [], [])]
            for nd in way.nodes:
                loc = nd.location
                if not loc.valid():
                    if pieces[-1][0]:
                        pieces.append(([], [], []))
                    continue
                pieces[-1][0].append(nd.ref)
                pieces[-1][1].append(loc.lon)
                pieces[-1][2].append(loc.lat)
            for ids, wlon, wlat in pieces:
                if len(ids) < 2:
                    continue
                refs.append(np.asarray(ids, dtype=np.int64))
                lons.append(np.asarray(wlon))
                lats.append(np.asarray(wlat))
                way_speed.append(float(speed))
                way_fwd.append(fwd)
                way_bwd.append(bwd)
    except RuntimeError as exc:
        if "map type" in str(exc):
            raise NetworkError(
                f"node cache {node_cache!r} is not available ({exc}); use flex_mem, "
                "sparse_mem_array or sparse_file_array,/path/to/file"
            ) from exc
        raise NetworkError(
            f"cannot read {path} as OpenStreetMap data ({exc}); give an .osm.pbf file"
        ) from exc
    finally:
        bar.close()
    if not refs:
        raise NetworkError(
            f"{path} holds no drivable roads (no way tagged highway="
            f"{'/'.join(sorted(speeds)[:4])}/...); check that it is a road extract, "
            "or widen the speed table"
        )
    return _build(refs, lons, lats, way_speed, way_fwd, way_bwd, simplify_m=simplify_m)


def _build(refs, lons, lats, way_speed, way_fwd, way_bwd, *, simplify_m):
    """Arcs between consecutive kept nodes of each way; see `from_pbf`."""
    lengths = np.fromiter((r.size for r in refs), dtype=np.int64, count=len(refs))
    all_refs = np.concatenate(refs)
    all_lon = np.concatenate(lons)
    all_lat = np.concatenate(lats)
    n_pos = all_refs.size
    ends = np.cumsum(lengths) - 1
    starts = ends - lengths + 1
    way_of = np.repeat(np.arange(len(refs)), lengths)
    # length and time of the step from position p to p + 1 (0 across ways)
    step_m = np.zeros(n_pos)
    step_m[:-1] = haversine_m(all_lon[:-1], all_lat[:-1], all_lon[1:], all_lat[1:])
    step_m[ends] = 0.0
    step_s = step_m / (np.asarray(way_speed)[way_of] / 3.6)
    cum_m = np.concatenate([[0.0], np.cumsum(step_m)[:-1]])
    cum_s = np.concatenate([[0.0], np.cumsum(step_s)[:-1]])
    if simplify_m:
        _, inverse, counts = np.unique(
            all_refs, return_inverse=True, return_counts=True
        )
        keep = counts[inverse] >= 2  # shared by two ways (or twice by one)
        keep[starts] = True
        keep[ends] = True
        along = cum_m - cum_m[starts][way_of]
        bucket = np.floor(along / simplify_m)
        keep[1:] |= bucket[1:] != bucket[:-1]
        kept = np.nonzero(keep)[0]
    else:
        kept = np.arange(n_pos)
    a, b = kept[:-1], kept[1:]
    same_way = way_of[a] == way_of[b]
    a, b = a[same_way], b[same_way]
    dist_m = cum_m[b] - cum_m[a]
    t = cum_s[b] - cum_s[a]
    uniq, first_at, inverse = np.unique(
        all_refs[kept], return_index=True, return_inverse=True
    )
    node_of_pos = np.full(n_pos, -1, dtype=np.int64)
    node_of_pos[kept] = inverse
    first_at = kept[first_at]
    fwd = np.asarray(way_fwd)[way_of[a]]
    bwd = np.asarray(way_bwd)[way_of[a]]
    u, v = node_of_pos[a], node_of_pos[b]
    tail = np.concatenate([u[fwd], v[bwd]])
    head = np.concatenate([v[fwd], u[bwd]])
    times = np.concatenate([t[fwd], t[bwd]])
    return from_arcs(
        tail,
        head,
        times,
        all_lon[first_at],
        all_lat[first_at],
        uniq,
        length_m=np.concatenate([dist_m[fwd], dist_m[bwd]]),
    )


def grid_network(
    n_rows: int,
    n_cols: int,
    *,
    spacing_m: float = 500.0,
    speed_kmh: float = 50.0,
    jitter: float = 0.0,
    seed: int = 0,
    origin_e: float = 450000.0,
    origin_n: float = 6900000.0,
) -> RoadNetwork:
    """A two-way grid road network (for tests and benchmarks), in SWEREF 99 TM.

    Nodes are numbered row by row; each arc takes ``spacing_m / speed`` seconds,
    multiplied by a random factor in ``[1, 1 + jitter]`` (seeded) when ``jitter > 0``.
    """
    n = n_rows * n_cols
    idx = np.arange(n, dtype=np.int64).reshape(n_rows, n_cols)
    right = (idx[:, :-1].ravel(), idx[:, 1:].ravel())
    down = (idx[:-1, :].ravel(), idx[1:, :].ravel())
    tail = np.concatenate([right[0], right[1], down[0], down[1]])
    head = np.concatenate([right[1], right[0], down[1], down[0]])
    base = spacing_m / (speed_kmh / 3.6)
    times = np.full(tail.size, base)
    if jitter > 0:
        rng = np.random.default_rng(seed)
        times = times * (1.0 + jitter * rng.random(tail.size))
    rows, cols = np.divmod(np.arange(n), n_cols)
    e = origin_e + cols * spacing_m
    nn = origin_n + rows * spacing_m
    lon, lat = from_sweref99tm(e, nn)
    order = np.argsort(tail, kind="stable")
    tail, head, times = tail[order], head[order], times[order]
    length = np.full(tail.size, spacing_m, dtype=np.float32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return RoadNetwork(
        indptr=indptr,
        indices=head.astype(np.int32),
        time_s=times.astype(np.float32),
        lon=np.asarray(lon, dtype=np.float64),
        lat=np.asarray(lat, dtype=np.float64),
        x=e.astype(np.float64),
        y=nn.astype(np.float64),
        osm_id=np.full(n, -1, dtype=np.int64),
        length_m=length,
    )


def _progress_bar(enabled: bool, desc: str, unit: str):
    return tqdm(desc=desc, unit=f" {unit}", disable=not enabled, file=sys.stderr)
