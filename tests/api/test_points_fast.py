"""The points list and its GeoJSON build their items from plain values and render
them without validating them again (#15). They must stay byte for byte what the
model-based path, validated by the response schema as django-ninja does, gives:
for every role, on every page, with internal fields exactly on the points in the
caller's scope."""

from __future__ import annotations

import json

import pytest
from ninja.renderers import JSONRenderer
from pydantic import TypeAdapter

from sot.accounts.models import ApiToken
from sot.api import paging
from sot.registry import api as registry_api
from sot.registry.api import PointFilters, PointInternalOut, PointOut
from sot.registry.models import BackupPower, Point

pytestmark = pytest.mark.django_db

LIST = TypeAdapter(list[PointInternalOut | PointOut])


def _validated(user, query: dict) -> bytes:
    """The page as the model-based path makes it: model objects with their
    prefetches, one dict each by the caller's scope, validated and dumped by the
    response schema, rendered by the API's renderer."""
    filters = PointFilters(**{k: v for k, v in query.items() if k != "offset"})
    points = list(registry_api._filtered(user, filters))
    offset = int(query.get("offset", 0))
    limit = query.get("limit")
    if limit != "all":
        points = points[offset : offset + int(limit or paging.DEFAULT_LIMIT)]
    items = [registry_api._as_dict(user, p) for p in points]
    dumped = LIST.dump_python(LIST.validate_python(items))
    return JSONRenderer().render(None, dumped, response_status=200).encode()


@pytest.fixture
def varied(jamtland):
    """Jämtland's points, one of them with a backup power without a tank size (no
    hours on a full tank): a corner case of the internal fields."""
    bp = BackupPower.objects.order_by("pk")
    first = bp.first()
    if first is not None:
        BackupPower.objects.filter(pk=first.pk).update(tank_l=None)
    return jamtland


@pytest.mark.parametrize(
    "who", ["anonymous", "coordinator", "are_officer", "kall_operator", "superuser"]
)
@pytest.mark.parametrize(
    "query",
    [{}, {"limit": "3"}, {"limit": "3", "offset": "3"}, {"municipality": "2321"}],
)
def test_the_list_is_the_validated_output(client, request, varied, who, query):
    user = request.getfixturevalue(who)
    headers = {}
    if who != "anonymous":
        _t, secret = ApiToken.issue(user=user, name="t")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    response = client.get("/api/v1/points", query, **headers)
    assert response.status_code == 200
    assert response.content == _validated(user, query)
    items = response.json()
    assert items, "an empty page proves nothing"
    internal = {p["id"] for p in items if "internal_notes" in p}
    expected = {
        p.slug
        for p in Point.objects.filter(slug__in=[p["id"] for p in items])
        if who != "anonymous"
        and registry_api.policy.can(user, registry_api.policy.VIEW_INTERNAL, p)
    }
    assert internal == expected
    if who in ("coordinator", "superuser"):
        assert internal and any(p.get("backup_power") for p in items)


def test_the_geojson_is_the_public_dicts_of_the_page(client, varied, coordinator):
    _t, secret = ApiToken.issue(user=coordinator, name="t")
    response = client.get(
        "/api/v1/points.geojson", {"limit": "4"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    points = list(registry_api._filtered(coordinator, PointFilters()))[:4]
    expected = {
        "type": "FeatureCollection",
        "features": [
            registry_api.point_feature(registry_api.point_public_dict(p))
            for p in points
        ],
        "links": json.loads(response.content)["links"],
    }
    assert response.content == json.dumps(expected, ensure_ascii=False).encode()
