"""The straight-line travel model: a first look where no road network is loaded yet.

The travel time between two places is taken as

    t = d × DETOUR_FACTOR ÷ SPEED_KMH

with d the great-circle distance on a sphere of the mean Earth radius (haversine;
6 371 008.8 m, as `sot.planning.network`), ``DETOUR_FACTOR`` = 1.3 the ratio of road
distance to straight-line distance, and ``SPEED_KMH`` = 60 an average speed by road.
Both are assumptions stated in docs/planning.md: published circuity factors (road
distance ÷ straight-line distance) lie mostly between 1.2 and 1.4 (Ballou, Rahardja &
Sakai 2002), and 60 km/h is between the signed speed of Swedish country roads (70-80)
and that of villages (40-50). A lake, a mountain or a missing bridge can make the real
road trip far longer; a road network (`sot plan network`) replaces this model.

Plain numpy (no scipy, numba or Django): the matrices are built in chunks, so the
memory stays at ``chunk`` × number of sites floats whatever the number of places.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
#: Road distance ÷ straight-line distance (circuity), an assumption; see above.
DETOUR_FACTOR = 1.3
#: Average speed by road in km/h, an assumption; see above.
SPEED_KMH = 60.0
#: Places handled at once when building matrices (memory ≈ CHUNK × sites × 8 bytes).
CHUNK = 4096


def great_circle_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres (haversine), broadcasting numpy arrays."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=np.float64)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class StraightLine:
    """Travel times from straight-line distances; ``detour`` and ``speed_kmh`` as above."""

    detour: float = DETOUR_FACTOR
    speed_kmh: float = SPEED_KMH

    def __post_init__(self):
        if not self.detour >= 1.0:
            raise ValueError(f"detour factor must be at least 1, got {self.detour}")
        if not self.speed_kmh > 0:
            raise ValueError(f"speed must be positive, got {self.speed_kmh}")

    @property
    def metres_per_second(self) -> float:
        return self.speed_kmh / 3.6

    def time_s(self, distance_m) -> np.ndarray:
        """Travel time in seconds for a straight-line distance in metres."""
        return np.asarray(distance_m, dtype=np.float64) * (
            self.detour / self.metres_per_second
        )

    def radius_m(self, time_s: float) -> float:
        """The straight-line distance reached in ``time_s`` seconds."""
        return float(time_s) * self.metres_per_second / self.detour

    def as_dict(self) -> dict:
        return {
            "model": "straight-line",
            "detour_factor": self.detour,
            "speed_kmh": self.speed_kmh,
            "earth_radius_m": EARTH_RADIUS_M,
        }

    # -- matrices ---------------------------------------------------------------------

    def times(self, from_lon, from_lat, to_lon, to_lat) -> np.ndarray:
        """Dense matrix (from × to) of travel times in seconds; for small inputs."""
        return self.time_s(
            great_circle_m(
                np.asarray(from_lon, float)[:, None],
                np.asarray(from_lat, float)[:, None],
                np.asarray(to_lon, float)[None, :],
                np.asarray(to_lat, float)[None, :],
            )
        )

    def nearest(
        self, site_lon, site_lat, lon, lat, *, chunk: int = CHUNK
    ) -> tuple[np.ndarray, np.ndarray]:
        """For every place: (time in s to the nearest site, that site's index).

        With no sites every time is inf and every index -1.
        """
        lon = np.asarray(lon, float)
        lat = np.asarray(lat, float)
        n = lon.size
        t = np.full(n, np.inf)
        near = np.full(n, -1, dtype=np.int32)
        if np.size(site_lon) == 0:
            return t, near
        for start in range(0, n, chunk):
            block = self.times(
                lon[start : start + chunk],
                lat[start : start + chunk],
                site_lon,
                site_lat,
            )
            j = np.argmin(block, axis=1)
            near[start : start + chunk] = j
            t[start : start + chunk] = block[np.arange(j.size), j]
        return t, near

    def within(
        self, site_lon, site_lat, lon, lat, cutoff_s: float, *, chunk: int = CHUNK
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sites × places within ``cutoff_s`` as CSR arrays (indptr, indices, time_s).

        Row j holds the places site j reaches within the cutoff, in increasing index
        order, with the time (a site on a place gives an explicit 0). This is the
        input `sot.planning.siting` takes, as ``scipy.sparse.csr_matrix((time_s,
        indices, indptr))``; building it needs numpy only.
        """
        site_lon = np.asarray(site_lon, float)
        site_lat = np.asarray(site_lat, float)
        lon = np.asarray(lon, float)
        lat = np.asarray(lat, float)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for start in range(0, lon.size, chunk):
            block = self.times(
                site_lon,
                site_lat,
                lon[start : start + chunk],
                lat[start : start + chunk],
            )
            r, c = np.nonzero(block <= cutoff_s)
            rows.append(r)
            cols.append(c + start)
            vals.append(block[r, c])
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        v = np.concatenate(vals) if vals else np.zeros(0)
        order = np.lexsort((c, r))
        indptr = np.zeros(site_lon.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=site_lon.size), out=indptr[1:])
        return indptr, c[order].astype(np.int32), v[order].astype(np.float32)
