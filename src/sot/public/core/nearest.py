"""Distances from a position to the points, and the nearest open ones.

Distances are great-circle (haversine, mean Earth radius 6 371 008.8 m). What a
resident typed is turned into a position by :mod:`sot.public.core.search`; the names
below are kept for callers that only need one piece of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sot.public.core import search
from sot.public.core.gazetteer import Place
from sot.public.core.model import PublicPoint

__all__ = [
    "EARTH_RADIUS_M",
    "Place",
    "haversine_m",
    "match_places",
    "nearest_many",
    "nearest_points",
    "parse_coordinates",
    "parse_postcode",
]

EARTH_RADIUS_M = 6_371_008.8
parse_postcode = search.parse_postcode


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def nearest_points(
    lat: float,
    lon: float,
    points: Sequence[PublicPoint],
    *,
    open_only: bool = True,
    limit: int = 5,
) -> list[tuple[PublicPoint, float]]:
    """(point, distance_m) sorted by distance; only open points unless ``open_only``
    is False."""
    pool = [p for p in points if p.is_open] if open_only else list(points)
    ranked = sorted(
        ((p, haversine_m(lat, lon, p.lat, p.lon)) for p in pool),
        key=lambda pair: pair[1],
    )
    return ranked[:limit]


def nearest_many(
    positions: Sequence[tuple[float, float]],
    points: Sequence[PublicPoint],
    *,
    limit: int = 3,
    chunk: int = 256,
) -> list[list[tuple[PublicPoint, float]]]:
    """For each (lat, lon) of ``positions``, what :func:`nearest_points` answers
    (the nearest open points, or the nearest of all when none is open), computed
    for all positions at once with numpy: the localities page asks it for every
    village of Sweden against thousands of points. Ties keep the points' order, as
    the stable sort of :func:`nearest_points` does."""
    if not points or not positions:
        return [[] for _ in positions]
    pool = [p for p in points if p.is_open] or list(points)
    lat2 = np.radians(np.array([p.lat for p in pool]))
    lon2 = np.array([p.lon for p in pool])
    cos2 = np.cos(lat2)
    k = min(limit, len(pool))
    out: list[list[tuple[PublicPoint, float]]] = []
    for start in range(0, len(positions), chunk):
        block = np.array(positions[start : start + chunk], dtype=float)
        lat1 = np.radians(block[:, :1])
        dp = lat2[None, :] - lat1
        dl = np.radians(lon2[None, :] - block[:, 1:2])
        a = np.sin(dp / 2) ** 2 + np.cos(lat1) * cos2[None, :] * np.sin(dl / 2) ** 2
        d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, a)))
        kth = np.partition(d, k - 1, axis=1)[:, k - 1]
        for row, bound in zip(d, kth, strict=True):
            near = np.flatnonzero(row <= bound)  # in the points' order
            near = near[np.argsort(row[near], kind="stable")][:k]
            out.append([(pool[i], float(row[i])) for i in near])
    return out


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) for two numbers in either order or SWEREF 99 TM, else None."""
    found = search.parse_coordinates(text)
    return (found[0], found[1]) if found else None


def match_places(query: str, places: Sequence[Place], limit: int = 5) -> list[Place]:
    """The places a name means, best first (see :func:`search.match_places`)."""
    return search.match_places(query, places, limit=limit)
