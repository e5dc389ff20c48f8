"""The OpenAPI 3.0 definition of a :class:`sot.public.core.ogc.FeaturesAPI`.

Kept short on purpose: it names every path and query parameter the service
accepts (so that unknown parameters can be refused with 400, as Core asks), and
refers to the OGC schemas by description rather than copying them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sot.public.core.ogc import FeaturesAPI


def _param(name: str, schema: dict, description: str, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": description,
        "style": "form",
        "explode": False,
    }


def _ok(description: str, media: str) -> dict:
    return {
        "200": {
            "description": description,
            "content": {media: {"schema": {"type": "object"}}},
        },
        "400": {"description": "Invalid query parameter"},
        "404": {"description": "Not found"},
    }


def openapi_document(api: FeaturesAPI) -> dict:
    from sot.public.core.ogc import DEFAULT_LIMIT, GEOJSON, JSON, MAX_LIMIT

    f_param = _param("f", {"type": "string", "enum": ["json"]}, "Response format")
    paths: dict[str, dict] = {
        "/": {
            "get": {
                "summary": "Landing page",
                "parameters": [f_param],
                "responses": _ok("Landing page", JSON),
            }
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "parameters": [f_param],
                "responses": _ok("Conformance", JSON),
            }
        },
        "/api": {
            "get": {
                "summary": "This API definition",
                "responses": _ok("OpenAPI 3.0", JSON),
            }
        },
        "/collections": {
            "get": {
                "summary": "Feature collections",
                "parameters": [f_param],
                "responses": _ok("Collections", JSON),
            }
        },
    }
    for coll in api.collections.values():
        base = f"/collections/{coll.id}"
        params = [
            f_param,
            _param(
                "limit",
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_LIMIT,
                    "default": DEFAULT_LIMIT,
                },
                "Items per page",
            ),
            _param(
                "offset",
                {"type": "integer", "minimum": 0, "default": 0},
                "Number of items to skip",
            ),
            _param(
                "bbox",
                {
                    "type": "array",
                    "minItems": 4,
                    "maxItems": 6,
                    "items": {"type": "number"},
                },
                "minLon,minLat,maxLon,maxLat in CRS84",
            ),
            _param("bbox-crs", {"type": "string", "format": "uri"}, "CRS84 only"),
            _param(
                "datetime",
                {"type": "string"},
                f"Instant or interval on property {coll.temporal_property!r}",
            ),
            *[
                _param(name, {"type": "string"}, f"Equal to property {name}")
                for name in coll.filters
            ],
        ]
        paths[base] = {
            "get": {
                "summary": coll.title,
                "parameters": [f_param],
                "responses": _ok("Collection", JSON),
            }
        }
        paths[base + "/items"] = {
            "get": {
                "summary": f"{coll.title}: features",
                "parameters": params,
                "responses": _ok("Features", GEOJSON),
            }
        }
        paths[base + "/items/{featureId}"] = {
            "get": {
                "summary": f"{coll.title}: one feature",
                "parameters": [
                    _param("featureId", {"type": "string"}, "Feature id", "path"),
                    f_param,
                ],
                "responses": _ok("Feature", GEOJSON),
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
    }
