"""OGC API - Features - Part 1: Core (OGC 17-069r4), framework-free.

In the style of pygeoapi, every endpoint is a method that takes the query parameters
as a plain mapping and returns ``(headers, status, content)``; the Django views in
``sot.public.ogc_views`` are thin wrappers. Conformance classes: Core, GeoJSON and
OpenAPI 3.0. The only CRS is CRS84 (longitude, latitude, WGS84).

Paths, relative to the root given as ``base_url`` (the landing page):

- ``/`` landing page, ``/conformance``, ``/api`` (OpenAPI 3.0 definition)
- ``/collections``, ``/collections/{id}``
- ``/collections/{id}/items`` with ``limit``, ``offset``, ``bbox``, ``datetime`` and
  equality filters on declared properties; ``next``/``prev`` links page through
- ``/collections/{id}/items/{featureId}``
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

Response = tuple[dict[str, str], int, str]


@dataclass
class Collection:
    """A feature collection served in memory (the public set is small).

    ``features`` are GeoJSON Feature dicts with a string ``id`` and Point or other
    geometry in CRS84; ``temporal_property`` names the property that ``datetime``
    filters on; ``filters`` the properties a client may filter on by equality.
    """

    id: str
    title: str
    description: str = ""
    features: Sequence[dict] = ()
    temporal_property: str | None = None
    filters: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


class InvalidParameter(ValueError):
    """A query parameter the client got wrong (HTTP 400)."""


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

    @staticmethod
    def _respond(document: dict, status: int = 200, media: str = JSON) -> Response:
        headers = {"Content-Type": media}
        if media == GEOJSON:
            headers["Content-Crs"] = f"<{CRS84}>"
        return headers, status, json.dumps(document, ensure_ascii=False)

    @classmethod
    def _error(cls, status: int, code: str, description: str) -> Response:
        return cls._respond({"code": code, "description": description}, status)

    @classmethod
    def _check_format(cls, params: Mapping[str, str]) -> Response | None:
        fmt = params.get("f")
        if fmt not in (None, "", "json", "geojson", "jsonld"):
            return cls._error(
                400, "InvalidParameterValue", f"Unsupported format f={fmt}; use f=json"
            )
        return None

    # -- resources ---------------------------------------------------------------
    def landing_page(self, params: Mapping[str, str]) -> Response:
        if bad := self._check_format(params):
            return bad
        doc = {
            "title": self.title,
            "description": self.description,
            "links": [
                {
                    "href": self._url("/"),
                    "rel": "self",
                    "type": JSON,
                    "title": "This document",
                },
                {
                    "href": self._url("/api"),
                    "rel": "service-desc",
                    "type": OPENAPI,
                    "title": "The API definition (OpenAPI 3.0)",
                },
                {
                    "href": self._url("/conformance"),
                    "rel": "conformance",
                    "type": JSON,
                    "title": "Conformance classes",
                },
                {
                    "href": self._url("/conformance"),
                    "rel": "http://www.opengis.net/def/rel/ogc/1.0/conformance",
                    "type": JSON,
                    "title": "Conformance classes",
                },
                {
                    "href": self._url("/collections"),
                    "rel": "data",
                    "type": JSON,
                    "title": "Feature collections",
                },
                {
                    "href": self._url("/collections"),
                    "rel": "http://www.opengis.net/def/rel/ogc/1.0/data",
                    "type": JSON,
                    "title": "Feature collections",
                },
            ],
        }
        return self._respond(doc)

    def conformance(self, params: Mapping[str, str]) -> Response:
        if bad := self._check_format(params):
            return bad
        return self._respond({"conformsTo": list(CONFORMANCE)})

    def _collection_doc(self, coll: Collection) -> dict:
        return {
            "id": coll.id,
            "title": coll.title,
            "description": coll.description,
            "keywords": list(coll.keywords),
            "itemType": "feature",
            "crs": [CRS84],
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
                    "href": self._url(f"/collections/{coll.id}"),
                    "rel": "self",
                    "type": JSON,
                    "title": coll.title,
                },
                {
                    "href": self._url(f"/collections/{coll.id}/items"),
                    "rel": "items",
                    "type": GEOJSON,
                    "title": f"{coll.title} (GeoJSON)",
                },
            ],
        }

    def list_collections(self, params: Mapping[str, str]) -> Response:
        if bad := self._check_format(params):
            return bad
        doc = {
            "links": [
                {
                    "href": self._url("/collections"),
                    "rel": "self",
                    "type": JSON,
                    "title": "This document",
                },
            ],
            "collections": [self._collection_doc(c) for c in self.collections.values()],
        }
        return self._respond(doc)

    def describe_collection(
        self, params: Mapping[str, str], collection_id: str
    ) -> Response:
        if bad := self._check_format(params):
            return bad
        coll = self.collections.get(collection_id)
        if coll is None:
            return self._error(404, "NotFound", f"No collection {collection_id!r}")
        return self._respond(self._collection_doc(coll))

    def get_items(self, params: Mapping[str, str], collection_id: str) -> Response:
        coll = self.collections.get(collection_id)
        if coll is None:
            return self._error(404, "NotFound", f"No collection {collection_id!r}")
        if bad := self._check_format(params):
            return bad
        known = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime", *coll.filters}
        unknown = sorted(set(params) - known)
        if unknown:
            return self._error(
                400,
                "InvalidParameterValue",
                f"Unknown query parameter(s): {', '.join(unknown)}",
            )
        try:
            limit = parse_int(
                params.get("limit"), DEFAULT_LIMIT, minimum=1, name="limit"
            )
            limit = min(limit, MAX_LIMIT)
            offset = parse_int(params.get("offset"), 0, minimum=0, name="offset")
            bbox = parse_bbox(params.get("bbox"))
            crs = params.get("bbox-crs")
            if crs not in (None, "", CRS84):
                raise InvalidParameter(f"Unsupported bbox-crs {crs}; only {CRS84}")
            interval = parse_datetime(params.get("datetime"))
        except InvalidParameter as exc:
            return self._error(400, "InvalidParameterValue", str(exc))

        selected = []
        for feature in coll.features:
            if bbox and not in_bbox(feature, bbox):
                continue
            if interval and not in_interval(feature, coll.temporal_property, interval):
                continue
            props = feature.get("properties") or {}
            if any(
                name in params and str(props.get(name)).lower() != params[name].lower()
                for name in coll.filters
            ):
                continue
            selected.append(feature)

        page = selected[offset : offset + limit]
        keep = {k: v for k, v in params.items() if k not in ("offset", "limit", "f")}
        path = f"/collections/{coll.id}/items"
        links = [
            {
                "href": self._url(path, **keep, limit=limit, offset=offset or None),
                "rel": "self",
                "type": GEOJSON,
                "title": "This document",
            },
            {
                "href": self._url(f"/collections/{coll.id}"),
                "rel": "collection",
                "type": JSON,
                "title": coll.title,
            },
        ]
        if offset + limit < len(selected):
            links.append(
                {
                    "href": self._url(path, **keep, limit=limit, offset=offset + limit),
                    "rel": "next",
                    "type": GEOJSON,
                    "title": "Next page",
                }
            )
        if offset > 0:
            links.append(
                {
                    "href": self._url(
                        path, **keep, limit=limit, offset=max(offset - limit, 0) or None
                    ),
                    "rel": "prev",
                    "type": GEOJSON,
                    "title": "Previous page",
                }
            )
        doc = {
            "type": "FeatureCollection",
            "features": [self._with_links(coll, f) for f in page],
            "links": links,
            "numberMatched": len(selected),
            "numberReturned": len(page),
            "timeStamp": datetime.now(UTC)
            .replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z"),
        }
        return self._respond(doc, media=GEOJSON)

    def _with_links(self, coll: Collection, feature: dict) -> dict:
        out = dict(feature)
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
        self, params: Mapping[str, str], collection_id: str, feature_id: str
    ) -> Response:
        coll = self.collections.get(collection_id)
        if coll is None:
            return self._error(404, "NotFound", f"No collection {collection_id!r}")
        if bad := self._check_format(params):
            return bad
        for feature in coll.features:
            if str(feature.get("id")) == feature_id:
                return self._respond(self._with_links(coll, feature), media=GEOJSON)
        return self._error(
            404, "NotFound", f"No feature {feature_id!r} in {collection_id!r}"
        )

    def api_definition(self, params: Mapping[str, str]) -> Response:
        from sot.public.core.ogc_openapi import openapi_document

        return self._respond(openapi_document(self), media=OPENAPI)


# -- parameter parsing (pure functions, tested on their own) ----------------------


def parse_int(raw: str | None, default: int, *, minimum: int, name: str) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameter(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise InvalidParameter(f"{name} must be at least {minimum}, got {value}")
    return value


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """``minLon,minLat,maxLon,maxLat`` (or six numbers with heights, dropped)."""
    if raw is None or raw == "":
        return None
    try:
        numbers = [float(x) for x in raw.split(",")]
    except ValueError:
        raise InvalidParameter(f"bbox must be 4 or 6 numbers, got {raw!r}") from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4:
        raise InvalidParameter(f"bbox must be 4 or 6 numbers, got {raw!r}")
    min_lon, min_lat, max_lon, max_lat = numbers
    if (
        not (-90 <= min_lat <= max_lat <= 90)
        or not (-180 <= min_lon <= 180)
        or not (-180 <= max_lon <= 180)
    ):
        raise InvalidParameter(f"bbox out of range: {raw!r}")
    return min_lon, min_lat, max_lon, max_lat


def _parse_instant(text: str) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParameter(f"datetime: not an RFC 3339 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_datetime(raw: str | None) -> tuple[datetime | None, datetime | None] | None:
    """An instant or an interval ``start/end`` (either end may be ``..``)."""
    if raw is None or raw == "":
        return None
    if "/" in raw:
        start_text, _, end_text = raw.partition("/")
        start, end = _parse_instant(start_text), _parse_instant(end_text)
        if start and end and start > end:
            raise InvalidParameter("datetime: interval ends before it starts")
        return start, end
    moment = _parse_instant(raw)
    return moment, moment


def _coordinates(geometry: dict | None):
    if not geometry:
        return
    coords = geometry.get("coordinates")
    if geometry.get("type") == "GeometryCollection":
        for g in geometry.get("geometries", []):
            yield from _coordinates(g)
        return

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            yield c
        else:
            for part in c or ():
                yield from walk(part)

    yield from walk(coords)


def extent(features: Sequence[dict]) -> list[float]:
    """The bounding box of ``features`` (the whole world when there are none)."""
    lons, lats = [], []
    for feature in features:
        for c in _coordinates(feature.get("geometry")):
            lons.append(c[0])
            lats.append(c[1])
    if not lons:
        return [-180.0, -90.0, 180.0, 90.0]
    return [min(lons), min(lats), max(lons), max(lats)]


def in_bbox(feature: dict, bbox: tuple[float, float, float, float]) -> bool:
    """True when any vertex of the feature lies in ``bbox`` (handles the antimeridian)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    for lon, lat, *_ in _coordinates(feature.get("geometry")):
        if not min_lat <= lat <= max_lat:
            continue
        if min_lon <= max_lon:
            if min_lon <= lon <= max_lon:
                return True
        elif lon >= min_lon or lon <= max_lon:
            return True
    return False


def in_interval(feature: dict, prop: str | None, interval) -> bool:
    if not prop:
        return True
    raw = (feature.get("properties") or {}).get(prop)
    if not raw:
        return False
    moment = _parse_instant(raw)
    start, end = interval
    return (start is None or moment >= start) and (end is None or moment <= end)
