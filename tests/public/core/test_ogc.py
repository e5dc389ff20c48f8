import json

import pytest

from sot.public.core import ogc
from sot.public.core.geojson import point_feature

BASE = "https://sot.example.se/ogc"


@pytest.fixture
def api(point_factory):
    """An OGC API with 25 points on a line of longitudes 13.00..13.24 at lat 63."""
    points = [
        point_factory(
            slug=f"p{i:02d}",
            name=f"P{i}",
            lon=13.0 + i / 100,
            lat=63.0,
            state="open" if i % 2 else "closed",
        )
        for i in range(25)
    ]
    features = [point_feature(p) for p in points]
    coll = ogc.Collection(
        id="points",
        title="SOT-punkter",
        features=features,
        temporal_property="updated",
        filters=("state", "municipality_code"),
    )
    return ogc.FeaturesAPI(base_url=BASE, title="SOT", collections={"points": coll})


def body(resp):
    headers, status, content = resp
    return status, headers, json.loads(content)


def test_landing_page_links(api):
    status, headers, doc = body(api.landing_page({}))
    assert status == 200 and headers["Content-Type"] == "application/json"
    rels = {link["rel"]: link["href"] for link in doc["links"]}
    assert rels["conformance"] == BASE + "/conformance"
    assert rels["data"] == BASE + "/collections"
    assert rels["service-desc"] == BASE + "/api"


def test_conformance_lists_core_and_geojson(api):
    _, _, doc = body(api.conformance({}))
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in doc["conformsTo"]
    )
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
        in doc["conformsTo"]
    )


def test_collection_extent_is_the_points_bbox(api):
    status, _, doc = body(api.describe_collection({}, "points"))
    assert status == 200
    assert doc["extent"]["spatial"]["bbox"] == [[13.0, 63.0, 13.24, 63.0]]
    items = [lk for lk in doc["links"] if lk["rel"] == "items"]
    assert items[0]["type"] == "application/geo+json"
    _, _, all_ = body(api.list_collections({}))
    assert [c["id"] for c in all_["collections"]] == ["points"]
    assert body(api.describe_collection({}, "nope"))[0] == 404


def test_paging_with_next_and_prev(api):
    status, headers, page1 = body(api.get_items({"limit": "10"}, "points"))
    assert status == 200 and headers["Content-Type"] == "application/geo+json"
    assert page1["numberMatched"] == 25 and page1["numberReturned"] == 10
    links = {lk["rel"]: lk["href"] for lk in page1["links"]}
    assert "prev" not in links
    assert links["next"] == BASE + "/collections/points/items?limit=10&offset=10"
    _, _, page3 = body(api.get_items({"limit": "10", "offset": "20"}, "points"))
    assert [f["id"] for f in page3["features"]] == [f"p{i}" for i in range(20, 25)]
    links3 = {lk["rel"]: lk["href"] for lk in page3["links"]}
    assert "next" not in links3
    assert links3["prev"] == BASE + "/collections/points/items?limit=10&offset=10"


def test_bbox_filter_keeps_params_in_links(api):
    _, _, doc = body(
        api.get_items({"bbox": "13.045,62,13.105,64", "limit": "2"}, "points")
    )
    assert doc["numberMatched"] == 6  # 13.05 .. 13.10
    nxt = next(lk["href"] for lk in doc["links"] if lk["rel"] == "next")
    assert "bbox=13.045%2C62%2C13.105%2C64" in nxt


def test_property_filter_and_datetime(api):
    _, _, doc = body(api.get_items({"state": "open"}, "points"))
    assert doc["numberMatched"] == 12
    _, _, doc = body(api.get_items({"datetime": "2026-11-30T00:00:00Z/.."}, "points"))
    assert doc["numberMatched"] == 25
    _, _, doc = body(api.get_items({"datetime": "../2026-01-01T00:00:00Z"}, "points"))
    assert doc["numberMatched"] == 0


def test_limit_above_max_is_capped_not_an_error(api):
    status, _, doc = body(api.get_items({"limit": "999999"}, "points"))
    assert status == 200 and doc["numberReturned"] == 25


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "x"},
        {"offset": "-1"},
        {"bbox": "1,2,3"},
        {"bbox": "10,70,20,60"},
        {"foo": "bar"},
        {"datetime": "yesterday"},
        {"f": "xml"},
        {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/3006"},
    ],
)
def test_invalid_parameters_are_400(api, params):
    status, _, doc = body(api.get_items(params, "points"))
    assert status == 400 and doc["code"] == "InvalidParameterValue"


def test_single_item_and_404(api):
    status, headers, doc = body(api.get_item({}, "points", "p03"))
    assert status == 200 and doc["type"] == "Feature" and doc["id"] == "p03"
    assert doc["geometry"]["coordinates"] == [13.03, 63.0]
    assert any(lk["rel"] == "self" for lk in doc["links"])
    assert body(api.get_item({}, "points", "zz"))[0] == 404


def test_openapi_names_the_filters(api):
    status, headers, doc = body(api.api_definition({}))
    assert status == 200 and doc["openapi"].startswith("3.0")
    names = [
        p["name"]
        for p in doc["paths"]["/collections/points/items"]["get"]["parameters"]
    ]
    assert {"limit", "offset", "bbox", "datetime", "state"} <= set(names)


def test_bbox_across_antimeridian():
    feature = {"geometry": {"type": "Point", "coordinates": [179.5, 0]}}
    assert ogc.in_bbox(feature, (170, -10, -170, 10))
    assert not ogc.in_bbox(feature, (-170, -10, 170, 10))
