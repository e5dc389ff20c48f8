"""Cached public pages answered before the rest of the middleware (#15).

A page kept by :func:`sot.public.http.cached_page` still went through the whole
middleware chain on every hit (sessions, CSRF, security headers, CORS, the
Content-Security-Policy, ...), which was most of what a hit cost once the page
itself no longer had to be rendered. This middleware, placed right after the
request id, keeps the *whole* response of such a page as it left the chain (status
200, its headers less the request's own, its body) in the ``pages`` cache, under
the page's key (path, language, public version; :mod:`sot.public.pagecache`) and
the request's variant (gzip or not, language cookie or not). The next GET of the
same page and variant gets those bytes and headers back at once, or a 304 when its
``If-None-Match`` matches; nothing else runs.

What is replayed is exactly what the chain produced for an earlier request of the
same variant, and only when that response set no cookie and was not streamed, so
no request's cookie, session or CSRF token can be handed to another. Requests with
a query string, other methods and every other view go through the chain as before.
A change to the public data changes the key, like for the page itself.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from sot.config.middleware import chosen_language
from sot.public import pagecache
from sot.public.http import accepts_gzip

#: headers that belong to one request and are never replayed
PER_REQUEST = frozenset({"x-request-id", "date", "set-cookie"})
#: the paths whose response was kept at least once in this process: any other
#: request goes straight through, without even reading the public version (the
#: set holds paths of real pages only, and is emptied when it reaches this size)
MAX_PATHS = 50_000
_paths: set[str] = set()


def _variant(request) -> tuple[str, str]:
    lang, chosen = chosen_language(request)
    gz = "gz" if accepts_gzip(request.headers.get("Accept-Encoding", "")) else "id"
    return lang, f"{gz}:{'cookie' if chosen else '-'}"


class FrontCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or request.META.get("QUERY_STRING"):
            return self.get_response(request)
        lang, variant = _variant(request)
        cache = pagecache.cache()
        if request.path in _paths:
            key = pagecache.key(request.path, lang)
            stored = cache.get(f"front:{variant}:{key}")
            if stored is not None:
                return _replay(request, *stored)
        response = self.get_response(request)
        key = getattr(response, "sot_page_key", None)
        if (
            key is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "Set-Cookie" not in response
        ):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in PER_REQUEST
            ]
            cache.set(
                f"front:{variant}:{key}",
                (headers, response.content),
                timeout=response.sot_max_age,
            )
            if len(_paths) >= MAX_PATHS:
                _paths.clear()
            _paths.add(request.path)
        return response


def _replay(request, headers: list, body: bytes) -> HttpResponse:
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value
    etag = response.get("ETag")
    if etag:
        conditional = get_conditional_response(request, etag=etag, response=response)
        if conditional is not None:
            return conditional
    return response
