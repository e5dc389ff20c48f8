"""The operations JSON API with token authentication."""

import pytest

from sot.accounts.models import ApiToken


@pytest.fixture
def token(kall_operator):
    """A bearer token acting as Kall's operator."""
    return ApiToken.issue(user=kall_operator, name="test")[1]


@pytest.fixture
def officer_token(are_officer):
    """A bearer token acting as Åre's officer."""
    return ApiToken.issue(user=are_officer, name="test")[1]


def auth(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_event_report_delivery_log_over_api(client, officer_token, token, kall):
    h = auth(officer_token)
    r = client.post(
        "/api/v1/operations/events",
        {
            "name": "Storm",
            "kind": "storm",
            "municipality_codes": ["2321"],
            "point_ids": ["kall"],
            "is_exercise": True,
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    event = r.json()
    assert event["label"] == "ÖVNING: Storm"
    base = f"/api/v1/operations/events/{event['id']}"
    r = client.post(
        f"{base}/points/kall/reports",
        {
            "state": "open",
            "power_source": "generator",
            "generator_fuel_l": 500,
            "generator_load_pct": 50,
            "based_on_report_id": 0,
        },
        content_type="application/json",
        **auth(token),
    )
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["source"] == "api"
    # A second report based on "none" is refused: someone reported meanwhile.
    r = client.post(
        f"{base}/points/kall/reports",
        {"state": "limited", "based_on_report_id": 0},
        content_type="application/json",
        **auth(token),
    )
    assert r.status_code == 409
    r = client.post(
        f"{base}/points/kall/reports",
        {"state": "closed"},
        content_type="application/json",
        **auth(token),
    )
    assert r.status_code == 422 and "reason_required" in r.json()["detail"]
    r = client.post(
        f"{base}/points/kall/deliveries",
        {"delivered_l": 300, "supplier": "OKQ8"},
        content_type="application/json",
        **auth(token),
    )
    assert r.status_code == 201 and r.json()["level_after_l"] == pytest.approx(
        800, abs=1
    )
    # Officials see every activated point; the operator only their own.
    client.post(
        f"{base}/activations",
        {"point_id": "hallen"},
        content_type="application/json",
        **h,
    )
    assert len(client.get(f"{base}/points", **h).json()) == 2
    points = client.get(f"{base}/points", **auth(token)).json()
    assert [p["point_id"] for p in points] == ["kall"]
    assert points[0]["state"] == "open"
    assert points[0]["fuel_hours_left"] == pytest.approx(800 / 9.9, rel=0.01)
    r = client.post(
        f"{base}/log",
        {"text": "Diesel beställd"},
        content_type="application/json",
        **auth(token),
    )
    assert r.status_code == 201
    kinds = [e["kind"] for e in client.get(f"{base}/log", **h).json()]
    assert "delivery" in kinds and "note" in kinds
    own_log = client.get(f"{base}/log", **auth(token)).json()
    assert {e["point_id"] for e in own_log} == {"kall"}
    assert client.get(f"{base}/situation-report", **auth(token)).status_code == 403
    sitrep = client.get(f"{base}/situation-report", **h).json()
    assert sitrep["text"].startswith("ÖVNING ÖVNING ÖVNING")


def test_api_needs_authentication_and_scope(client, storm, kall_active, krokom_officer):
    assert client.get("/api/v1/operations/events").status_code == 401
    secret = ApiToken.issue(user=krokom_officer, name="t")[1]
    assert client.get("/api/v1/operations/events", **auth(secret)).json() == []
    r = client.get(f"/api/v1/operations/events/{storm.pk}", **auth(secret))
    assert r.status_code == 404
