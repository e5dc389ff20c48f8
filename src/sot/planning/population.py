"""Population as weighted demand on road nodes.

Three sources, best first:

1. **SCB's population grid** (befolkning per km-ruta / 250 m-ruta, SWEREF 99 TM),
   CSV or GeoPackage: read by `sot.planning.scb_grid.read_scb_grid`.
2. **Weighted points** (localities): CSV with name, lat, lon and population.
3. **Municipality totals** spread evenly over the road nodes inside each municipality
   polygon, or in proportion to the localities of that municipality.

Every unit is snapped to the nearest road node within ``max_snap_m`` (straight line
in SWEREF 99 TM, scipy's cKDTree). Units farther away are *not* dropped silently:
`Population.unsnapped` lists them (ids and population) and every summary reports them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from sot.geo.crs import from_sweref99tm, to_sweref99tm
from sot.planning import areas as areas_mod
from sot.planning.errors import PopulationError
from sot.planning.network import RoadNetwork

POP_COLUMNS = ("pop", "befolkning", "beftotalt", "totalt", "population", "bef", "antal")
NAME_COLUMNS = ("name", "namn", "locality", "tatort", "tätort", "ort")
LAT_COLUMNS = ("lat", "latitude", "latitud")
LON_COLUMNS = ("lon", "lng", "long", "longitude", "longitud")
POINT_POP_COLUMNS = (*POP_COLUMNS, "population_geonames", "invanare", "invånare")
MUNI_COLUMNS = ("kommun_kod", "kommunkod", "municipality_code", "knkod", "code")
# The columns of SCB's grid (read by sot.planning.scb_grid): square id or x/y in
# SWEREF 99 TM.
ID_COLUMNS = (
    "ruta",
    "rutid",
    "ruta_id",
    "rut_id",
    "id_ruta",
    "rutkod",
    "rutid_inspire",
    "inspire_id",
    "grd_id",
    "id",
)
X_COLUMNS = ("x", "e", "easting", "east", "x_sweref99tm", "xkoord", "x_koord")
Y_COLUMNS = ("y", "n", "northing", "north", "y_sweref99tm", "ykoord", "y_koord")


@dataclass
class Population:
    """Population units snapped to road nodes.

    Arrays have one entry per unit: ``ids`` (str), ``weight`` (persons), ``x``/``y``
    (SWEREF 99 TM metres), ``node`` (road node index, -1 when not snapped),
    ``snap_m`` (distance to that node) and ``municipality`` (code or '').
    """

    ids: np.ndarray
    weight: np.ndarray
    x: np.ndarray
    y: np.ndarray
    node: np.ndarray
    snap_m: np.ndarray
    municipality: np.ndarray
    source: str = ""
    max_snap_m: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def snapped(self) -> np.ndarray:
        return self.node >= 0

    @property
    def total(self) -> float:
        return float(self.weight.sum())

    def unsnapped(self) -> dict:
        """What could not be placed on the network: count, population and ids."""
        bad = ~self.snapped
        return {
            "count": int(bad.sum()),
            "population": float(self.weight[bad].sum()),
            "ids": [str(i) for i in self.ids[bad]],
        }

    def demand(self) -> tuple[np.ndarray, np.ndarray]:
        """(node, weight) summed per road node, snapped units only, nodes ascending."""
        ok = self.snapped & (self.weight > 0)
        nodes, inverse = np.unique(self.node[ok], return_inverse=True)
        return nodes.astype(np.int32), np.bincount(inverse, weights=self.weight[ok])

    def summary(self) -> dict:
        un = self.unsnapped()
        return {
            "source": self.source,
            "units": int(self.ids.size),
            "population": self.total,
            "snapped_units": int(self.snapped.sum()),
            "snapped_population": float(self.weight[self.snapped].sum()),
            "max_snap_m": self.max_snap_m,
            "unsnapped": {**un, "ids": un["ids"][:50]},
            "notes": list(self.notes),
        }

    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path,
            format=np.array("sot-population-1"),
            ids=self.ids.astype(str),
            weight=self.weight,
            x=self.x,
            y=self.y,
            node=self.node,
            snap_m=self.snap_m,
            municipality=self.municipality.astype(str),
            source=np.array(self.source),
            max_snap_m=np.array(self.max_snap_m),
            notes=np.array(self.notes, dtype=str),
        )

    @classmethod
    def load(cls, path: str | Path) -> Population:
        path = Path(path)
        if not path.exists():
            raise PopulationError(
                f"no population at {path}: prepare it first with "
                "'sot plan population FILE'"
            )
        with np.load(path, allow_pickle=False) as z:
            if str(z["format"]) != "sot-population-1":
                raise PopulationError(f"{path} is not a population file written by sot")
            return cls(
                ids=z["ids"],
                weight=z["weight"],
                x=z["x"],
                y=z["y"],
                node=z["node"],
                snap_m=z["snap_m"],
                municipality=z["municipality"],
                source=str(z["source"]),
                max_snap_m=float(z["max_snap_m"]),
                notes=[str(s) for s in z["notes"]],
            )


# -- snapping -----------------------------------------------------------------------


def snap(net: RoadNetwork, x, y, max_snap_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Nearest road node of each SWEREF 99 TM point within ``max_snap_m``.

    Returns ``(node, distance_m)``; node is -1 (distance inf) where none is close.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0)
    tree = net.__dict__.get("_kdtree")
    if tree is None:
        tree = cKDTree(np.column_stack([net.x, net.y]))
        object.__setattr__(net, "_kdtree", tree)
    dist, idx = tree.query(np.column_stack([x, y]), distance_upper_bound=max_snap_m)
    ok = np.isfinite(dist)
    node = np.where(ok, idx, -1).astype(np.int32)
    return node, np.where(ok, dist, np.inf)


def _finish(
    net, ids, weight, x, y, municipality, source, max_snap_m, notes=()
) -> Population:
    weight = np.asarray(weight, dtype=float)
    if weight.size and (not np.all(np.isfinite(weight)) or weight.min() < 0):
        raise PopulationError(
            f"{source}: population values must be numbers >= 0; fix the file"
        )
    node, dist = snap(net, x, y, max_snap_m)
    return Population(
        ids=np.asarray(ids, dtype=str),
        weight=weight,
        x=np.asarray(x, dtype=float),
        y=np.asarray(y, dtype=float),
        node=node,
        snap_m=dist,
        municipality=np.asarray(municipality, dtype=str),
        source=source,
        max_snap_m=float(max_snap_m),
        notes=list(notes),
    )


# -- table reading ------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most fields."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(
        (",", ";", "\t"),
        key=lambda d: len(next(csv.reader([first], delimiter=d), [])),
    )


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV (`,` `;` or tab; UTF-8 or Latin-1; quoted newlines)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise PopulationError(f"cannot read {path}: {exc}") from exc
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise PopulationError(f"{path} is empty")
    return [h.strip() for h in rows[0]], rows[1:]


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    lower = [h.lower() for h in header]
    for name in names:
        if name in lower:
            return lower.index(name)
    return None


def _number(value: str, what: str, path: Path, row: int) -> float:
    v = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if v in ("", "..", "-"):
        return 0.0
    try:
        return float(v.replace(",", "."))
    except ValueError:
        raise PopulationError(
            f"{path}, row {row + 2}: {what} {value!r} is not a number; fix the file"
        ) from None


def _municipality_of(e, n, municipalities, count) -> np.ndarray:
    if not municipalities:
        return np.full(count, "", dtype=object)
    lon, lat = from_sweref99tm(np.asarray(e), np.asarray(n))
    idx = areas_mod.locate(lon, lat, municipalities)
    codes = np.array([a.code for a in municipalities] + [""], dtype=object)
    return codes[idx]


def _point_table(path: Path):
    header, rows = _read_csv(path)
    iname = _pick(header, NAME_COLUMNS)
    ilat, ilon = _pick(header, LAT_COLUMNS), _pick(header, LON_COLUMNS)
    ipop = _pick(header, POINT_POP_COLUMNS)
    imuni = _pick(header, MUNI_COLUMNS)
    if ilat is None or ilon is None or ipop is None:
        raise PopulationError(
            f"{path}: unknown columns {header}. Localities need lat, lon and "
            "population columns (and optionally name, kommun_kod); rename the columns"
        )
    lat = np.array([_number(r[ilat], "lat", path, k) for k, r in enumerate(rows)])
    lon = np.array([_number(r[ilon], "lon", path, k) for k, r in enumerate(rows)])
    if lat.size and (np.abs(lat).max() > 90 or np.abs(lon).max() > 180):
        raise PopulationError(
            f"{path}: lat/lon must be WGS84 degrees; the file looks projected. Use it "
            "as a SWEREF 99 TM grid (x, y, population) instead"
        )
    pop = np.array(
        [_number(r[ipop], "population", path, k) for k, r in enumerate(rows)]
    )
    names = [
        r[iname] if iname is not None else f"row {k + 2}" for k, r in enumerate(rows)
    ]
    muni = [r[imuni].strip() if imuni is not None else "" for r in rows]
    return names, lon, lat, pop, muni


def read_points(
    path: str | Path,
    net: RoadNetwork,
    *,
    max_snap_m: float = 5000.0,
    municipalities: list[areas_mod.Area] | None = None,
) -> Population:
    """Localities CSV (name, lat, lon, population) snapped to ``net``."""
    path = Path(path)
    names, lon, lat, pop, muni = _point_table(path)
    e, n = to_sweref99tm(lon, lat)
    e, n = np.atleast_1d(e), np.atleast_1d(n)
    muni_arr = np.asarray(muni, dtype=object)
    if municipalities and not any(muni):
        muni_arr = _municipality_of(e, n, municipalities, len(names))
    return _finish(
        net, names, pop, e, n, muni_arr, f"localities {path.name}", max_snap_m
    )


def read_municipality_totals(
    path: str | Path,
    net: RoadNetwork,
    *,
    municipalities: list[areas_mod.Area],
    population_column: str | None = None,
    localities: str | Path | None = None,
) -> Population:
    """Municipality totals spread over road nodes (or localities) inside each polygon.

    With ``localities`` (a localities CSV) a municipality's total is shared in
    proportion to the population of its localities; otherwise, evenly over the road
    nodes inside its polygon. A municipality with neither is reported as unsnapped.
    """
    path = Path(path)
    header, rows = _read_csv(path)
    icode = _pick(header, MUNI_COLUMNS)
    if population_column:
        ipop = _pick(header, (population_column.lower(),))
    else:
        ipop = _pick(header, POP_COLUMNS)
    if icode is None or ipop is None:
        raise PopulationError(
            f"{path}: unknown columns {header}. Municipality totals need a code column "
            "(kommun_kod) and a population column (population/pop/befolkning, or name "
            "it with --population-column)"
        )
    codes = [r[icode].strip() for r in rows]
    totals = np.array(
        [_number(r[ipop], "population", path, k) for k, r in enumerate(rows)]
    )
    notes = []
    # a row whose code starts other codes (a county '23' above '2303') is a subtotal
    aggregate = [any(o != c and o.startswith(c) for o in codes) for c in codes]
    for c, agg in zip(codes, aggregate, strict=True):
        if agg:
            notes.append(f"row {c}: a subtotal of other rows, not spread again")
    codes = [c for c, agg in zip(codes, aggregate, strict=True) if not agg]
    totals = totals[~np.asarray(aggregate, dtype=bool)]
    by_code = {a.code: i for i, a in enumerate(municipalities)}
    ids, weight, xs, ys, munis = [], [], [], [], []
    if localities is not None:
        names, lon, lat, pop, muni = _point_table(Path(localities))
        e, n = to_sweref99tm(lon, lat)
        if not any(muni):
            muni = list(_municipality_of(e, n, municipalities, len(names)))
        muni = np.asarray(muni, dtype=object)
    else:
        node_area = areas_mod.locate(net.lon, net.lat, municipalities)
    for code, total in zip(codes, totals, strict=True):
        if localities is not None:
            sel = np.nonzero(muni == code)[0]
            share = (
                pop[sel] / pop[sel].sum() if sel.size and pop[sel].sum() > 0 else None
            )
            if share is not None:
                ids += [f"{code}:{names[i]}" for i in sel]
                weight += list(total * share)
                xs += list(np.atleast_1d(e)[sel])
                ys += list(np.atleast_1d(n)[sel])
                munis += [code] * sel.size
                continue
        elif code in by_code:
            sel = np.nonzero(node_area == by_code[code])[0]
            if sel.size:
                ids += [f"{code}:node{i}" for i in sel]
                weight += [total / sel.size] * sel.size
                xs += list(net.x[sel])
                ys += list(net.y[sel])
                munis += [code] * sel.size
                continue
        notes.append(f"municipality {code}: no road node or locality to spread onto")
        ids.append(code)
        weight.append(total)
        xs.append(np.nan)
        ys.append(np.nan)
        munis.append(code)
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    pop_obj = _finish(
        net,
        ids,
        weight,
        np.nan_to_num(x, nan=-1e9),
        np.nan_to_num(y, nan=-1e9),
        munis,
        f"municipality totals {path.name}",
        5000.0,
        notes,
    )
    return pop_obj


def guess_kind(path: Path) -> str:
    """'grid', 'points' or 'totals' from a file's suffix and columns."""
    if path.suffix.lower() == ".gpkg":
        return "grid"
    header, _ = _read_csv(path)
    if _pick(header, LAT_COLUMNS) is not None:
        return "points"
    if _pick(header, ID_COLUMNS) is not None or _pick(header, X_COLUMNS) is not None:
        return "grid"
    if _pick(header, MUNI_COLUMNS) is not None:
        return "totals"
    return "grid"  # the grid reader gives the full error message


def municipality_names_in_file(path: Path) -> dict[str, str]:
    """Municipality names from a CSV's kommun_kod and kommun columns, if both exist."""
    if path.suffix.lower() == ".gpkg":
        return {}
    header, rows = _read_csv(path)
    icode = _pick(header, MUNI_COLUMNS)
    iname = _pick(header, ("kommun", "kommunnamn", "municipality", "kommun_namn"))
    if icode is None or iname is None:
        return {}
    return {
        r[icode].strip(): r[iname].strip() for r in rows if len(r) > max(icode, iname)
    }


def uniform_on_nodes(net: RoadNetwork, *, weight: float = 1.0) -> Population:
    """One unit of ``weight`` on every road node (benchmarks, tests)."""
    n = net.n_nodes
    return Population(
        ids=np.array([f"node{i}" for i in range(n)], dtype=str),
        weight=np.full(n, float(weight)),
        x=net.x.copy(),
        y=net.y.copy(),
        node=np.arange(n, dtype=np.int32),
        snap_m=np.zeros(n),
        municipality=np.full(n, "", dtype=str),
        source="uniform on road nodes",
        max_snap_m=0.0,
    )
