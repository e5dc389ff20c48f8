"""SCB's population grid (befolkning per km-ruta / 250 m-ruta) in SWEREF 99 TM.

CSV (``,`` ``;`` or tab) or GeoPackage. A square is identified by a 13-digit id
(``Ruta``/``Rutid``) joining the easting (6 digits) and northing (7 digits) of its
lower-left corner, by an INSPIRE id (``CRS3006RES1000mN6565000E315000``), by ``x``/``y``
columns, or in a GeoPackage by its geometry. Each square counts at its centre. Files
in another CRS are refused with a message that says what to do.
"""

from __future__ import annotations

import re
import sqlite3
import struct
from pathlib import Path

import numpy as np

from sot.geo.wkb import wkb_to_geojson
from sot.planning import areas as areas_mod
from sot.planning.errors import PopulationError
from sot.planning.network import RoadNetwork
from sot.planning.population import (
    ID_COLUMNS,
    POP_COLUMNS,
    X_COLUMNS,
    Y_COLUMNS,
    Population,
    _finish,
    _municipality_of,
    _number,
    _pick,
    _read_csv,
)

# SWEREF 99 TM coordinates of Sweden lie well inside this envelope.
_E_RANGE = (180_000.0, 1_000_000.0)
_N_RANGE = (6_050_000.0, 7_800_000.0)
_SWEREF_IDS = ("3006",)


def _check_sweref(x: np.ndarray, y: np.ndarray, path: Path) -> None:
    if x.size == 0:
        return
    if np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90):
        raise PopulationError(
            f"{path}: the coordinates look like degrees (WGS84); the grid must be in "
            "SWEREF 99 TM (EPSG:3006) metres. Give points as a localities CSV "
            "(name, lat, lon, population) instead, or reproject the grid"
        )
    if np.median(x) > 2_000_000 and np.median(y) < 6_000_000:
        raise PopulationError(
            f"{path}: the coordinates look like ETRS89-LAEA (EPSG:3035, the EU GEOSTAT "
            "grid), not SWEREF 99 TM (EPSG:3006); use SCB's SWEREF 99 TM grid or "
            "reproject the file to EPSG:3006"
        )
    if np.median(x) > 1_100_000:
        raise PopulationError(
            f"{path}: the eastings are above 1 100 000 m, which looks like RT 90 "
            "(EPSG:3021), not SWEREF 99 TM (EPSG:3006); reproject the file to "
            "SWEREF 99 TM or download SCB's SWEREF 99 TM edition"
        )
    bad = (x < _E_RANGE[0]) | (x > _E_RANGE[1]) | (y < _N_RANGE[0]) | (y > _N_RANGE[1])
    if bad.mean() > 0.5:
        raise PopulationError(
            f"{path}: most coordinates lie outside Sweden in SWEREF 99 TM (EPSG:3006); "
            "is the file in another coordinate system? Reproject it to EPSG:3006"
        )


_INSPIRE_ID = re.compile(r"^CRS(\d+)RES(\d+)mN(\d+)E(\d+)$")


def parse_square_id(ids) -> tuple[np.ndarray, np.ndarray]:
    """(easting, northing) of the lower-left corners encoded in SCB square ids.

    A 13-digit id is easting (6 digits) then northing (7 digits); the reverse order
    (northing first) is accepted too when only it gives a Swedish position. INSPIRE
    grid ids (``CRS3006RES1000mN6565000E315000``) are accepted when their CRS is
    3006; another CRS (GEOSTAT's 3035, say) is refused.
    """
    e = np.empty(len(ids))
    n = np.empty(len(ids))
    for i, raw in enumerate(ids):
        s = str(raw).strip().split(".")[0]
        m = _INSPIRE_ID.match(s)
        if m:
            if m.group(1) not in _SWEREF_IDS:
                raise PopulationError(
                    f"square id {raw!r} is an INSPIRE id in EPSG:{m.group(1)}, not "
                    "SWEREF 99 TM (EPSG:3006); use SCB's SWEREF 99 TM grid or "
                    "reproject the squares"
                )
            e[i], n[i] = float(m.group(4)), float(m.group(3))
            continue
        if len(s) != 13 or not s.isdigit():
            raise PopulationError(
                f"square id {raw!r} is not a 13-digit SCB id (easting 6 + northing 7 "
                "digits, SWEREF 99 TM); give x and y columns instead"
            )
        a, b = float(s[:6]), float(s[6:])
        if _E_RANGE[0] <= a <= _E_RANGE[1] and _N_RANGE[0] <= b <= _N_RANGE[1]:
            e[i], n[i] = a, b
        else:
            nn, ee = float(s[:7]), float(s[7:])
            e[i], n[i] = ee, nn
    return e, n


def _infer_cell(e: np.ndarray, n: np.ndarray) -> float:
    if e.size and np.all(np.mod(e, 1000) == 0) and np.all(np.mod(n, 1000) == 0):
        return 1000.0
    return 250.0


def _grid_table(path: Path) -> tuple[list[str], list[list[str]], str | None]:
    """Header, rows and CRS note of a grid in CSV or GeoPackage."""
    if path.suffix.lower() == ".gpkg":
        return _read_gpkg(path)
    header, rows = _read_csv(path)
    return header, rows, None


def _read_gpkg(path: Path) -> tuple[list[str], list[list[str]], str | None]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = con.execute(
            "SELECT c.table_name, g.column_name, s.organization, "
            "s.organization_coordsys_id FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
            "LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id "
            "WHERE c.data_type = 'features'"
        ).fetchall()
    except sqlite3.Error as exc:
        raise PopulationError(
            f"{path} is not a readable GeoPackage ({exc}); give SCB's grid as CSV or "
            "GeoPackage"
        ) from exc
    if not tables:
        raise PopulationError(f"{path} holds no feature table")
    table, geom_col, org, srs = tables[0]
    if str(srs) not in _SWEREF_IDS:
        raise PopulationError(
            f"{path}: layer {table!r} is in {org or '?'}:{srs}, not SWEREF 99 TM "
            "(EPSG:3006); reproject it (e.g. ogr2ogr -t_srs EPSG:3006) or use SCB's "
            "SWEREF 99 TM edition"
        )
    cur = con.execute(f'SELECT * FROM "{table}"')
    header = [d[0] for d in cur.description]
    rows = [list(r) for r in cur.fetchall()]
    con.close()
    gi = header.index(geom_col)
    header = [h for h in header if h != geom_col] + ["__minx", "__miny"]
    out = []
    for r in rows:
        minx, miny = _gpkg_min_xy(r[gi])
        out.append(
            ["" if v is None else str(v) for j, v in enumerate(r) if j != gi]
            + [str(minx), str(miny)]
        )
    return header, out, "EPSG:3006"


def _gpkg_min_xy(blob: bytes | None) -> tuple[float, float]:
    """Lower-left corner of a GeoPackage geometry (from its envelope or its WKB)."""
    if not blob or blob[:2] != b"GP":
        return float("nan"), float("nan")
    flags = blob[3]
    endian = "<" if flags & 1 else ">"
    env = (flags >> 1) & 7
    if env:
        minx, maxx, miny, maxy = struct.unpack(endian + "4d", blob[8:40])
        return minx, miny

    geom = wkb_to_geojson(bytes(blob[8:]), ndigits=None)
    coords = geom["coordinates"]
    rings = coords if geom["type"] == "Polygon" else [r for p in coords for r in p]
    pts = np.asarray([pt for ring in rings for pt in ring], dtype=float)
    return float(pts[:, 0].min()), float(pts[:, 1].min())


def read_scb_grid(
    path: str | Path,
    net: RoadNetwork,
    *,
    max_snap_m: float = 2000.0,
    cell_m: float | None = None,
    municipalities: list[areas_mod.Area] | None = None,
) -> Population:
    """SCB population squares (CSV or GeoPackage, SWEREF 99 TM) snapped to ``net``."""
    path = Path(path)
    header, rows, _ = _grid_table(path)
    ip = _pick(header, POP_COLUMNS)
    iid = _pick(header, ID_COLUMNS)
    ix, iy = _pick(header, X_COLUMNS), _pick(header, Y_COLUMNS)
    if ix is None and "__minx" in header:
        ix, iy = header.index("__minx"), header.index("__miny")
    if ip is None or (iid is None and (ix is None or iy is None)):
        raise PopulationError(
            f"{path}: unknown columns {header}. A population grid needs a square id "
            f"column ({'/'.join(ID_COLUMNS[:3])}) or x and y columns in SWEREF 99 TM, "
            f"and a population column ({'/'.join(POP_COLUMNS[:5])}); rename the "
            "columns, or give a localities CSV (name, lat, lon, population) with "
            "--kind points"
        )
    pop = np.array([_number(r[ip], "population", path, k) for k, r in enumerate(rows)])
    if ix is not None and iy is not None:
        e = np.array([_number(r[ix], "x", path, k) for k, r in enumerate(rows)])
        n = np.array([_number(r[iy], "y", path, k) for k, r in enumerate(rows)])
        ids = (
            [r[iid] for r in rows]
            if iid is not None
            else [f"{int(a)}{int(b)}" for a, b in zip(e, n, strict=True)]
        )
    else:
        assert iid is not None  # without x and y a square id column was required above
        ids = [r[iid] for r in rows]
        e, n = parse_square_id(ids)
    _check_sweref(e, n, path)
    cell = cell_m or _infer_cell(e, n)
    notes = [f"grid squares of {cell:g} m, population counted at the square centre"]
    if np.all(np.mod(e, cell) == 0) and np.all(np.mod(n, cell) == 0):
        e, n = e + cell / 2, n + cell / 2
    muni = _municipality_of(e, n, municipalities, len(ids))
    return _finish(
        net, ids, pop, e, n, muni, f"SCB grid {path.name}", max_snap_m, notes
    )
