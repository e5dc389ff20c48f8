"""Coverage figures from planning in the national overview: per county, the share
of the population within X minutes of an established or approved point."""

import math

import pytest

from sot.plans import coverage, demo
from sot.public.core.gazetteer import places
from sot.registry.models import Municipality, Point


def _expected_jamtland_share(minutes=15):
    """By hand: localities scaled to the municipalities' totals, reached when a
    point lies within minutes × 60 s × (60 / 3.6) m/s ÷ 1.3 in a straight line."""
    radius_m = minutes * 60 * (60 / 3.6) / 1.3
    points = list(
        Point.objects.filter(lifecycle__in=["established", "approved"]).values_list(
            "lat", "lon"
        )
    )
    totals = dict(Municipality.objects.values_list("code", "population"))
    loc = [p for p in places() if p.municipality_code[:2] == "23" and p.population]
    sums = {}
    for p in loc:
        sums[p.municipality_code] = sums.get(p.municipality_code, 0) + p.population
    population = covered = 0.0
    for p in loc:
        w = p.population * totals[p.municipality_code] / sums[p.municipality_code]
        population += w
        near = min(_haversine_m(p.lat, p.lon, lat, lon) for lat, lon in points)
        covered += w if near <= radius_m else 0
    return population, covered


def _haversine_m(lat1, lon1, lat2, lon2):
    r = 6_371_008.8
    f1, f2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((f2 - f1) / 2) ** 2
        + math.cos(f1) * math.cos(f2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


def test_straight_line_coverage_where_no_run_exists(jamtland):
    population, covered = _expected_jamtland_share()
    got = coverage.by_county(["23"])["23"]
    assert got.source == "straight-line" and got.minutes == 15
    assert got.population == pytest.approx(population) == pytest.approx(132_839)
    assert got.covered == pytest.approx(covered) and 0 < covered < population
    # only established and approved points count
    Point.objects.update(lifecycle="planned")
    assert coverage.by_county(["23"])["23"].covered == 0


def test_national_overview_shows_coverage_from_the_latest_run(client, national):
    client.force_login(national)
    population, covered = _expected_jamtland_share()
    share = f"{100 * covered / population:.1f}".replace(".", ",")
    page = client.get("/drift/nationellt/").content.decode()
    assert f"{share} % inom 15 min (fågelväg)" in page
    assert "Befolkning nära en punkt" in page
    run = demo.load()
    run.summary["counties"][0]["covered"] = run.summary["population"] / 4  # marked
    run.save()
    page = client.get("/drift/nationellt/").content.decode()
    assert "25,0 % inom 15 min (fågelväg, " in page
    assert f'href="/planering/korning/{run.pk}/">planering #{run.pk}</a>' in page
    assert client.get(f"/planering/korning/{run.pk}/").status_code == 200
