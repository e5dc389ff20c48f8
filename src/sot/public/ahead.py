"""The page renderer: slow public pages rendered ahead, beside the web workers (#15).

The national GeoJSON takes most of a second to render. Rendered by a web worker
(when its 30 s are up, or after a change), that second is taken from the requests
the same worker serves meanwhile: the feed's p99 under load was 40 times its p50.
A page whose render took ``SOT_RENDER_AHEAD_MS`` or more of CPU is marked in the
machine's shared store (:mod:`sot.public.core.sharedpages`), and this loop, run
by ``sot render_ahead`` (which ``sot serve`` starts at a lower CPU priority),
keeps each marked page rendered there: again ``AHEAD_LEAD_S`` before its copy
ages, and at once when the public data changed. The web workers then read it from
the store, and while it is being rendered they send the copy they have
(:func:`sot.public.http.cached_page`).

A page is rendered the way a reader's request renders it: its view is called with
a request marked ``AHEAD``, in the page's language, so there is no second way to
build a page. A mark nobody renewed for ``IDLE_S`` (no web worker has read the
page since) is dropped; a page that no longer exists drops its own mark.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.db import close_old_connections
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import translation

from sot.errors import SotError
from sot.public import http, pagecache
from sot.public.core.sharedpages import SharedPages

log = logging.getLogger(__name__)

#: how often the loop looks at the marks and the public version, in seconds
INTERVAL_S = 0.25
#: how often the renderer says it is alive (from a timer signal, so that a long
#: render does not make it look dead), in seconds
BEAT_S = 1.0
#: a mark not renewed for this long (nobody read the page) is dropped
IDLE_S = 600.0


def render(path: str, language: str) -> int:
    """Render the page at ``path`` in ``language`` into the shared store, unless
    its copy there is fresh for a while yet; the HTTP status (404: no such page)."""
    try:
        match = resolve(path)
    except Resolver404:
        return 404
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {
        http.AHEAD: True,
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "HTTP_ACCEPT_ENCODING": "gzip",
    }
    try:
        with translation.override(language):
            response = match.func(request, *match.args, **match.kwargs)
    except SotError as e:
        return e.status
    return response.status_code


def render_due(store: SharedPages) -> list[tuple[str, str, int]]:
    """One round: every marked page whose copy in the store is missing (a new
    version) or ages within ``AHEAD_LEAD_S``, rendered; what was rendered, as
    (path, language, status)."""
    done = []
    for path, language in store.ahead(idle_s=IDLE_S):
        fresh_until = store.fresh_until(pagecache.key(path, language))
        if fresh_until is not None and fresh_until - time.time() >= http.AHEAD_LEAD_S:
            continue
        started = time.monotonic()
        status = render(path, language)
        if status != 200:
            store.unmark_ahead(path, language)
        elif fresh_until is not None and fresh_until < time.time():
            # the web workers sent the copy past its age meanwhile (they render
            # it themselves once it is MAX_AGE_S past): the machine is short of CPU
            log.warning(
                "the page renderer is behind: %s (%s) took %.1f s and aged %.1f s "
                "before it was done",
                path,
                language,
                time.monotonic() - started,
                time.time() - fresh_until,
            )
        done.append((path, language, status))
    return done


def run(store: SharedPages, *, stop: threading.Event | None = None) -> None:
    """Render the marked pages ahead until ``stop`` is set (or for ever). Call
    from the main thread: the renderer says it is alive every ``BEAT_S`` from a
    timer signal, so that a long render does not make it look dead."""
    stop = stop or threading.Event()
    before = signal.signal(signal.SIGALRM, lambda signum, frame: _beat(store))
    signal.setitimer(signal.ITIMER_REAL, BEAT_S, BEAT_S)
    try:
        _beat(store)
        while not stop.is_set():
            close_old_connections()
            try:
                for path, language, status in render_due(store):
                    log.debug("rendered ahead %s (%s): %s", path, language, status)
            except Exception:
                # a database that went away, say: said, and tried again later
                log.exception("rendering pages ahead failed")
                close_old_connections()
                stop.wait(5)
            stop.wait(INTERVAL_S)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def _beat(store: SharedPages) -> None:
    try:
        store.beat()
    except OSError:
        log.exception("the page renderer could not say it is alive")
