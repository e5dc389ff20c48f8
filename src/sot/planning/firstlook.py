"""A first look without a road network: reach and siting on the straight-line model.

Population units, existing points and candidate sites are plain positions (WGS84)
with names; travel times come from `sot.planning.straightline`. `reach` gives the
figures of ``reach.json`` and `site` those of ``site-MODEL.json`` (the same keys as
the road-network steps, see `sot.planning.results`), each marked with the travel
model used, so that nobody mistakes a straight-line estimate for a road result.

numpy only, except `site`, which needs the siting models (scipy, HiGHS).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sot.planning import results
from sot.planning.errors import ExtraMissing, PlanningError
from sot.planning.straightline import StraightLine, great_circle_m


@dataclass
class Places:
    """Named positions (WGS84) with a weight (population; 0 for sites) and a
    municipality code each."""

    # array-likes in (lists, arrays), numpy arrays and a list after __post_init__
    name: list[str]
    lon: Any
    lat: Any
    weight: Any = field(default=None)
    municipality: Any = field(default=None)

    def __post_init__(self):
        self.lon = np.asarray(self.lon, dtype=float)
        self.lat = np.asarray(self.lat, dtype=float)
        n = self.lon.size
        if self.lat.size != n or len(self.name) != n:
            raise PlanningError("names, longitudes and latitudes differ in length")
        self.weight = (
            np.zeros(n) if self.weight is None else np.asarray(self.weight, float)
        )
        if self.municipality is None:
            self.municipality = [""] * n
        bad = ~(
            (np.abs(self.lat) <= 90) & (np.abs(self.lon) <= 180) & np.isfinite(self.lon)
        )
        if bad.any():
            i = int(np.nonzero(bad)[0][0])
            raise PlanningError(
                f"{self.name[i]!r} has no valid WGS84 position ({self.lat[i]}, "
                f"{self.lon[i]}): give latitude and longitude in degrees"
            )

    def __len__(self) -> int:
        return self.lon.size

    @classmethod
    def from_rows(cls, rows: list[dict]) -> Places:
        """From dicts with name, lon, lat and optionally population, municipality."""
        return cls(
            name=[str(r["name"]) for r in rows],
            lon=[float(r["lon"]) for r in rows],
            lat=[float(r["lat"]) for r in rows],
            weight=[float(r.get("population") or 0) for r in rows],
            municipality=[str(r.get("municipality") or "") for r in rows],
        )

    def records(self) -> list[dict]:
        return [
            {
                "name": self.name[i],
                "lat": float(self.lat[i]),
                "lon": float(self.lon[i]),
                "municipality": self.municipality[i],
            }
            for i in range(len(self))
        ]


def reach(
    units: Places,
    facilities: Places,
    *,
    minutes: float = 15.0,
    model: StraightLine | None = None,
    names: dict[str, str] | None = None,
) -> dict:
    """Population within ``minutes`` of the nearest facility (``reach.json``)."""
    model = model or StraightLine()
    t, near = model.nearest(facilities.lon, facilities.lat, units.lon, units.lat)
    out = results.reach_figures(
        t,
        near,
        units.weight,
        units.municipality,
        units.name,
        facility_names=list(facilities.name),
        threshold_min=minutes,
        names=names,
    )
    out["travel_model"] = model.as_dict()
    return out


def site(
    kind: str,
    units: Places,
    facilities: Places,
    candidates: Places,
    *,
    p: int = 3,
    minutes: float = 15.0,
    model: StraightLine | None = None,
    method: str = "exact",
    time_limit_s: float = 60.0,
) -> dict:
    """Choose new points among ``candidates`` with ``kind`` (mclp, lscp, pmedian);
    returns the ``site-MODEL.json`` figures."""
    if not len(candidates):
        raise PlanningError("no candidate sites: add stores and fuel stations")
    try:
        # scipy and HiGHS are the planning extra: the straight-line look works without
        import scipy.sparse as sp

        from sot.planning import siting  # noqa: F401  (needs scipy and HiGHS)
    except ImportError as exc:  # the optional planning dependencies are absent
        raise ExtraMissing(
            "choosing new points needs the planning extra: pip install 'sot[planning]'"
        ) from exc
    model = model or StraightLine()
    cutoff = minutes * 60.0
    indptr, indices, times = model.within(
        candidates.lon, candidates.lat, units.lon, units.lat, cutoff
    )
    matrix = sp.csr_matrix(
        (times, indices, indptr), shape=(len(candidates), len(units))
    )
    existing_t, _ = model.nearest(facilities.lon, facilities.lat, units.lon, units.lat)
    _res, out = results.site(
        kind,
        matrix,
        units.weight,
        existing_t,
        p=p,
        minutes=minutes,
        candidate_records=candidates.records(),
        method=method,
        time_limit_s=time_limit_s,
    )
    out.update(
        existing_points=len(facilities),
        population=float(units.weight.sum()),
        travel_model=model.as_dict(),
    )
    return out


def times_after(
    units: Places, facilities: Places, chosen: list[dict], model: StraightLine
) -> np.ndarray:
    """Seconds from each unit to the nearest point once the chosen sites are open."""
    lon = np.concatenate([facilities.lon, [c["lon"] for c in chosen]])
    lat = np.concatenate([facilities.lat, [c["lat"] for c in chosen]])
    t, _ = model.nearest(lon, lat, units.lon, units.lat)
    return t


_NAME = ("name", "namn", "butik", "station")
_LAT = ("lat", "latitude", "latitud")
_LON = ("lon", "lng", "long", "longitude", "longitud")
_POP = (
    "population",
    "pop",
    "befolkning",
    "folkmangd",
    "folkmängd",
    "population_geonames",
)
_MUNI = ("kommun_kod", "kommunkod", "municipality_code")


def read_places_csv(path, *, with_population: bool = False) -> Places:
    """Named positions from a CSV (``,`` ``;`` or tab): name, lat, lon (WGS84) and,
    with ``with_population``, a population column; ``kommun_kod`` if present."""

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanningError(f"cannot read {path.name} as UTF-8 text ({exc})") from exc
    first = text.split("\n", 1)[0]
    delim = max((";", "\t", ","), key=first.count)
    reader = csv.DictReader(text.splitlines(), delimiter=delim)
    header = {(h or "").strip().lower(): h for h in reader.fieldnames or ()}

    def pick(names, what):
        for n in names:
            if n in header:
                return header[n]
        if what:
            raise PlanningError(
                f"{path.name} has no {what} column (found: {', '.join(header) or '-'}; "
                f"accepted: {', '.join(names)})"
            )
        return None

    c_lat, c_lon = pick(_LAT, "latitude"), pick(_LON, "longitude")
    c_name = pick(_NAME, None)
    c_pop = pick(_POP, "population") if with_population else None
    c_muni = pick(_MUNI, None)
    rows = []
    for n, r in enumerate(reader, start=2):
        try:
            rows.append(
                {
                    "name": (r.get(c_name) or "").strip() if c_name else f"rad {n}",
                    "lat": float(r[c_lat].replace(",", ".")),
                    "lon": float(r[c_lon].replace(",", ".")),
                    "population": float((r[c_pop] or "0").replace(",", "."))
                    if c_pop
                    else 0.0,
                    "municipality": (r.get(c_muni) or "").strip() if c_muni else "",
                }
            )
        except (TypeError, ValueError, AttributeError):
            raise PlanningError(
                f"{path.name}, row {n}: latitude, longitude and population must be "
                "numbers (WGS84 degrees)"
            ) from None
    if not rows:
        raise PlanningError(f"{path.name} holds no rows")
    return Places.from_rows(rows)


def pair_sites(stores: Places, fuel: Places, *, pair_m: float = 500.0) -> Places:
    """Candidate sites where a store has a fuel station within ``pair_m`` metres
    (great-circle): at their midpoint, named "store + station" (as
    `sot.planning.candidates.candidate_sites`, without a road network)."""

    rows = []
    for i in range(len(stores)):
        if not len(fuel):
            break
        d = great_circle_m(stores.lon[i], stores.lat[i], fuel.lon, fuel.lat)
        j = int(np.argmin(d))
        if d[j] <= pair_m:
            rows.append(
                {
                    "name": f"{stores.name[i]} + {fuel.name[j]}",
                    "lon": (stores.lon[i] + fuel.lon[j]) / 2,
                    "lat": (stores.lat[i] + fuel.lat[j]) / 2,
                    "municipality": stores.municipality[i],
                }
            )
    return Places.from_rows(rows)
