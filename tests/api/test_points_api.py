"""The register's API: public GeoJSON without internal fields, filters, OpenAPI."""

import json

import pytest

from sot.accounts.models import ApiToken


def test_geojson_has_the_eight_points_longitude_first_and_no_internals(
    client, jamtland
):
    response = client.get("/api/v1/points.geojson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    doc = response.json()
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == 8
    kall = next(f for f in doc["features"] if f["id"] == "kall")
    assert kall["type"] == "Feature"
    assert kall["geometry"] == {"type": "Point", "coordinates": [13.2334, 63.4726]}
    text = json.dumps(doc, ensure_ascii=False)
    # Internal contacts and notes never reach the public.
    assert "Beredskapssamordnare" not in text
    assert "internal_notes" not in text and "backup_power" not in text
    assert "Åre kommun, växel" in text  # the public contact is there
    for feature in doc["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 11 < lon < 24 and 55 < lat < 69


def test_anonymous_list_is_public_only(client, jamtland):
    points = client.get("/api/v1/points").json()
    assert {p["id"] for p in points} >= {"kall", "ottsjo"}
    assert all("internal_notes" not in p and "contacts" not in p for p in points)


def test_internal_fields_for_the_scope_only(client, are_officer):
    _t, secret = ApiToken.issue(user=are_officer, name="t")
    points = {
        p["id"]: p
        for p in client.get(
            "/api/v1/points", HTTP_AUTHORIZATION=f"Bearer {secret}"
        ).json()
    }
    assert points["kall"]["backup_power"]["generator_kva"] == 70
    assert points["kall"]["backup_power"][
        "hours_on_full_tank_at_50_pct"
    ] == pytest.approx(101.0, abs=0.1)
    assert "backup_power" not in points["valsjobyn"]  # Krokom: public fields only


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("municipality=2321", {"kall", "ottsjo", "hallen"}),
        ("lifecycle=established", {"kall"}),
        ("service=warm_room", {"kall"}),
        ("bbox=13.0,63.1,13.3,63.5", {"kall", "ottsjo"}),
        ("county=24", set()),
    ],
)
def test_filters(client, jamtland, query, expected):
    got = {p["id"] for p in client.get(f"/api/v1/points?{query}").json()}
    assert got == expected


def test_bad_filters_name_the_field(client, jamtland):
    response = client.get("/api/v1/points?bbox=1,2,3")
    assert response.status_code == 422
    assert "bbox" in response.json()["errors"]
    response = client.get("/api/v1/points?lifecycle=flying")
    assert response.status_code == 422 and "lifecycle" in response.json()["errors"]


def test_detail_and_404(client, jamtland):
    assert client.get("/api/v1/points/kall").json()["municipality"] == "Åre"
    assert client.get("/api/v1/points/atlantis").status_code == 404


def test_create_point_with_errors_by_field(client, coordinator):
    _t, secret = ApiToken.issue(user=coordinator, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    bad = client.post(
        "/api/v1/points",
        {
            "id": "x",
            "name": "X",
            "village": "X",
            "municipality_code": "0000",
            "lat": 10,
            "lon": 10,
        },
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    assert "municipality_code" in bad.json()["errors"]
    good = client.post(
        "/api/v1/points",
        {
            "id": "vallbo",
            "name": "Vallbo",
            "village": "Vallbo",
            "municipality_code": "2321",
            "lat": 63.05,
            "lon": 12.9,
            "services": ["food"],
        },
        content_type="application/json",
        **auth,
    )
    assert good.status_code == 201, good.content
    assert good.json()["services"][0]["code"] == "food"


def test_openapi_is_generated(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/points.geojson" in spec["paths"]
    assert "/api/v1/points/{point_id}" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200
