"""OGC API - Features (OGC 17-069r4, 18-058r1, 19-079r2), framework-free.

In the style of pygeoapi, every endpoint is a method that takes the query parameters
as a plain mapping (and the request's ``Accept`` header) and returns ``(headers,
status, content)``; the Django views in ``sot.public.views`` are thin wrappers.

Conformance classes: Part 1 Core, GeoJSON, HTML and OpenAPI 3.0; Part 2 CRS by
reference (CRS84 and EPSG:3006, SWEREF 99 TM); Part 3 Queryables and Queryables as
query parameters. Paths, relative to ``base_url`` (the landing page):

- ``/`` landing page, ``/conformance``, ``/api`` (OpenAPI 3.0 definition)
- ``/collections``, ``/collections/{id}``, ``/collections/{id}/queryables``
- ``/collections/{id}/items`` with ``limit``, ``offset``, ``bbox``, ``bbox-crs``,
  ``datetime``, ``crs`` and equality filters on the queryables; ``next``/``prev``
  links page through
- ``/collections/{id}/items/{featureId}`` with ``crs``

Every response is JSON (GeoJSON for features) or HTML, chosen by ``f=json|html`` or,
without ``f``, by the ``Accept`` header. Errors are ``{"code", "description"}`` (or
an HTML page when HTML was asked for): 400 for an unknown parameter or a wrong
value, 404 for an unknown collection, feature or path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from sot.public.core import ogc_html
from sot.public.core.ogc_openapi import openapi_document
from sot.public.core.ogc_params import (
    CRS84,
    DEFAULT_LIMIT,
    EPSG3006,
    FORMATS,
    GEOJSON,
    JSON,
    MAX_LIMIT,
    OPENAPI,
    SCHEMA_JSON,
    SUPPORTED_CRS,
    InvalidParameter,
    extent,
    geometry_in,
    in_bbox,
    in_interval,
    parse_bbox,
    parse_crs,
    parse_datetime,
    parse_filter,
    parse_int,
)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
]
HTML = "text/html; charset=utf-8"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"

Response = tuple[dict[str, str], int, str]

__all__ = [
    "CRS84",
    "EPSG3006",
    "SUPPORTED_CRS",
    "Collection",
    "FeaturesAPI",
    "InvalidParameter",
    "extent",
    "in_bbox",
    "parse_bbox",
    "parse_datetime",
    "parse_int",
]


@dataclass
class Collection:
    """A feature collection served in memory (the public set is small).

    ``features`` are GeoJSON Feature dicts with a string ``id`` and geometry in
    CRS84; ``temporal_property`` names the property that ``datetime`` filters on;
    ``queryables`` the properties a client may filter on by equality, each with its
    JSON Schema (``type`` ``string``/``boolean``/``integer``/``number``, optional
    ``enum``, ``pattern``, ``title``, ``description``).
    """

    id: str
    title: str
    description: str = ""
    features: Sequence[dict] = ()
    temporal_property: str | None = None
    queryables: Mapping[str, Mapping] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()


def _accepts_html(accept: str) -> bool:
    """True when ``Accept`` prefers HTML to JSON (a browser); ties go to JSON."""
    best = {"html": -1.0, "json": -1.0}
    for part in accept.split(","):
        media, _, rest = part.strip().partition(";")
        q = 1.0
        for param in rest.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media in ("text/html", "application/xhtml+xml"):
            best["html"] = max(best["html"], q)
        elif media.endswith("json") or media == "*/*":
            best["json"] = max(best["json"], q if media != "*/*" else q - 0.001)
    return best["html"] > 0 and best["html"] > best["json"]


@dataclass
class FeaturesAPI:
    """One OGC API - Features service rooted at ``base_url`` (absolute, no slash)."""

    base_url: str
    title: str
    description: str = ""
    collections: dict[str, Collection] = field(default_factory=dict)

    # -- helpers -----------------------------------------------------------------
    def _url(self, path: str = "", **params) -> str:
        query = {k: v for k, v in params.items() if v is not None}
        return self.base_url + path + ("?" + urlencode(query) if query else "")

    def _respond(
        self,
        document: dict,
        fmt: str,
        *,
        kind: str,
        status: int = 200,
        media: str = JSON,
        crs: str | None = None,
    ) -> Response:
        if fmt == "html":
            page = ogc_html.render(kind, document, api_title=self.title)
            return {"Content-Type": HTML}, status, page
        headers = {"Content-Type": media}
        if crs:
            headers["Content-Crs"] = f"<{crs}>"
        return headers, status, json.dumps(document, ensure_ascii=False)

    def _error(self, status: int, code: str, description: str, fmt: str) -> Response:
        doc = {"code": code, "description": description}
        return self._respond(doc, fmt, kind="error", status=status)

    @staticmethod
    def _format(params: Mapping[str, str], accept: str) -> str:
        """``f`` if given (it must be one of :data:`FORMATS`), else from ``Accept``."""
        fmt = params.get("f")
        if fmt is None:
            return "html" if _accepts_html(accept) else "json"
        if fmt not in FORMATS:
            raise InvalidParameter(
                f"Unsupported format f={fmt!r}; use f=json or f=html"
            )
        return fmt

    def _begin(
        self, params: Mapping[str, str], accept: str, allowed: set[str]
    ) -> tuple[str, Response | None]:
        """The response format, or a 400 for a bad ``f`` or an unknown parameter."""
        try:
            fmt = self._format(params, accept)
        except InvalidParameter as exc:
            fmt = "html" if _accepts_html(accept) else "json"
            return fmt, self._error(400, "InvalidParameterValue", str(exc), fmt)
        unknown = sorted(set(params) - allowed - {"f"})
        if unknown:
            return fmt, self._error(
                400,
                "InvalidParameterValue",
                f"Unknown query parameter(s): {', '.join(unknown)}; "
                f"this resource takes {', '.join(sorted(allowed | {'f'}))}",
                fmt,
            )
        return fmt, None

    def _alternates(self, path: str, fmt: str, media: str = JSON, **keep) -> list:
        """``self`` and ``alternate`` links between the JSON and HTML forms."""
        forms = {"json": media, "html": "text/html"}
        return [
            {
                "href": self._url(path, **keep, f=name),
                "rel": "self" if name == fmt else "alternate",
                "type": forms[name],
                "title": "This document" if name == fmt else f"This document as {name}",
            }
            for name in FORMATS
        ]

    # -- resources ---------------------------------------------------------------
    def landing_page(self, params: Mapping[str, str], accept: str = "") -> Response:
        fmt, bad = self._begin(params, accept, set())
        if bad:
            return bad
        links = [
            *self._alternates("/", fmt),
            {
                "href": self._url("/api"),
                "rel": "service-desc",
                "type": OPENAPI,
                "title": "The API definition (OpenAPI 3.0)",
            },
        ]
        for rel in (
            "conformance",
            "http://www.opengis.net/def/rel/ogc/1.0/conformance",
        ):
            links.append(
                {
                    "href": self._url("/conformance"),
                    "rel": rel,
                    "type": JSON,
                    "title": "Conformance classes",
                }
            )
        for rel in ("data", "http://www.opengis.net/def/rel/ogc/1.0/data"):
            links.append(
                {
                    "href": self._url("/collections"),
                    "rel": rel,
                    "type": JSON,
                    "title": "Feature collections",
                }
            )
        doc = {"title": self.title, "description": self.description, "links": links}
        return self._respond(doc, fmt, kind="landing")

    def conformance(self, params: Mapping[str, str], accept: str = "") -> Response:
        fmt, bad = self._begin(params, accept, set())
        if bad:
            return bad
        doc = {"conformsTo": list(CONFORMANCE)}
        return self._respond(doc, fmt, kind="conformance")

    def _collection_doc(self, coll: Collection) -> dict:
        base = f"/collections/{coll.id}"
        return {
            "id": coll.id,
            "title": coll.title,
            "description": coll.description,
            "keywords": list(coll.keywords),
            "itemType": "feature",
            "crs": list(SUPPORTED_CRS),
            "storageCrs": CRS84,
            "extent": {
                "spatial": {"bbox": [extent(coll.features)], "crs": CRS84},
                "temporal": {
                    "interval": [[None, None]],
                    "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
                },
            },
            "links": [
                {
                    "href": self._url(base),
                    "rel": "self",
                    "type": JSON,
                    "title": coll.title,
                },
                {
                    "href": self._url(base, f="html"),
                    "rel": "alternate",
                    "type": "text/html",
                    "title": f"{coll.title} (HTML)",
                },
                {
                    "href": self._url(base + "/items"),
                    "rel": "items",
                    "type": GEOJSON,
                    "title": f"{coll.title} (GeoJSON)",
                },
                {
                    "href": self._url(base + "/items", f="html"),
                    "rel": "items",
                    "type": "text/html",
                    "title": f"{coll.title} (HTML)",
                },
                {
                    "href": self._url(base + "/queryables"),
                    "rel": QUERYABLES_REL,
                    "type": SCHEMA_JSON,
                    "title": "Properties to filter on (JSON Schema)",
                },
            ],
        }

    def list_collections(self, params: Mapping[str, str], accept: str = "") -> Response:
        fmt, bad = self._begin(params, accept, set())
        if bad:
            return bad
        doc = {
            "links": self._alternates("/collections", fmt),
            "crs": list(SUPPORTED_CRS),
            "collections": [self._collection_doc(c) for c in self.collections.values()],
        }
        return self._respond(doc, fmt, kind="collections")

    def _collection(
        self, collection_id: str, fmt: str
    ) -> tuple[Collection | None, Response | None]:
        coll = self.collections.get(collection_id)
        if coll is None:
            known = ", ".join(self.collections) or "none"
            return None, self._error(
                404,
                "NotFound",
                f"No collection {collection_id!r}; collections: {known}",
                fmt,
            )
        return coll, None

    def describe_collection(
        self, params: Mapping[str, str], collection_id: str, accept: str = ""
    ) -> Response:
        fmt, bad = self._begin(params, accept, set())
        coll, missing = self._collection(collection_id, fmt)
        if missing is not None:
            return missing
        if bad is not None:
            return bad
        assert coll is not None  # _collection gives the collection or its 404
        return self._respond(self._collection_doc(coll), fmt, kind="collection")

    def queryables(
        self, params: Mapping[str, str], collection_id: str, accept: str = ""
    ) -> Response:
        """Part 3: the filterable properties as a JSON Schema (draft 2020-12)."""
        fmt, bad = self._begin(params, accept, set())
        coll, missing = self._collection(collection_id, fmt)
        if missing is not None:
            return missing
        if bad is not None:
            return bad
        assert coll is not None  # _collection gives the collection or its 404
        doc = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": self._url(f"/collections/{coll.id}/queryables"),
            "type": "object",
            "title": coll.title,
            "description": "Properties to filter the items on, as query "
            "parameters: ?name=value (equality).",
            "properties": {
                name: dict(schema) for name, schema in coll.queryables.items()
            },
            "additionalProperties": False,
        }
        return self._respond(doc, fmt, kind="queryables", media=SCHEMA_JSON)

    def get_items(
        self, params: Mapping[str, str], collection_id: str, accept: str = ""
    ) -> Response:
        fmt, _ = self._begin(params, accept, set())
        coll, missing = self._collection(collection_id, fmt)
        if missing:
            return missing
        assert coll is not None  # _collection gives the collection or its 404
        allowed = {"limit", "offset", "bbox", "bbox-crs", "datetime", "crs"}
        fmt, bad = self._begin(params, accept, allowed | set(coll.queryables))
        if bad:
            return bad
        try:
            limit = parse_int(
                params.get("limit"), DEFAULT_LIMIT, minimum=1, name="limit"
            )
            limit = min(limit, MAX_LIMIT)
            offset = parse_int(params.get("offset"), 0, minimum=0, name="offset")
            bbox_crs = parse_crs(params.get("bbox-crs"), "bbox-crs")
            bbox = parse_bbox(params.get("bbox"), bbox_crs)
            crs = parse_crs(params.get("crs"), "crs")
            interval = parse_datetime(params.get("datetime"))
            wanted = {
                name: parse_filter(name, params[name], schema)
                for name, schema in coll.queryables.items()
                if name in params
            }
        except InvalidParameter as exc:
            return self._error(400, "InvalidParameterValue", str(exc), fmt)

        selected = []
        for feature in coll.features:
            if bbox and not in_bbox(feature, bbox, bbox_crs):
                continue
            if interval and not in_interval(feature, coll.temporal_property, interval):
                continue
            props = feature.get("properties") or {}
            if any(props.get(name) != value for name, value in wanted.items()):
                continue
            selected.append(feature)

        page = selected[offset : offset + limit]
        keep = {k: v for k, v in params.items() if k not in ("offset", "limit", "f")}
        path = f"/collections/{coll.id}/items"
        links = [
            *self._alternates(
                path, fmt, GEOJSON, **keep, limit=limit, offset=offset or None
            ),
            {
                "href": self._url(f"/collections/{coll.id}"),
                "rel": "collection",
                "type": JSON,
                "title": coll.title,
            },
        ]
        media = GEOJSON if fmt == "json" else "text/html"
        html_f = "html" if fmt == "html" else None  # JSON links stay as clients sent
        if offset + limit < len(selected):
            links.append(
                {
                    "href": self._url(
                        path, **keep, limit=limit, offset=offset + limit, f=html_f
                    ),
                    "rel": "next",
                    "type": media,
                    "title": "Next page",
                }
            )
        if offset > 0:
            links.append(
                {
                    "href": self._url(
                        path,
                        **keep,
                        limit=limit,
                        offset=max(offset - limit, 0) or None,
                        f=html_f,
                    ),
                    "rel": "prev",
                    "type": media,
                    "title": "Previous page",
                }
            )
        doc = {
            "type": "FeatureCollection",
            "title": coll.title,
            "features": [self._with_links(coll, f, crs) for f in page],
            "links": links,
            "numberMatched": len(selected),
            "numberReturned": len(page),
            "timeStamp": datetime.now(UTC)
            .replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z"),
        }
        return self._respond(doc, fmt, kind="items", media=GEOJSON, crs=crs)

    def _with_links(self, coll: Collection, feature: dict, crs: str) -> dict:
        out = dict(feature)
        out["geometry"] = geometry_in(feature.get("geometry"), crs)
        out["links"] = [
            {
                "href": self._url(f"/collections/{coll.id}/items/{feature['id']}"),
                "rel": "self",
                "type": GEOJSON,
                "title": "This feature",
            },
            {
                "href": self._url(f"/collections/{coll.id}"),
                "rel": "collection",
                "type": JSON,
                "title": coll.title,
            },
        ]
        return out

    def get_item(
        self,
        params: Mapping[str, str],
        collection_id: str,
        feature_id: str,
        accept: str = "",
    ) -> Response:
        fmt, bad = self._begin(params, accept, {"crs"})
        coll, missing = self._collection(collection_id, fmt)
        if missing is not None:
            return missing
        if bad is not None:
            return bad
        assert coll is not None  # _collection gives the collection or its 404
        try:
            crs = parse_crs(params.get("crs"), "crs")
        except InvalidParameter as exc:
            return self._error(400, "InvalidParameterValue", str(exc), fmt)
        for feature in coll.features:
            if str(feature.get("id")) == feature_id:
                doc = self._with_links(coll, feature, crs)
                return self._respond(doc, fmt, kind="item", media=GEOJSON, crs=crs)
        return self._error(
            404, "NotFound", f"No feature {feature_id!r} in {collection_id!r}", fmt
        )

    def api_definition(self, params: Mapping[str, str], accept: str = "") -> Response:
        """The OpenAPI 3.0 document (JSON whatever ``Accept`` says; ``f=json``)."""
        fmt, bad = self._begin(params, "", set())
        if bad:
            return bad
        if fmt != "json":
            return self._error(
                400, "InvalidParameterValue", "The API definition is f=json only", fmt
            )
        return self._respond(openapi_document(self), fmt, kind="api", media=OPENAPI)

    def not_found(
        self, params: Mapping[str, str], path: str, accept: str = ""
    ) -> Response:
        """Any other path under the service: a 404 in JSON (or HTML)."""
        fmt = params.get("f")
        if fmt not in FORMATS:
            fmt = "html" if _accepts_html(accept) else "json"
        return self._error(
            404,
            "NotFound",
            f"No resource at {path!r}; start at the landing page {self._url('/')}",
            fmt,
        )
