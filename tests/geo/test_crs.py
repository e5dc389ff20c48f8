"""SWEREF 99 TM against reference values computed independently with PROJ 9
(pyproj Transformer EPSG:4326 -> EPSG:3006, always_xy)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sot.geo.crs import distance_m, from_sweref99tm, to_sweref99tm

# (lon, lat, E, N) from PROJ
REFERENCE = [
    (13.2334, 63.4726, 411975.228252381, 7039460.991411605),  # Kall
    (18.0686, 59.3293, 674571.8664491447, 6580743.008330945),  # Stockholm
    (24.0, 66.0, 907351.9808072371, 7349217.667537237),
    (11.0, 55.5, 247391.1396299412, 6157704.987945344),
]


@pytest.mark.parametrize(("lon", "lat", "e", "n"), REFERENCE)
def test_forward_matches_proj_to_the_millimetre(lon, lat, e, n):
    got_e, got_n = to_sweref99tm(lon, lat)
    assert got_e == pytest.approx(e, abs=1e-3)
    assert got_n == pytest.approx(n, abs=1e-3)


@pytest.mark.parametrize(("lon", "lat", "e", "n"), REFERENCE)
def test_inverse_matches_proj(lon, lat, e, n):
    got_lon, got_lat = from_sweref99tm(e, n)
    assert got_lon == pytest.approx(lon, abs=1e-8)
    assert got_lat == pytest.approx(lat, abs=1e-8)


def test_central_meridian_on_equator_is_the_false_origin():
    assert to_sweref99tm(15.0, 0.0) == pytest.approx((500000.0, 0.0), abs=1e-6)


def test_arrays_in_arrays_out():
    lons = np.array([r[0] for r in REFERENCE])
    lats = np.array([r[1] for r in REFERENCE])
    e, n = to_sweref99tm(lons, lats)
    assert e.shape == (4,)
    assert e[0] == pytest.approx(REFERENCE[0][2], abs=1e-3)


@given(st.floats(10.5, 24.5), st.floats(55.0, 69.2))
def test_round_trip_inside_sweden(lon, lat):
    back_lon, back_lat = from_sweref99tm(*to_sweref99tm(lon, lat))
    assert back_lon == pytest.approx(lon, abs=1e-9)
    assert back_lat == pytest.approx(lat, abs=1e-9)


def test_distance_between_kall_and_ottsjo():
    # Computed by hand from the PROJ coordinates of both places: about 29.6 km.
    d = distance_m(13.2334, 63.4726, 13.0502, 63.2154)
    e1, n1 = 411975.228, 7039460.991
    e2, n2 = to_sweref99tm(13.0502, 63.2154)
    assert d == pytest.approx(((e2 - e1) ** 2 + (n2 - n1) ** 2) ** 0.5, abs=0.01)
    assert 29_000 < d < 30_500
