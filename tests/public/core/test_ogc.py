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
        queryables={
            "state": {"type": "string", "enum": ["open", "closed", "limited"]},
            "municipality_code": {"type": "string", "pattern": "^[0-9]{4}$"},
            "open": {"type": "boolean"},
        },
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
        {"f": "geojson"},
        {"f": ""},
        {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/4326"},
        {"crs": "EPSG:3006"},
        {"open": "yes"},
        {"open": ""},
        {"state": "öppen"},
        {"municipality_code": "Åre"},
        {"bbox": ""},
        {"datetime": ""},
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


def test_boolean_filter_takes_what_gdal_sends(api):
    """GDAL turns -where "open=1" into ?open=1: it must match the open points."""
    for raw in ("1", "true", "True", "TRUE"):
        status, _, doc = body(api.get_items({"open": raw}, "points"))
        assert status == 200 and doc["numberMatched"] == 12
        assert all(f["properties"]["open"] is True for f in doc["features"])
    for raw in ("0", "false"):
        _, _, doc = body(api.get_items({"open": raw}, "points"))
        assert doc["numberMatched"] == 13


def test_wrong_filter_value_is_400_with_json(api):
    headers, status, content = api.get_items({"open": "yes"}, "points")
    assert status == 400 and headers["Content-Type"] == "application/json"
    doc = json.loads(content)
    assert doc["code"] == "InvalidParameterValue" and "open" in doc["description"]


def test_unknown_parameter_is_400_everywhere(api):
    for call in (
        lambda p: api.landing_page(p),
        lambda p: api.conformance(p),
        lambda p: api.list_collections(p),
        lambda p: api.describe_collection(p, "points"),
        lambda p: api.queryables(p, "points"),
        lambda p: api.get_item(p, "points", "p01"),
        lambda p: api.api_definition(p),
    ):
        assert body(call({"foo": "1"}))[0] == 400
        assert body(call({"f": "geojson"}))[0] == 400
        assert body(call({"f": ""}))[0] == 400


def test_queryables_are_a_json_schema(api):
    headers, status, content = api.queryables({}, "points")
    assert status == 200 and headers["Content-Type"] == "application/schema+json"
    doc = json.loads(content)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == BASE + "/collections/points/queryables"
    assert doc["type"] == "object"
    assert doc["properties"]["open"] == {"type": "boolean"}
    assert set(doc["properties"]) == {"state", "municipality_code", "open"}
    _, _, coll = body(api.describe_collection({}, "points"))
    rels = {lk["rel"]: lk["href"] for lk in coll["links"]}
    assert (
        rels["http://www.opengis.net/def/rel/ogc/1.0/queryables"]
        == BASE + "/collections/points/queryables"
    )
    assert body(api.queryables({}, "nope"))[0] == 404


def test_html_by_f_or_accept(api):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for headers, status, content in (
        api.landing_page({"f": "html"}),
        api.landing_page({}, accept=browser),
        api.get_items({"limit": "3"}, "points", accept=browser),
        api.get_item({"f": "html"}, "points", "p03"),
        api.list_collections({}, accept=browser),
        api.describe_collection({}, "points", accept=browser),
        api.queryables({"f": "html"}, "points"),
        api.conformance({"f": "html"}),
    ):
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert content.startswith("<!DOCTYPE html>") and "<h1>" in content
    gdal = "application/geo+json, application/json"
    assert api.get_items({}, "points", accept=gdal)[0]["Content-Type"] == (
        "application/geo+json"
    )
    headers, status, content = api.get_items({"open": "yes"}, "points", accept=browser)
    assert status == 400 and headers["Content-Type"].startswith("text/html")
    assert "open is true or false" in content
    json_error = api.get_items({"open": "yes"}, "points", accept="application/json")
    assert json_error[0]["Content-Type"] == "application/json"


def test_unknown_path_is_a_json_404(api):
    headers, status, content = api.not_found({}, "/ogc/nothing")
    assert status == 404 and headers["Content-Type"] == "application/json"
    assert json.loads(content)["code"] == "NotFound"
    assert api.not_found({}, "/x", accept="text/html")[0]["Content-Type"].startswith(
        "text/html"
    )


def test_crs_sweref99tm_northing_easting(api):
    from sot.geo.crs import to_sweref99tm

    headers, status, content = api.get_item({"crs": ogc.EPSG3006}, "points", "p03")
    assert status == 200
    assert headers["Content-Crs"] == f"<{ogc.EPSG3006}>"
    n, e = json.loads(content)["geometry"]["coordinates"]
    want_e, want_n = to_sweref99tm(13.03, 63.0)
    assert (n, e) == (round(want_n, 2), round(want_e, 2))
    assert 6_900_000 < n < 7_100_000 and 300_000 < e < 500_000
    headers, _, content = api.get_items({"crs": ogc.EPSG3006, "limit": "2"}, "points")
    assert headers["Content-Crs"] == f"<{ogc.EPSG3006}>"
    (first, _) = json.loads(content)["features"]
    assert first["geometry"]["coordinates"][0] > 6_900_000
    # the default is CRS84, and says so
    headers, _, _ = api.get_items({}, "points")
    assert headers["Content-Crs"] == f"<{ogc.CRS84}>"
    _, _, coll = body(api.describe_collection({}, "points"))
    assert coll["crs"] == [ogc.CRS84, ogc.EPSG3006] and coll["storageCrs"] == ogc.CRS84


def test_bbox_in_sweref99tm(api):
    from sot.geo.crs import to_sweref99tm

    e0, n0 = to_sweref99tm(13.045, 62.99)
    e1, n1 = to_sweref99tm(13.105, 63.01)
    # minN,minE,maxN,maxE: the axis order of EPSG:3006
    bbox = f"{min(n0, n1)},{e0},{max(n0, n1)},{e1}"
    status, _, doc = body(
        api.get_items({"bbox": bbox, "bbox-crs": ogc.EPSG3006}, "points")
    )
    assert status == 200
    assert [f["id"] for f in doc["features"]] == [
        "p05",
        "p06",
        "p07",
        "p08",
        "p09",
        "p10",
    ]


def test_openapi_is_valid_openapi_30(api):
    validator = pytest.importorskip("openapi_spec_validator")
    _, _, doc = body(api.api_definition({}))
    validator.validate(doc)
    params = doc["paths"]["/collections/points/items/{featureId}"]["get"]["parameters"]
    (feature_id,) = [p for p in params if p["in"] == "path"]
    assert "style" not in feature_id or feature_id["style"] == "simple"
    assert "/collections/points/queryables" in doc["paths"]
    items = doc["paths"]["/collections/points/items"]["get"]
    assert items["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/exception"
    }
