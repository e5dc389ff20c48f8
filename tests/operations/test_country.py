"""The generated country: seeded, complete, inside the boundaries."""

from __future__ import annotations

import pytest

from sot.geo.polygon import point_in_geometry
from sot.operations import country

pytestmark = pytest.mark.django_db


def _snapshot():
    from sot.registry.models import Point

    return list(Point.objects.order_by("slug").values_list("slug", "lat", "lon"))


def test_counts_and_event():
    from sot.operations.models import Activation, StatusReport

    s = country.generate(
        points=40, activations=12, reports=36, seed=3, county_codes=["23", "25"]
    )
    assert (s.counties, s.points, s.activations, s.reports) == (2, 40, 12, 36)
    assert s.municipalities == 8 + 14
    acts = Activation.objects.filter(event_id=s.event_id)
    assert acts.count() == 12
    assert StatusReport.objects.filter(activation__event_id=s.event_id).count() == 36
    # every activation points at its newest report
    for a in acts.select_related("last_report"):
        newest = a.reports.order_by("-observed_at", "-id").first()
        assert a.last_report == newest
        assert a.last_seen_at == newest.observed_at


def test_points_lie_in_their_municipality():
    from sot.registry.models import Point

    country.generate(points=30, activations=0, reports=0, county_codes=["23"])
    for p in Point.objects.select_related("municipality"):
        assert point_in_geometry(p.lon, p.lat, p.municipality.boundary), p.slug


def _wipe():
    from sot.operations.models import Event
    from sot.registry.models import Point

    Event.objects.all().delete()
    Point.objects.all().delete()


def test_same_seed_same_country():
    country.generate(points=20, activations=5, reports=5, seed=7, county_codes=["23"])
    first = _snapshot()
    _wipe()
    country.generate(points=20, activations=5, reports=5, seed=7, county_codes=["23"])
    assert _snapshot() == first
    _wipe()
    country.generate(points=20, activations=5, reports=5, seed=8, county_codes=["23"])
    assert _snapshot() != first
