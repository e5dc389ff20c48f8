"""The OpenAPI 3.0 definition of a :class:`sot.public.core.ogc.FeaturesAPI`.

It names every path and query parameter the service accepts (so that unknown
parameters can be refused with 400, as Core asks), every status code with the error
schema, and describes the OGC documents briefly rather than copying the OGC
schemas. Checked with openapi-spec-validator in the tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sot.public.core.ogc_params import (
    CRS84,
    DEFAULT_LIMIT,
    FORMATS,
    GEOJSON,
    JSON,
    MAX_LIMIT,
    OPENAPI,
    SCHEMA_JSON,
    SUPPORTED_CRS,
)

if TYPE_CHECKING:  # for the annotation only: sot.public.core.ogc imports this module
    from sot.public.core.ogc import FeaturesAPI

_ERROR_REF = {"$ref": "#/components/schemas/exception"}


def _query(name: str, schema: dict, description: str, **extra) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
        "style": "form",
        "explode": False,
        **extra,
    }


def _path(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


def _responses(description: str, media: str, *, not_found: bool = True) -> dict:
    errors = {"application/json": {"schema": _ERROR_REF}, "text/html": {}}
    out = {
        "200": {
            "description": description,
            "content": {
                media: {"schema": {"type": "object"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
        "400": {
            "description": "An unknown query parameter or an invalid value",
            "content": errors,
        },
    }
    if not_found:
        out["404"] = {"description": "No such collection or feature", "content": errors}
    return out


def openapi_document(api: FeaturesAPI) -> dict:
    f_param = _query(
        "f",
        {"type": "string", "enum": list(FORMATS)},
        "Response format: json (GeoJSON for features) or html; without it the "
        "Accept header decides",
    )
    crs_schema = {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS)}
    crs_param = _query(
        "crs",
        crs_schema,
        "CRS of the coordinates in the response (OGC API - Features - Part 2); "
        f"default {CRS84}. EPSG:3006 coordinates are northing, easting in metres.",
    )
    paths: dict[str, dict] = {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "getLandingPage",
                "parameters": [f_param],
                "responses": _responses("Landing page", JSON, not_found=False),
            }
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "operationId": "getConformance",
                "parameters": [f_param],
                "responses": _responses("Conformance", JSON, not_found=False),
            }
        },
        "/api": {
            "get": {
                "summary": "This API definition",
                "operationId": "getAPI",
                "parameters": [
                    _query("f", {"type": "string", "enum": ["json"]}, "json only")
                ],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.0",
                        "content": {OPENAPI: {"schema": {"type": "object"}}},
                    },
                    "304": {"description": "Not modified"},
                    "400": {
                        "description": "An unknown query parameter or f other than json",
                        "content": {"application/json": {"schema": _ERROR_REF}},
                    },
                },
            }
        },
        "/collections": {
            "get": {
                "summary": "Feature collections",
                "operationId": "getCollections",
                "parameters": [f_param],
                "responses": _responses("Collections", JSON, not_found=False),
            }
        },
    }
    for coll in api.collections.values():
        base = f"/collections/{coll.id}"
        op = coll.id.replace("-", "_")
        params = [
            f_param,
            _query(
                "limit",
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_LIMIT,
                    "default": DEFAULT_LIMIT,
                },
                f"Items per page (larger values are capped at {MAX_LIMIT})",
            ),
            _query(
                "offset",
                {"type": "integer", "minimum": 0, "default": 0},
                "Number of items to skip",
            ),
            _query(
                "bbox",
                {
                    "type": "array",
                    "minItems": 4,
                    "maxItems": 6,
                    "items": {"type": "number"},
                },
                "Bounding box in the axis order of bbox-crs: minLon,minLat,maxLon,"
                "maxLat in CRS84 (default), minN,minE,maxN,maxE in EPSG:3006",
            ),
            _query("bbox-crs", crs_schema, f"CRS of bbox; default {CRS84}"),
            crs_param,
            _query(
                "datetime",
                {"type": "string"},
                "RFC 3339 instant or interval start/end (.. for open) on property "
                f"{coll.temporal_property!r}",
            ),
            *[
                _query(
                    name,
                    _openapi_schema(schema),
                    schema.get("description", f"Equal to property {name}"),
                )
                for name, schema in coll.queryables.items()
            ],
        ]
        paths[base] = {
            "get": {
                "summary": coll.title,
                "operationId": f"describe_{op}",
                "parameters": [f_param],
                "responses": _responses("Collection", JSON),
            }
        }
        paths[base + "/queryables"] = {
            "get": {
                "summary": f"{coll.title}: properties to filter on (JSON Schema)",
                "operationId": f"queryables_{op}",
                "parameters": [f_param],
                "responses": _responses("Queryables", SCHEMA_JSON),
            }
        }
        paths[base + "/items"] = {
            "get": {
                "summary": f"{coll.title}: features",
                "operationId": f"items_{op}",
                "parameters": params,
                "responses": _responses("Features", GEOJSON),
            }
        }
        paths[base + "/items/{featureId}"] = {
            "get": {
                "summary": f"{coll.title}: one feature",
                "operationId": f"item_{op}",
                "parameters": [_path("featureId", "Feature id"), f_param, crs_param],
                "responses": _responses("Feature", GEOJSON),
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": api.title,
            "description": api.description,
            "version": "1.0.0",
            "license": {"name": "CC0-1.0"},
        },
        "servers": [{"url": api.base_url}],
        "paths": paths,
        "components": {
            "schemas": {
                "exception": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "example": "InvalidParameterValue",
                        },
                        "description": {
                            "type": "string",
                            "example": "open is true or false (or 1 or 0), got 'yes'",
                        },
                    },
                }
            }
        },
    }


def _openapi_schema(schema: Mapping) -> dict:
    """A queryable's JSON Schema as an OpenAPI 3.0 schema (only the shared keys)."""
    return {k: v for k, v in schema.items() if k in ("type", "enum", "pattern")}
