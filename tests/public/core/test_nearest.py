"""The nearest points of many places at once equal one place at a time (#15)."""

from __future__ import annotations

import random

from sot.public.core.model import PublicPoint, PublicState
from sot.public.core.nearest import nearest_many, nearest_points


def _point(i: int, lat: float, lon: float, state: str) -> PublicPoint:
    return PublicPoint(f"p{i}", f"P {i}", "2321", "Åre", lat, lon, state=state)


def test_nearest_many_answers_what_nearest_points_does():
    rng = random.Random(3)
    states = [PublicState.OPEN, PublicState.LIMITED, PublicState.CLOSED]
    points = [
        _point(i, rng.uniform(55, 69), rng.uniform(11, 24), rng.choice(states))
        for i in range(400)
    ]
    points.append(_point(400, *(points[7].lat, points[7].lon), PublicState.OPEN))
    places = [(rng.uniform(55, 69), rng.uniform(11, 24)) for _ in range(300)]
    places.append((points[7].lat, points[7].lon))  # a tie: the points' order wins
    got = nearest_many(places, points, limit=3, chunk=64)
    for (lat, lon), ranked in zip(places, got, strict=True):
        want = nearest_points(lat, lon, points, limit=3)
        assert [p.slug for p, _d in ranked] == [p.slug for p, _d in want]
        for (_p, d), (_q, e) in zip(ranked, want, strict=True):
            assert abs(d - e) < 1e-6
    assert [p.slug for p, _d in got[-1]][:2] == ["p7", "p400"]


def test_with_no_open_point_the_nearest_of_all():
    points = [
        _point(1, 63.0, 13.0, PublicState.CLOSED),
        _point(2, 64.0, 14.0, PublicState.STANDBY),
    ]
    (ranked,) = nearest_many([(63.1, 13.1)], points)
    assert [p.slug for p, _d in ranked] == ["p1", "p2"]
    assert nearest_many([], points) == [] and nearest_many([(63, 13)], []) == [[]]
