"""The open feeds served live: GeoJSON, CSV, CAP + Atom, messages Atom, OGC API."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

A = "{http://www.w3.org/2005/Atom}"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


@pytest.fixture
def cap_schema(shared_data):
    """The OASIS CAP 1.2 schema from ../shared/data."""
    from lxml import etree

    return etree.XMLSchema(
        etree.parse(str(shared_data / "feeds" / "cap" / "CAP-v1.2.xsd"))
    )


def test_geojson_has_live_state(client, kall_open):
    response = client.get("/punkter.geojson")
    assert response["Content-Type"] == "application/geo+json"
    doc = json.loads(response.content)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 8
    kall = doc["features"][0]
    assert kall["id"] == "kall" and kall["properties"]["state"] == "open"
    assert kall["geometry"]["coordinates"] == [13.2334, 63.4726]
    assert kall["properties"]["exercise"] is True
    assert kall["properties"]["services"]["food"] is True
    assert kall["properties"]["fuel"]["fuel_diesel"] is True
    assert kall["properties"]["url"] == "https://sot.example.se/punkt/kall/"
    assert "note" in kall["properties"]
    # internal fields never leak
    text = response.content.decode()
    assert "generator" not in text and "internal" not in text


def test_csv_with_hxl_row(client, kall_open):
    text = client.get("/punkter.csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "#loc+id" and len(rows) == 10
    assert rows[2][0] == "kall" and rows[2][8] == "open"


def test_cap_chain_validates_and_is_indexed(
    client, kall_open, exercise, kall, kall_operator, cap_schema
):
    from lxml import etree

    from sot.operations import services as ops

    ops.submit_status_report(
        point=kall,
        event=exercise,
        reported_by=kall_operator,
        source="sms",
        state="limited",
        state_reason="Ont om diesel",
        fuel_products={"diesel": "limited", "petrol": "no"},
    )
    ops.submit_status_report(
        point=kall,
        event=exercise,
        reported_by=kall_operator,
        source="sms",
        state="closed",
        state_reason="Elverket stannade",
    )
    response = client.get("/feeds/cap.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    links = [
        e.find(f"{A}link[@type='application/cap+xml']").get("href")
        for e in feed.findall(f"{A}entry")
    ]
    assert len(links) == 3
    types = []
    for href in links:
        assert href.startswith("https://sot.example.se/cap/")
        doc = client.get(href.replace("https://sot.example.se", ""))
        assert doc.status_code == 200 and doc["Content-Type"].startswith(
            "application/cap+xml"
        )
        cap_schema.assertValid(etree.fromstring(doc.content))
        root = ET.fromstring(doc.content)
        assert root.find(f"{CAP}status").text == "Exercise"
        types.append(root.find(f"{CAP}msgType").text)
    assert sorted(types) == ["Alert", "Cancel", "Update"]
    assert client.get("/cap/nope.xml").status_code == 404


def test_messages_atom(client, kall_open, exercise, are_officer):
    from sot.public.models import PublicMessage

    PublicMessage.objects.create(
        municipality=kall_open.municipality,
        point=kall_open,
        event=exercise,
        author=are_officer,
        text="Diesel endast till räddningstjänst till kl 18",
    )
    feed = ET.fromstring(client.get("/feeds/meddelanden.atom").content)
    titles = [e.find(f"{A}title").text for e in feed.findall(f"{A}entry")]
    assert "Övning: Kall: Diesel endast till räddningstjänst till kl 18" in titles
    assert (
        "Övning: Övning Storm Jämtland: Långvarigt strömavbrott i västra Åre." in titles
    )


# -- OGC API - Features, requested the way QGIS does --------------------------------

QGIS = {"HTTP_ACCEPT": "application/json", "HTTP_USER_AGENT": "QGIS/33400"}


def get_json(client, url, **params):
    response = client.get(url, params, **QGIS)
    return response, json.loads(response.content)


def test_ogc_landing_conformance_collections(client, kall_open):
    response, landing = get_json(client, "/ogc/")
    assert response.status_code == 200
    rels = {link["rel"]: link["href"] for link in landing["links"]}
    assert rels["data"] == "http://testserver/ogc/collections"
    _, conf = get_json(client, "/ogc/conformance")
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in conf["conformsTo"]
    )
    _, colls = get_json(client, "/ogc/collections")
    (points,) = colls["collections"]
    assert points["id"] == "points" and points["itemType"] == "feature"
    west, south, east, north = points["extent"]["spatial"]["bbox"][0]
    assert (west, south, east, north) == (13.0502, 61.851, 15.8275, 64.8321)


def test_ogc_items_paging_bbox_and_item(client, kall_open):
    response, page = get_json(client, "/ogc/collections/points/items", limit=3)
    assert response["Content-Type"] == "application/geo+json"
    assert page["numberMatched"] == 8 and page["numberReturned"] == 3
    nxt = next(link["href"] for link in page["links"] if link["rel"] == "next")
    assert nxt == "http://testserver/ogc/collections/points/items?limit=3&offset=3"
    _, page3 = get_json(client, "/ogc/collections/points/items", limit=3, offset=6)
    assert page3["numberReturned"] == 2
    # a bbox around western Åre: Kall and Ottsjö
    _, boxed = get_json(
        client, "/ogc/collections/points/items", bbox="12.9,63.1,13.5,63.6"
    )
    assert sorted(f["id"] for f in boxed["features"]) == ["kall", "ottsjo"]
    _, opened = get_json(client, "/ogc/collections/points/items", state="open")
    assert [f["id"] for f in opened["features"]] == ["kall"]
    response, item = get_json(client, "/ogc/collections/points/items/kall")
    assert response.status_code == 200 and item["properties"]["name"] == "Kall"
    assert client.get("/ogc/collections/points/items/nope").status_code == 404
    assert (
        client.get("/ogc/collections/points/items", {"limit": "0"}).status_code == 400
    )
    assert client.get("/ogc/collections/nope/items").status_code == 404


def test_ogc_api_definition(client, jamtland):
    response, doc = get_json(client, "/ogc/api")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert "/collections/points/items" in doc["paths"]
