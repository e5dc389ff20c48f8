"""HTTP for the open data: caching with a strong SHA-256 ``ETag``, gzip, and CORS.

``cached`` compresses the body itself (gzip with a zero timestamp, so the same body
always gives the same bytes) and then sets the ``ETag`` to the SHA-256 of exactly the
bytes it sends. The identity and the gzip representation so each have their own,
strong, stable tag (RFC 9110 8.8.3: a content coding is part of the
representation), and ``If-None-Match`` with either gives 304 when it still matches.
Django's ``gzip_page`` would instead turn a strong tag weak.

``OpenDataCorsMiddleware`` adds ``Access-Control-Allow-Origin: *`` to GET and HEAD
responses of the open read endpoints (the public site, its feeds, ``/ogc/`` and the
anonymous reads of ``/api/v1``) and answers their CORS preflight; nothing else gets
CORS headers, so no other origin can read an official's page or act with a token.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)

from sot.config import env
from sot.public import pagecache

#: Browsers and proxies may reuse a page this long; the state is minutes-fresh anyway.
MAX_AGE_S = 30
#: Bodies shorter than this are not worth compressing.
GZIP_MIN_BYTES = 200
_COMPRESSIBLE = re.compile(r"^(text/|application/([a-z.+-]*\+)?(json|xml))")
_ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q\s*=\s*0(\.0*)?\s*(,|$))")


def etag_for(body: bytes) -> str:
    """The strong entity tag of ``body``: its SHA-256 in hex, quoted."""
    return '"' + hashlib.sha256(body).hexdigest() + '"'


def gzip_bytes(body: bytes) -> bytes:
    """gzip of ``body`` with mtime 0: the same body always gives the same bytes."""
    return gzip.compress(body, compresslevel=6, mtime=0)


def _representations(body: bytes, content_type: str) -> tuple:
    """(identity ETag, gzip bytes or None, gzip ETag or None, identity bytes or
    None): gzip bytes are kept instead of the identity bytes when there are any."""
    compressible = bool(_COMPRESSIBLE.match(content_type))
    if compressible and len(body) >= GZIP_MIN_BYTES:
        packed = gzip_bytes(body)
        return (etag_for(body), packed, etag_for(packed), None)
    return (etag_for(body), None, None, body)


def _respond(
    request: HttpRequest,
    entry: tuple,
    content_type: str,
    *,
    max_age: int,
    status: int = 200,
) -> HttpResponse:
    plain_etag, packed, packed_etag, plain = entry
    compressible = bool(_COMPRESSIBLE.match(content_type))
    encoding = None
    if packed is not None and _ACCEPTS_GZIP.search(
        request.headers.get("Accept-Encoding", "")
    ):
        body, etag, encoding = packed, packed_etag, "gzip"
    else:
        etag = plain_etag
        body = plain if plain is not None else None
    if status == 200:
        conditional = get_conditional_response(request, etag=etag)
        if conditional is not None:
            conditional["ETag"] = etag  # RFC 9110 15.4.5: a 304 repeats it
            patch_cache_control(conditional, public=True, max_age=max_age)
            if compressible:
                patch_vary_headers(conditional, ("Accept-Encoding",))
            conditional.sot_encoded = True
            return conditional
    if body is None:  # identity asked for, only gzip kept
        body = gzip.decompress(packed)
    response = HttpResponse(body, content_type=content_type, status=status)
    response["ETag"] = etag
    if encoding:
        response["Content-Encoding"] = encoding
    if compressible:
        patch_vary_headers(response, ("Accept-Encoding",))
    patch_cache_control(response, public=True, max_age=max_age)
    response["X-Content-Type-Options"] = "nosniff"
    response.sot_encoded = True  # compressed and tagged here: middleware keeps off
    return response


def cached(
    request: HttpRequest,
    body: bytes,
    content_type: str,
    *,
    max_age: int = MAX_AGE_S,
    status: int = 200,
) -> HttpResponse:
    """A response with ``Cache-Control``, gzip if accepted, a strong ``ETag`` (the
    SHA-256 of the bytes sent) and 304 handling."""
    return _respond(
        request,
        _representations(body, content_type),
        content_type,
        max_age=max_age,
        status=status,
    )


def cached_page(
    request: HttpRequest,
    render: Callable[[], bytes | None],
    content_type: str,
    *,
    max_age: int = MAX_AGE_S,
) -> HttpResponse | None:
    """Like :func:`cached`, for a page that depends only on its path and language
    and on the public data: kept rendered, gzipped and tagged in the ``pages``
    cache under the public version (:mod:`sot.public.pagecache`), so a repeated
    request neither loads data nor renders, and a matching ``If-None-Match`` is a
    304 at once. None when ``render`` returns None (no such page).

    A kept page is fresh for ``max_age`` seconds. A miss (a new version: the data
    changed) is rendered once, by the first request for it, which answers what
    it rendered. The others meanwhile get the copy of the previous version when
    one was rendered in the last ``max_age`` seconds (what a browser may show
    anyway), sent with ``max-age=0`` and not kept in front (:func:`_previous`);
    otherwise, and always for a signed-in official (who may just have made the
    change), they wait for that render (:func:`_single_flight`). A page past its
    age but of the current version is rendered again by one request while the
    others keep getting the kept copy meanwhile (stale while revalidate): only
    what follows the clock alone (a report growing stale) can be older than
    ``max_age``, by at most one render.

    A page slow to render (``SOT_RENDER_AHEAD_MS``) is rendered ahead by the
    page renderer beside the web workers when there is one (:func:`_build`,
    :mod:`sot.public.ahead`): a web worker with a copy to send then sends it and
    leaves the render to the renderer, for at most ``max_age`` past the copy's
    age; past that it renders the page itself, as without a renderer."""
    key = pagecache.key(request.path)
    cache = pagecache.cache()
    page = _Page(
        key,
        render,
        content_type,
        max_age,
        cache,
        pagecache.last_key(request.path),
        request.path,
        translation.get_language(),
    )
    if request.META.get(AHEAD) is True:
        return _respond_ahead(request, page)
    stored = cache.get(key)
    previous = None
    if stored is None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            previous = _previous(cache, page.last, key)
        stored = _single_flight(
            key, lambda: _build(page, previous=previous), wait=previous is None
        )
        if stored is None:  # another request renders the new version
            stored = previous
        else:
            previous = None
    elif stored is not _MISSING and stored[0] <= time.time():
        stored = _single_flight(key, lambda: _build(page), wait=False) or stored
    if stored is _MISSING:
        return None
    fresh_until, entry = stored
    if previous is not None:
        return _respond(request, entry, content_type, max_age=0)
    response = _respond(request, entry, content_type, max_age=max_age)
    if response.status_code == 200:
        # sot.config.frontcache keeps the whole response under this key as long
        # as the page itself is fresh
        response.sot_page_key = key
        response.sot_fresh_s = fresh_until - time.time()
    return response


_MISSING = ("missing",)
#: how long a request waits for another thread's render of the same page
FLIGHT_WAIT_S = 30.0
#: a page past its age is kept this many times ``max_age`` more, to be served
#: while it is rendered again
KEEP_STALE_FACTOR = 5
#: the request META key that marks the page renderer's request (sot.public.ahead)
AHEAD = "sot.render_ahead"
#: a page whose render took this much CPU is rendered ahead (0: none is)
AHEAD_MIN_S = env.get("SOT_RENDER_AHEAD_MS") / 1000
#: the renderer renders a marked page again this long before its copy ages
AHEAD_LEAD_S = 10.0
#: the renderer counts as alive this long after it last said so
AHEAD_ALIVE_S = 10.0


class _Page(NamedTuple):
    """What :func:`_build` needs of a page being asked for."""

    key: str
    render: Callable[[], bytes | None]
    content_type: str
    max_age: int
    cache: object
    last: str
    path: str
    language: str


class _Flight:
    __slots__ = ("done", "entry")

    def __init__(self):
        self.done = threading.Event()
        self.entry: tuple | None = None


_flights: dict[str, _Flight] = {}
_flights_lock = threading.Lock()


def _previous(cache, last: str, key: str) -> tuple | None:
    """The copy of the page kept under an earlier version than ``key``, when it
    is still fresh by its own clock (rendered in the last ``max_age`` seconds)."""
    pointed = cache.get(last)
    if pointed is None or pointed[0] == key:
        return None
    stored = cache.get(pointed[0])
    if stored is None or stored is _MISSING or stored[0] <= time.time():
        return None
    return stored


def _build(page: _Page, *, previous: tuple | None = None) -> tuple | None:
    """(fresh until, entry) of the page, rendered unless another flight has just
    kept a fresh one; ``_MISSING`` when there is no such page.

    With a store shared by the machine's processes (:func:`pagecache.shared`), a
    page another process rendered is read from it, and a render is done under
    the store's lock for that page, so that one process renders it and the
    others read what it wrote. A process with a copy past its age to send (its
    own or the store's) does not wait for another's render: it sends that copy
    (stale while revalidate, as within one process).

    A page marked to be rendered ahead, while the renderer is alive, is not
    rendered here when there is a copy to send that aged less than ``max_age``
    ago (or ``previous``, the previous version's copy for an anonymous reader):
    None (send ``previous``) or that copy is returned. A render here that costs
    ``AHEAD_MIN_S`` of CPU or more marks the page."""
    key, cache, max_age = page.key, page.cache, page.max_age
    stored = cache.get(key)
    if stored is not None and (stored is _MISSING or stored[0] > time.time()):
        return stored
    store = pagecache.shared()
    if store is None:
        return _render(page)
    found = _usable(store.get(key), max_age)
    if found is not None and found[0] > time.time():
        store.touch_ahead(page.path, page.language)  # still asked for
        return _keep(page, found)
    older = stored if stored is not None else found
    if stored is None and found is not None:
        # the other threads of this process send it while this one renders
        _keep(page, found)
    if _left_to_renderer(store, page, older, previous):
        return older if older is not None and older[0] + max_age > time.time() else None
    with store.lock(key, wait_s=0 if older else FLIGHT_WAIT_S) as held:
        if not held:  # another process renders it
            return older if older is not None else _render(page, store)
        found = _usable(store.get(key), max_age)
        if found is not None and found[0] > time.time():
            return _keep(page, found)
        stored = _render(page, store)
        if stored is not _MISSING:
            store.put(key, stored)
        return stored


def _left_to_renderer(store, page: _Page, older, previous) -> bool:
    """True when the renderer will render this page and there is a copy to
    send meanwhile (see :func:`_build`)."""
    now = time.time()
    sendable = (
        older is not None and older is not _MISSING and older[0] + page.max_age > now
    ) or (previous is not None)
    return (
        sendable
        and store.renderer_alive(within_s=AHEAD_ALIVE_S)
        and store.touch_ahead(page.path, page.language)
    )


def _respond_ahead(request: HttpRequest, page: _Page) -> HttpResponse | None:
    """The page renderer's request (:mod:`sot.public.ahead`): render the page
    into the shared store unless the copy there is fresh for another
    ``AHEAD_LEAD_S``; answers it (None: no such page)."""
    store = pagecache.shared()
    if store is None:
        return None
    with store.lock(page.key, wait_s=FLIGHT_WAIT_S):
        stored = _usable(store.get(page.key), page.max_age)
        if stored is None or stored[0] - time.time() < AHEAD_LEAD_S:
            stored = _render(page)
            if stored is _MISSING:
                store.unmark_ahead(page.path, page.language)
                return None
            store.put(page.key, stored)
    return _respond(request, stored[1], page.content_type, max_age=page.max_age)


def _usable(found: tuple | None, max_age: int) -> tuple | None:
    """A shared entry, unless it is older than a page is ever kept for."""
    if found is None or found[0] + max_age * KEEP_STALE_FACTOR < time.time():
        return None
    return found


def _keep(page: _Page, stored: tuple) -> tuple:
    """Keep ``stored`` in this process for as long as the page is kept, and
    point ``last`` (:func:`pagecache.last_key`) to it."""
    life_s = stored[0] - time.time() + page.max_age * KEEP_STALE_FACTOR
    if life_s >= 1:
        page.cache.set(page.key, stored, timeout=life_s)
        page.cache.set(page.last, (page.key,), timeout=life_s)
    return stored


def _render(page: _Page, store=None) -> tuple:
    """Render the page and keep it in this process; with ``store``, mark it to
    be rendered ahead when that took ``AHEAD_MIN_S`` or more of CPU. The CPU
    time of this thread, not the time that passed: on a busy core a page of 20
    ms takes a wall-clock second, and every page would be marked."""
    started = time.thread_time()
    body = page.render()
    if body is None:
        return _MISSING
    if (
        store is not None
        and AHEAD_MIN_S
        and time.thread_time() - started >= AHEAD_MIN_S
    ):
        store.mark_ahead(page.path, page.language)
    stored = (time.time() + page.max_age, _representations(body, page.content_type))
    return _keep(page, stored)


def _single_flight(key: str, build: Callable[[], tuple], *, wait: bool = True):
    """``build()`` once per key at a time in this process: the first request that
    misses renders, the others that miss the same page meanwhile wait for its
    result instead of rendering it again (after a change or an expiry, every
    thread would otherwise render the same page at once). A waiter whose leader
    failed, or took longer than ``FLIGHT_WAIT_S``, builds the page itself. With
    ``wait=False`` a request that is not the first returns None at once (it has a
    stale copy to send). The table holds only the renders under way, so it does
    not grow."""
    with _flights_lock:
        flight = _flights.get(key)
        leader = flight is None
        if leader:
            flight = _flights[key] = _Flight()
    if not leader:
        if not wait:
            return None
        if flight.done.wait(FLIGHT_WAIT_S) and flight.entry is not None:
            return flight.entry
        return build()
    try:
        flight.entry = build()
        return flight.entry
    finally:
        with _flights_lock:
            del _flights[key]
        flight.done.set()


def accepts_gzip(accept_encoding: str) -> bool:
    """True when the ``Accept-Encoding`` header allows gzip (``gzip;q=0`` does not)."""
    return bool(_ACCEPTS_GZIP.search(accept_encoding))


# -- CORS ---------------------------------------------------------------------------

#: The reads of /api/v1 that anyone may make (anonymous callers see public fields).
OPEN_API_READS = frozenset({"list_points", "points_geojson", "get_point"})
ALLOW_METHODS = "GET, HEAD, OPTIONS"
ALLOW_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSE_HEADERS = "ETag, Content-Crs, Content-Language, Link"
PREFLIGHT_MAX_AGE_S = 86400


def is_open_read(path: str) -> bool:
    """True for the URLs anyone may read from another origin."""
    try:
        match = resolve(path)
    except Resolver404:
        return path.startswith("/ogc/")  # its JSON 404s are open too
    if match.namespace == "public":
        return True
    return match.namespace == "api-v1" and match.url_name in OPEN_API_READS


def _resolved_open_read(request) -> bool:
    """:func:`is_open_read` from the match Django made for the view, so that the
    URL is not resolved a second time on every request."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return is_open_read(request.path_info)
    if match.namespace == "public":
        return True
    return match.namespace == "api-v1" and match.url_name in OPEN_API_READS


class OpenDataCorsMiddleware:
    """``Access-Control-Allow-Origin: *`` on the open read endpoints, GET/HEAD only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in (
            request.headers
        ):
            if is_open_read(request.path_info):
                return self._preflight(request)
            return self.get_response(request)
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and _resolved_open_read(request):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        return response

    @staticmethod
    def _preflight(request) -> HttpResponse:
        response = HttpResponse(status=204)
        wanted = request.headers["Access-Control-Request-Method"].upper()
        if wanted not in ("GET", "HEAD"):
            return response  # no CORS headers: the browser refuses the request
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_S)
        return response
