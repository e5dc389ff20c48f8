"""The straight-line travel model: known answers you can check by hand."""

import math
import subprocess
import sys

import numpy as np
import pytest

from sot.planning.straightline import (
    DETOUR_FACTOR,
    EARTH_RADIUS_M,
    SPEED_KMH,
    StraightLine,
    great_circle_m,
)

ONE_DEGREE_M = math.pi * EARTH_RADIUS_M / 180  # 111 195.08 m


def test_documented_constants():
    assert (DETOUR_FACTOR, SPEED_KMH, EARTH_RADIUS_M) == (1.3, 60.0, 6_371_008.8)


def test_great_circle_known_distances():
    assert great_circle_m(14.0, 63.0, 14.0, 64.0) == pytest.approx(111_195.08, abs=0.01)
    assert great_circle_m(0, 0, 90, 0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_M)
    assert great_circle_m(13.2, 63.5, 13.2, 63.5) == 0.0
    # broadcasting: one origin, two destinations
    d = great_circle_m(0, 0, np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert d == pytest.approx([ONE_DEGREE_M, ONE_DEGREE_M])


def test_time_is_distance_times_detour_over_speed():
    model = StraightLine()
    # 111 195.08 m × 1.3 ÷ (60 / 3.6 m/s) = 8 673.2 s
    assert model.time_s(ONE_DEGREE_M) == pytest.approx(8673.2, abs=0.1)
    assert model.time_s(1000.0) == pytest.approx(78.0)  # 1 km -> 1.3 km at 60 km/h
    # 15 minutes reach 900 s × 16.667 m/s ÷ 1.3 = 11 538.46 m in a straight line
    assert model.radius_m(900) == pytest.approx(11_538.46, abs=0.01)
    assert StraightLine(detour=1.0, speed_kmh=36).time_s(1000) == pytest.approx(100.0)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="detour"):
        StraightLine(detour=0.9)
    with pytest.raises(ValueError, match="speed"):
        StraightLine(speed_kmh=0)


def test_nearest_site_and_its_time():
    model = StraightLine(detour=1.0, speed_kmh=3.6)  # 1 m/s: seconds are metres
    site_lon, site_lat = [0.0, 1.0], [0.0, 0.0]
    t, near = model.nearest(site_lon, site_lat, [0.2, 0.9, 3.0], [0.0, 0.0, 0.0])
    assert near.tolist() == [0, 1, 1]
    assert t == pytest.approx(
        [0.2 * ONE_DEGREE_M, 0.1 * ONE_DEGREE_M, 2 * ONE_DEGREE_M]
    )
    t0, n0 = model.nearest([], [], [0.5], [0.0])
    assert t0.tolist() == [math.inf] and n0.tolist() == [-1]


def test_within_gives_csr_rows_per_site():
    model = StraightLine(detour=1.0, speed_kmh=3.6)
    lon = [0.0, 0.05, 0.5, 1.0]
    cutoff = 0.1 * ONE_DEGREE_M  # 11.1 km
    indptr, indices, times = model.within(
        [0.0, 1.0, 5.0], [0.0, 0.0, 0.0], lon, [0.0] * 4, cutoff
    )
    assert indptr.tolist() == [0, 2, 3, 3]
    assert indices.tolist() == [0, 1, 3]
    assert times == pytest.approx([0.0, 0.05 * ONE_DEGREE_M, 0.0], abs=0.01)


def test_chunking_changes_nothing():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(12, 16, 50), rng.uniform(61, 65, 50)
    slon, slat = rng.uniform(12, 16, 6), rng.uniform(61, 65, 6)
    model = StraightLine()
    one = model.within(slon, slat, lon, lat, 1800, chunk=1000)
    small = model.within(slon, slat, lon, lat, 1800, chunk=7)
    for a, b in zip(one, small, strict=True):
        assert np.array_equal(a, b)
    assert np.array_equal(
        model.nearest(slon, slat, lon, lat, chunk=3)[1],
        model.nearest(slon, slat, lon, lat)[1],
    )


def test_works_without_scipy_numba_highs_osmium_and_matplotlib():
    code = (
        "import sys\n"
        "for m in ('scipy','numba','highspy','osmium','matplotlib'): sys.modules[m]=None\n"
        "from sot.planning.firstlook import Places, reach, site\n"
        "from sot.planning.errors import PlanningError\n"
        "u = Places.from_rows([{'name':'a','lon':14,'lat':63,'population':10}])\n"
        "f = Places.from_rows([{'name':'p','lon':14,'lat':63.05}])\n"
        "r = reach(u, f, minutes=15)\n"
        "assert r['covered'] == 10, r\n"
        "try:\n"
        "    site('mclp', u, f, f, p=1)\n"
        "except PlanningError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "sot[planning]" in out.stdout
