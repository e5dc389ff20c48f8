"""Each page loads only what it shows: the number of queries of every public page,
the coordinators' dashboard and the API lists is the same at 10 and at 60 points."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sot.operations import country

pytestmark = pytest.mark.django_db

#: A national install (two counties) and a county's install (one).
INSTALLS = {"national": ["23", "25"], "county": ["23"]}


def _pages(client):
    from sot.operations.models import Event
    from sot.registry.models import Point

    point = Point.objects.filter(lifecycle="established").order_by("slug").first()
    event = Event.objects.order_by("id").first()
    code = point.municipality.code
    return [
        "/",
        "/en/",
        f"/punkt/{point.slug}/",
        f"/en/punkt/{point.slug}/",
        f"/kommun/{code}/",
        f"/lan/{code[:2]}/",
        "/karta/",
        "/meddelanden/",
        "/oppna-data/",
        f"/nara/?q={point.village}",
        "/nara/?q=63.2,14.5",
        "/punkter.geojson",
        "/punkter.csv",
        "/feeds/meddelanden.atom",
        "/feeds/cap.atom",
        "/ogc/collections/points/items",
        f"/ogc/collections/points/items/{point.slug}",
        f"/punkt/{point.slug}/anslag.pdf",
        "/drift/oversikt/",
        "/drift/nationellt/",
        f"/drift/handelser/{event.pk}/",
        f"/drift/handelser/{event.pk}/lagesrapport/",
        f"/drift/handelser/{event.pk}/bransle/",
        "/api/v1/points",
        "/api/v1/points.geojson",
        "/api/v1/operations/events",
        f"/api/v1/operations/events/{event.pk}/points",
        f"/api/v1/operations/events/{event.pk}/situation-report",
    ]


def _count(client, paths) -> dict[str, int]:
    # One round first: the dashboard marks stale reports as it opens (a write
    # whose size follows the number of newly stale points, once); then count.
    for path in paths:
        client.get(path)
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(ctx.captured_queries)
    return counts


@pytest.mark.parametrize("install", sorted(INSTALLS))
def test_queries_do_not_grow_with_the_points(client, install, monkeypatch):
    from sot.accounts.models import User
    from sot.public import pagecache

    # every request reads the public version, so that each count is the same
    # whenever the second in which the version is trusted runs out
    monkeypatch.setattr(pagecache, "CHECK_S", 0)
    codes = INSTALLS[install]
    country.generate(points=10, activations=6, reports=12, seed=2, county_codes=codes)
    admin = User.objects.create_superuser("admin-scale", password="x")
    client.force_login(admin)
    paths = _pages(client)
    client.get("/")  # warm up: session, language, content types
    small = _count(client, paths)
    country.generate(points=50, activations=30, reports=60, seed=3, county_codes=codes)
    large = _count(client, paths)
    grew = {p: (small[p], large[p]) for p in paths if large[p] > small[p]}
    assert not grew, f"queries grew with the points (10 -> 60): {grew}"


def test_the_signed_in_api_list_does_not_ask_per_point(client, monkeypatch):
    """A point operator's (and a county coordinator's) page of the points list
    decides which points show internal fields in one query for the page, not one
    per point as the scope check of each point did for an operator (#15); the
    dashboard's second page too."""
    from sot.accounts.models import ApiToken, Role, User
    from sot.operations import views
    from sot.registry.models import Point

    monkeypatch.setattr(views, "DASHBOARD_ROWS", 3)

    def counts(users):
        out = {}
        for name, user in users.items():
            _t, secret = ApiToken.issue(user=user, name="count")
            bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
            for path in ("/api/v1/points", "/api/v1/points.geojson"):
                client.get(path, **bearer)
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(path, **bearer)
                assert response.status_code == 200
                out[name, path] = len(ctx.captured_queries)
        client.force_login(users["admin"])
        client.get("/drift/oversikt/?sida=2")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/drift/oversikt/?sida=2").status_code == 200
        out["admin", "/drift/oversikt/?sida=2"] = len(ctx.captured_queries)
        return out

    country.generate(points=10, activations=6, reports=12, seed=2, county_codes=["23"])
    operator = User.objects.create_user(
        "operator-scale", password="x", role=Role.POINT_OPERATOR
    )
    coordinator = User.objects.create_user(
        "coordinator-scale",
        password="x",
        role=Role.COUNTY_COORDINATOR,
        county_code="23",
    )
    users = {
        "operator": operator,
        "coordinator": coordinator,
        "admin": User.objects.create_superuser("admin-scale", password="x"),
    }
    operator.points.set(Point.objects.all())
    small = counts(users)
    country.generate(points=50, activations=30, reports=60, seed=3, county_codes=["23"])
    operator.points.set(Point.objects.all())
    large = counts(users)
    grew = {k: (small[k], large[k]) for k in small if large[k] > small[k]}
    assert not grew, f"queries grew with the points (10 -> 60): {grew}"
