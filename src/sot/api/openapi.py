"""The complete OpenAPI document of /api/v1: security, every error status, examples.

django-ninja documents what a handler returns on success. Everything else an
operation can answer comes from one place, the API's exception handlers in
:mod:`sot.api.main` (the error hierarchy of :mod:`sot.errors`, Django's validation
errors, ninja's own input validation and authentication), so it is documented here
once, by rule, for every operation:

| status | when | on |
|---|---|---|
| 401 | a wrong, expired or revoked bearer token; no credentials where needed | every operation |
| 403 | the caller's role or scope does not allow the action | every operation but the open ones |
| 404 | no such object (or one the caller may not know of) | operations with a path parameter, and writes (they name objects in the body) |
| 409 | the object changed or was decided in the meantime | writes |
| 422 | input that breaks a rule or does not parse | operations that take parameters or a body |
| 429 | too many requests lately (rate limit, docs/security.md) | the operations in :data:`RATE_LIMITED` |

The open operations (anyone may call them, anonymous callers see public fields) are
listed in :data:`OPEN_OPERATIONS`; all others need a bearer token (``TokenAuth``) or
the session cookie of a signed-in official (``SessionCookie``, writes then also need
Django's CSRF token). ``tests/api/test_openapi_contract.py`` runs schemathesis over
every operation and fails on any status code this document does not list.
"""

from __future__ import annotations

#: operationIds that anyone may call, without credentials.
OPEN_OPERATIONS = frozenset(
    {
        "sot_registry_api_list_points",
        "sot_registry_api_points_geojson",
        "sot_registry_api_get_point",
        "sot_outreach_api_subscribe",
    }
)
WRITES = frozenset({"post", "put", "patch", "delete"})
TOKEN = "TokenAuth"
SESSION = "SessionCookie"

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "type": "string",
            "description": "What went wrong, for a person; prefixed with a stable "
            "machine code (`code: message`) where the caller may branch on it",
        }
    },
}
VALIDATION_SCHEMA = {
    "title": "ValidationError",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "description": '"invalid" with the reasons by field in `errors`, or '
            "ninja's list of input errors (`type`, `loc`, `msg`)",
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object"}},
            ],
        },
        "errors": {
            "type": "object",
            "description": "Messages by field (`__all__` for the whole input)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
_ERRORS = {
    "401": (
        "No valid credentials: a wrong, expired or revoked token, or none where "
        "the operation needs them",
        {"detail": "invalid or revoked token"},
    ),
    "403": (
        "Refused: the caller's role or scope does not allow this",
        {"detail": "permission denied"},
    ),
    "404": ("No such object", {"detail": "Not Found"}),
    "409": (
        "Conflict: the object changed or was decided in the meantime; reload and "
        "try again",
        {"detail": "stale: the point's status changed since you loaded it"},
    ),
    "429": (
        "Too many requests of this kind from the caller lately; try again later",
        {"detail": "För många anmälningar härifrån. Försök igen senare."},
    ),
}
#: operationIds with a rate limit (docs/security.md): they may answer 429.
RATE_LIMITED = frozenset({"sot_outreach_api_subscribe"})
_VALIDATION_EXAMPLE = {
    "detail": "invalid",
    "errors": {"bbox": ["bbox is minLon,minLat,maxLon,maxLat, four numbers"]},
}


def _error_response(description: str, example: dict, ref: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{ref}"},
                "example": example,
            }
        },
    }


def complete(schema: dict) -> dict:
    """Add security requirements, error responses and examples to ``schema`` (the
    document ninja generated), in place; returns it."""
    components = schema.setdefault("components", {})
    schemes = components.setdefault("securitySchemes", {})
    schemes[TOKEN] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: `sot createuser --token` or the admin; "
        "`Authorization: Bearer <token>`",
    }
    schemes[SESSION] = {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": "The session of an official signed in on the site (writes "
        "also need the CSRF token in `X-CSRFToken`)",
    }
    schemas = components.setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas["ValidationError"] = VALIDATION_SCHEMA

    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in WRITES | {"get", "head"}:
                continue
            _complete_operation(method, operation)
    return schema


def _complete_operation(method: str, operation: dict) -> None:
    open_ = operation.get("operationId") in OPEN_OPERATIONS
    token_only = operation.get("security") == [{TOKEN: []}]
    if open_:
        operation["security"] = [{}, {TOKEN: []}, {SESSION: []}]
    elif token_only:
        operation["security"] = [{TOKEN: []}]
    else:
        operation["security"] = [{TOKEN: []}, {SESSION: []}]

    params = operation.get("parameters", [])
    has_path = any(p.get("in") == "path" for p in params)
    write = method in WRITES
    codes = ["401"]
    if not open_:
        codes.append("403")
    if has_path or write:
        codes.append("404")
    if write:
        codes.append("409")
    if operation.get("operationId") in RATE_LIMITED:
        codes.append("429")
    responses = operation.setdefault("responses", {})
    for code in codes:
        description, example = _ERRORS[code]
        responses.setdefault(code, _error_response(description, example, "Error"))
    if params or "requestBody" in operation:
        responses.setdefault(
            "422",
            _error_response(
                "Invalid input: a value out of range, of the wrong type, or one "
                "that breaks a rule",
                _VALIDATION_EXAMPLE,
                "ValidationError",
            ),
        )
