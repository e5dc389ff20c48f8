"""Thin views: load the public data, render with :mod:`sot.public.pages` or
:mod:`sot.public.feeds`, and answer through :func:`sot.public.http.cached` (cache
headers, gzip and a strong SHA-256 ETag). Pages that depend only on their path,
language and the public data go through :func:`sot.public.http.cached_page`, which
keeps them rendered until the public data changes (:mod:`sot.public.pagecache`)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from sot.errors import NotFound
from sot.public import feeds, finder, pages
from sot.public.core import notice
from sot.public.http import cached, cached_page

HTML = "text/html; charset=utf-8"


def _lang(kwargs) -> str:
    return "en" if kwargs.get("lang") == "en" else "sv"


def _page(request, render, content_type=HTML, missing: str = "") -> HttpResponse:
    response = cached_page(request, render, content_type)
    if response is None:
        raise NotFound(missing)
    return response


@require_safe
def start(request, **kwargs):
    return _page(request, lambda: pages.render_start(pages.PublicData(), _lang(kwargs)))


@require_safe
def point(request, slug, **kwargs):
    def render():
        data = pages.PublicData(where={"slug": slug})
        return pages.render_point(data, slug, _lang(kwargs))

    return _page(request, render, missing="no such point")


@require_safe
def municipality(request, code, **kwargs):
    def render():
        data = pages.PublicData(where={"municipality__code": code})
        return pages.render_municipality(data, code, _lang(kwargs))

    return _page(request, render, missing="no such municipality")


@require_safe
def county(request, code, **kwargs):
    def render():
        data = pages.PublicData(where={"municipality__county_code": code})
        return pages.render_county(data, code, _lang(kwargs))

    return _page(request, render, missing="no such county")


@require_safe
def map_page(request, **kwargs):
    return _page(request, lambda: pages.render_map(pages.PublicData(), _lang(kwargs)))


@require_safe
def messages(request, **kwargs):
    return _page(
        request, lambda: pages.render_messages(pages.PublicData(), _lang(kwargs))
    )


@require_safe
def open_data(request, **kwargs):
    return _page(
        request, lambda: pages.render_open_data(pages.PublicData(), _lang(kwargs))
    )


@require_safe
def nearest(request, **kwargs):
    body = finder.render_nearest(
        pages.PublicData(), request.GET.get("q", ""), _lang(kwargs)
    )
    return cached(request, body, HTML)


@require_safe
def places(request, **kwargs):
    return _page(
        request, lambda: finder.render_places(pages.PublicData(), _lang(kwargs))
    )


@require_safe
def places_in(request, code, **kwargs):
    return _page(
        request,
        lambda: finder.render_places_in(pages.PublicData(), code, _lang(kwargs)),
        missing="no such municipality",
    )


@require_safe
def points_geojson(request):
    return _page(
        request,
        lambda: feeds.geojson_bytes(pages.PublicData()),
        "application/geo+json",
    )


@require_safe
def points_csv(request):
    response = _page(
        request, lambda: feeds.csv_bytes(pages.PublicData()), "text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="sot-punkter.csv"'
    return response


@require_safe
def cap_atom(request):
    return _page(
        request,
        lambda: feeds.cap_atom_bytes(feeds.cap_messages()),
        "application/atom+xml; charset=utf-8",
    )


@require_safe
def cap_message(request, identifier):
    for message in feeds.cap_messages():
        if message.identifier == identifier:
            return cached(
                request, message.xml, "application/cap+xml; charset=utf-8", max_age=3600
            )
    raise NotFound("no such CAP message")


@require_safe
def messages_atom(request):
    return _page(
        request,
        lambda: feeds.messages_atom_bytes(pages.PublicData()),
        "application/atom+xml; charset=utf-8",
    )


@require_safe
def point_notice(request, slug):
    data = pages.PublicData()
    pt = data.point(slug)
    if pt is None:
        raise NotFound("no such point")
    url = f"{feeds.site_url()}/punkt/{slug}/"
    pdf = notice.point_notice(pt, url=url, now=data.now, fallbacks=data.fallbacks)
    response = cached(request, pdf, "application/pdf", max_age=60)
    response["Content-Disposition"] = f'inline; filename="sot-{slug}.pdf"'
    return response


@require_safe
def county_list(request):
    data = pages.PublicData()
    title = "SOT-punkter" + (f" i {data.county}" if data.county else "")
    pdf = notice.county_list(
        data.points, title=title, url=feeds.site_url() + "/", now=data.now
    )
    response = cached(request, pdf, "application/pdf", max_age=60)
    response["Content-Disposition"] = 'inline; filename="sot-punkter.pdf"'
    return response


# -- OGC API - Features: thin wrappers around sot.public.core.ogc ------------------


def _ogc(request, method: str, *args) -> HttpResponse:
    base = request.build_absolute_uri("/ogc").rstrip("/")
    api = feeds.ogc_api(pages.PublicData(), base)
    headers, status, content = getattr(api, method)(
        request.GET.dict(), *args, accept=request.headers.get("Accept", "")
    )
    response = cached(
        request, content.encode(), headers.pop("Content-Type"), status=status
    )
    for key, value in headers.items():
        response[key] = value
    patch_vary_headers(response, ("Accept",))
    return response


@require_safe
def ogc_landing(request):
    return _ogc(request, "landing_page")


@require_safe
def ogc_conformance(request):
    return _ogc(request, "conformance")


@require_safe
def ogc_api_definition(request):
    return _ogc(request, "api_definition")


@require_safe
def ogc_collections(request):
    return _ogc(request, "list_collections")


@require_safe
def ogc_collection(request, collection_id):
    return _ogc(request, "describe_collection", collection_id)


@require_safe
def ogc_queryables(request, collection_id):
    return _ogc(request, "queryables", collection_id)


@require_safe
def ogc_items(request, collection_id):
    return _ogc(request, "get_items", collection_id)


@require_safe
def ogc_item(request, collection_id, feature_id):
    return _ogc(request, "get_item", collection_id, feature_id)


@require_safe
def ogc_not_found(request, rest):
    return _ogc(request, "not_found", request.path)
