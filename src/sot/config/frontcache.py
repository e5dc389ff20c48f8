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

A kept response is fresh as long as the page it came from (its 30 s); past that,
and as long as the page itself is kept for (``KEEP_STALE_FACTOR`` times more), one
request goes through the chain to have it rendered again while the others of the
same variant go on getting the kept bytes (stale while revalidate, as the page
cache does). A copy the page cache sent past its age (another request, or the
page renderer of :mod:`sot.public.ahead`, is rendering the page) is kept the same
way and answered for ``RECHECK_S`` before one request goes through again, so that
the next requests need not go through the chain for it either (one request after
another going through for the seconds of a render halved what a worker served). Before, every request for a page past its age went through the whole
chain until the render was done: for a feed of 3 000 points that was seconds of
requests each costing ten times a hit. A change of data is a new key, never
answered from the old one.

The open reads of the API (``OPEN_API_READS``: the points list, their GeoJSON, one
point) are kept the same way for anonymous callers, by path *and* query (each
page of a list is its own entry), for ``MAX_AGE_S``: a request with a bearer
token or a session cookie always goes through, since it may see internal fields.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from sot.config.middleware import chosen_language
from sot.public import pagecache
from sot.public.http import KEEP_STALE_FACTOR, MAX_AGE_S, OPEN_API_READS, accepts_gzip

#: headers that belong to one request and are never replayed
PER_REQUEST = frozenset({"x-request-id", "date", "set-cookie"})
#: the paths whose response was kept at least once in this process: any other
#: request goes straight through, without even reading the public version (the
#: set holds paths of real pages only, and is emptied when it reaches this size)
MAX_PATHS = 50_000
_paths: set[str] = set()
API_PREFIX = "/api/v1/"
#: a copy sent past its age is answered in front this long before one request
#: goes through the chain again to see whether the new render is done, in seconds
RECHECK_S = 1.0
#: the kept responses past their age that one request is having rendered again
#: (entries only while that request runs)
_revalidating: set[str] = set()
_revalidating_lock = threading.Lock()


def _revalidate(entry_key: str) -> bool:
    """True for the one request that goes through the chain for a response past
    its age; False for the others meanwhile (they are answered the kept one)."""
    with _revalidating_lock:
        if entry_key in _revalidating:
            return False
        _revalidating.add(entry_key)
        return True


def _variant(request) -> tuple[str, str]:
    lang, chosen = chosen_language(request)
    gz = "gz" if accepts_gzip(request.headers.get("Accept-Encoding", "")) else "id"
    return lang, f"{gz}:{'cookie' if chosen else '-'}"


def _anonymous(request) -> bool:
    """No token and no session: the caller can only be anonymous."""
    return (
        "Authorization" not in request.headers
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _front_path(request) -> str | None:
    """What the request may be answered by: its path (a page), its path with the
    query (an anonymous read of the open API), or None (through the chain)."""
    if request.method != "GET":
        return None
    if request.path.startswith(API_PREFIX):
        return request.get_full_path() if _anonymous(request) else None
    return None if request.META.get("QUERY_STRING") else request.path


def _open_api_read(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return (
        match is not None
        and match.namespace == "api-v1"
        and match.url_name in OPEN_API_READS
        and user is not None
        and not user.is_authenticated
    )


class FrontCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = _front_path(request)
        if path is None:
            return self.get_response(request)
        lang, variant = _variant(request)
        cache = pagecache.cache()
        api_key = revalidating = None
        if path in _paths or path.startswith(API_PREFIX):
            # the key before the view reads anything: a change meanwhile
            # leaves what is kept under the older version
            key = pagecache.key(path, lang)
            entry_key = f"front:{variant}:{key}"
            stored = cache.get(entry_key)
            if stored is not None:
                fresh_until, headers, body = stored
                if fresh_until > time.time() or not _revalidate(entry_key):
                    return _replay(request, headers, body)
                revalidating = entry_key
            api_key = key
        try:
            response = self.get_response(request)
            self._keep(request, response, path, variant, api_key)
        finally:
            if revalidating is not None:
                with _revalidating_lock:
                    _revalidating.discard(revalidating)
        return response

    @staticmethod
    def _keep(request, response, path, variant, api_key) -> None:
        """Keep ``response`` for the next requests of its page and variant, when
        it is a kept page's (or an anonymous open API read) and may be shared."""
        key, fresh_s = getattr(response, "sot_page_key", None), None
        if key is not None:
            fresh_s = response.sot_fresh_s
        elif api_key is not None and _open_api_read(request, response):
            key, fresh_s = api_key, MAX_AGE_S
        # a page past its age (fresh_s < 0: the page cache sent its kept copy
        # while another request or the page renderer renders it) is kept too,
        # for as long as the page is, and answered for RECHECK_S before one
        # request goes through the chain again to see whether the render is done
        life_s = None if key is None else fresh_s + MAX_AGE_S * KEEP_STALE_FACTOR
        if fresh_s is not None and fresh_s < 0:
            fresh_s = RECHECK_S
        if (
            life_s is not None
            and life_s >= 1
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
            pagecache.cache().set(
                f"front:{variant}:{key}",
                (time.time() + fresh_s, headers, response.content),
                timeout=life_s,
            )
            if len(_paths) >= MAX_PATHS:
                _paths.clear()
            _paths.add(path)


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
