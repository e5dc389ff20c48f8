"""/ogc/ over HTTP: valid OpenAPI, JSON errors and 404s, queryables, HTML, CRS (#14)."""

from __future__ import annotations

import json

import pytest

EPSG3006 = "http://www.opengis.net/def/crs/EPSG/0/3006"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_ogc_api_is_valid_openapi_30(client, jamtland):
    validator = pytest.importorskip("openapi_spec_validator")
    response = client.get("/ogc/api")
    assert response.status_code == 200
    validator.validate(json.loads(response.content))


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/nothing",
        "/ogc/collections/points/items/kall/extra",
        "/ogc/collections/nope",
        "/ogc/collections/nope/queryables",
        "/ogc/collections/points/items/nope",
    ],
)
def test_unknown_ogc_paths_are_json_404(client, jamtland, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "NotFound"
    html = client.get(url, HTTP_ACCEPT=BROWSER)
    assert html.status_code == 404 and html["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "query",
    [
        {"open": "yes"},
        {"state": "öppen"},
        {"unknown": "1"},
        {"f": "geojson"},
        {"f": ""},
        {"crs": "EPSG:3006"},
    ],
)
def test_wrong_parameters_are_json_400(client, kall_open, query):
    response = client.get("/ogc/collections/points/items", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "InvalidParameterValue"


def test_open_filter_takes_1_and_true(client, kall_open):
    for value in ("1", "true"):
        doc = json.loads(
            client.get("/ogc/collections/points/items", {"open": value}).content
        )
        assert [f["id"] for f in doc["features"]] == ["kall"]
    doc = json.loads(client.get("/ogc/collections/points/items", {"open": "0"}).content)
    assert doc["numberMatched"] == 7


def test_queryables_list_the_filterable_properties(client, jamtland):
    response = client.get("/ogc/collections/points/queryables")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    doc = json.loads(response.content)
    assert set(doc["properties"]) == {"state", "municipality_code", "open", "exercise"}
    assert doc["properties"]["open"]["type"] == "boolean"
    assert "open" in doc["properties"]["state"]["enum"]
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(doc)


def test_items_in_sweref99tm(client, kall_open):
    from sot.geo.crs import to_sweref99tm

    response = client.get("/ogc/collections/points/items/kall", {"crs": EPSG3006})
    assert response["Content-Crs"] == f"<{EPSG3006}>"
    n, e = json.loads(response.content)["geometry"]["coordinates"]
    want_e, want_n = to_sweref99tm(13.2334, 63.4726)
    assert abs(n - want_n) < 0.01 and abs(e - want_e) < 0.01


def test_html_pages_for_a_browser(client, kall_open):
    for url in (
        "/ogc/",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/points",
        "/ogc/collections/points/items",
        "/ogc/collections/points/items/kall",
        "/ogc/collections/points/queryables",
    ):
        response = client.get(url, HTTP_ACCEPT=BROWSER)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/html; charset=utf-8", url
        assert "Accept" in response["Vary"]
    item = client.get("/ogc/collections/points/items/kall", {"f": "html"})
    assert "Kall" in item.content.decode()
    conf = json.loads(client.get("/ogc/conformance").content)["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html" in conf
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conf
