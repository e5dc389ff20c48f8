"""/api/v1/openapi.json: valid, with security on the operations that need it, every
error status with its schema, and examples (#14)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.db

OPEN = {
    ("get", "/api/v1/points"),
    ("get", "/api/v1/points.geojson"),
    ("get", "/api/v1/points/{point_id}"),
    ("post", "/api/v1/notify/subscriptions"),
}


@pytest.fixture
def document(client, db):
    """The OpenAPI document as served."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_passes_openapi_spec_validator(document):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)


def test_security_schemes_are_declared_and_used(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["TokenAuth"]["description"],
    }
    assert schemes["SessionCookie"]["in"] == "cookie"
    for method, path, operation in _operations(document):
        security = operation.get("security")
        assert security, f"{method} {path} declares no security"
        if (method, path) in OPEN:
            assert {} in security, f"{method} {path} is open to anyone"
        else:
            assert {} not in security, f"{method} {path} needs credentials"
            assert "403" in operation["responses"], f"{method} {path}"


def test_every_operation_documents_its_errors_with_the_schema(document):
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        assert "401" in responses, f"{method} {path}"
        if "{" in path or method != "get":
            assert "404" in responses, f"{method} {path}"
        if method != "get":
            assert "409" in responses, f"{method} {path}"
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in responses, f"{method} {path}"
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                content = response["content"]["application/json"]
                assert content["schema"]["$ref"] in (
                    "#/components/schemas/Error",
                    "#/components/schemas/ValidationError",
                )
                assert "example" in content, f"{method} {path} {code}"


def test_the_error_examples_are_what_the_api_answers(client, jamtland):
    bad_token = client.get(
        "/api/v1/operations/events", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert bad_token.status_code == 401
    assert json.loads(bad_token.content) == {"detail": "invalid or revoked token"}
    missing = client.get("/api/v1/points/no-such-point")
    assert missing.status_code == 404 and "detail" in json.loads(missing.content)
    invalid = client.get("/api/v1/points", {"bbox": "x"})
    assert invalid.status_code == 422
    assert json.loads(invalid.content) == {
        "detail": "invalid",
        "errors": {"bbox": ["bbox is minLon,minLat,maxLon,maxLat, four numbers"]},
    }


def test_points_have_examples(document):
    schemas = document["components"]["schemas"]
    assert schemas["PointOut"].get("example", {}).get("id") == "kall"
    assert schemas["PointIn"].get("example", {}).get("municipality_code") == "2321"
