"""The API's lists are compressed, paged and cached (ETag, 304)."""

from __future__ import annotations

import gzip
import json

import pytest

from sot.operations import country

pytestmark = pytest.mark.django_db


@pytest.fixture
def points():
    country.generate(points=25, activations=0, reports=0, seed=4, county_codes=["23"])


def _json(response):
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)


def test_points_are_paged_with_next_links(client, points):
    first = client.get("/api/v1/points?limit=10")
    assert first.status_code == 200
    assert len(_json(first)) == 10
    link = first["Link"]
    assert 'rel="next"' in link and "offset=10" in link and "limit=10" in link
    seen = [p["id"] for p in _json(first)]
    url = link.split(">")[0][1:].replace("http://testserver", "")
    while url:
        page = client.get(url)
        seen += [p["id"] for p in _json(page)]
        url = page.get("Link", "").split(">")[0][1:].replace("http://testserver", "")
    every = _json(client.get("/api/v1/points?limit=all"))
    assert seen == [p["id"] for p in every] and len(set(seen)) == len(every)
    assert "Link" not in client.get("/api/v1/points?limit=all")


def test_geojson_is_paged_and_whole_with_limit_all(client, points):
    doc = _json(client.get("/api/v1/points.geojson?limit=5"))
    assert len(doc["features"]) == 5
    assert doc["links"][0]["rel"] == "next"
    whole = _json(client.get("/api/v1/points.geojson?limit=all"))
    assert "links" not in whole and len(whole["features"]) > 5


@pytest.mark.parametrize("bad", ["0", "x", "10001", "-1"])
def test_bad_limit_is_a_clear_error(client, points, bad):
    response = client.get(f"/api/v1/points?limit={bad}")
    assert response.status_code == 422
    assert "limit" in response.content.decode()


def test_api_and_officials_pages_are_gzipped_with_etag_and_304(
    client, points, admin_user
):
    client.force_login(admin_user)
    for path in ("/api/v1/points?limit=all", "/api/v1/points.geojson"):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, path
        assert response["Content-Encoding"] == "gzip", path
        etag = response["ETag"]
        again = client.get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, path
        assert again.content == b""
    # an officials' page is compressed too; it carries a CSRF token masked anew in
    # every response (the BREACH defence), so its ETag changes and 304 is rare
    page = client.get("/drift/oversikt/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"


def test_anonymous_open_reads_are_kept_and_a_change_shows(
    client, points, admin_user, monkeypatch
):
    """An anonymous page of the points list is answered from what was kept
    (sot.config.frontcache): no query; each query string is its own entry; a
    signed-in caller, who may see internal fields, always goes through; a change
    shows on the next request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sot.public import pagecache
    from sot.registry.models import Point

    monkeypatch.setattr(pagecache, "CHECK_S", 60)
    path = "/api/v1/points?limit=5"
    first = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert len(queries) == 0 and again.content == first.content
    assert again["ETag"] == first["ETag"] and again["Content-Encoding"] == "gzip"
    not_modified = client.get(
        path, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert not_modified.status_code == 304
    assert len(_json(client.get("/api/v1/points?limit=6"))) == 6
    official = Client()
    official.force_login(admin_user)
    internal = _json(official.get(path))
    assert "contacts" in internal[0] and "contacts" not in _json(first)[0]
    point = Point.objects.get(slug=_json(first)[0]["id"])
    point.name = "Omdöpt punkt"
    point.save()
    assert _json(client.get(path, HTTP_ACCEPT_ENCODING="gzip"))[0]["name"] == (
        "Omdöpt punkt"
    )


def test_every_list_of_the_api_is_paged_and_whole_with_limit_all(client, admin_user):
    """The operations and warnings lists page like the points list (#15): a
    ``Link: rel="next"`` while more remain, the whole set with ``limit=all``."""
    from sot.operations.models import Event

    country.generate(points=12, activations=7, reports=20, seed=5, county_codes=["23"])
    client.force_login(admin_user)
    event = Event.objects.order_by("id").first()
    activation = event.activations.order_by("id").first()
    lists = {
        f"/api/v1/operations/events/{event.pk}/points": event.activations.count(),
        f"/api/v1/operations/events/{event.pk}/points/"
        f"{activation.point.slug}/reports": activation.reports.count(),
    }
    for path, total in lists.items():
        assert total >= 2, path
        first = client.get(f"{path}?limit=1")
        assert first.status_code == 200, (path, first.content[:300])
        assert len(_json(first)) == 1 and 'rel="next"' in first["Link"], path
        second = client.get(first["Link"].split(">")[0][1:])
        assert len(_json(second)) == 1 and _json(second) != _json(first), path
        whole = client.get(f"{path}?limit=all")
        assert len(_json(whole)) == total and "Link" not in whole, path
    for path in (
        "/api/v1/operations/events",
        f"/api/v1/operations/events/{event.pk}/log",
        "/api/v1/warnings?state=all",
        "/api/v1/warnings/suggestions?state=all",
    ):
        response = client.get(f"{path}{'&' if '?' in path else '?'}limit=all")
        assert response.status_code == 200, (path, response.content[:300])
        assert isinstance(_json(response), list) and "Link" not in response, path
