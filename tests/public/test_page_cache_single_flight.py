"""One render per page at a time (#15): when many requests miss the same page at
once (after a change, or when the entry expires), one renders it and the others
wait for its result. Transactional: each request thread has its own connection,
as in gunicorn's threads."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from sot.public import http, pages

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def _spy_render(monkeypatch) -> list[float]:
    """Counts the start page's renders, each slowed down so that the others
    arrive while it runs."""
    calls: list[float] = []
    real = pages.render_start

    def render_start(*args, **kwargs):
        calls.append(time.monotonic())
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "render_start", render_start)
    return calls


def _get_at_once(path: str) -> list:
    barrier = threading.Barrier(THREADS)
    responses: list = [None] * THREADS

    def get(i):
        try:
            barrier.wait()
            responses[i] = Client().get(path, HTTP_ACCEPT_ENCODING="gzip")
        finally:
            connection.close()

    threads = [threading.Thread(target=get, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return responses


def test_concurrent_misses_render_once(monkeypatch):
    calls = _spy_render(monkeypatch)
    responses = _get_at_once("/")
    assert len(calls) == 1
    assert {r.status_code for r in responses} == {200}
    assert len({r["ETag"] for r in responses}) == 1
    assert len({r.content for r in responses}) == 1
    assert not http._flights  # nothing left behind


def test_after_a_change_the_misses_render_once_more(monkeypatch):
    """A change makes a new key: the next misses render again, once."""
    from sot.public import pagecache

    calls = _spy_render(monkeypatch)
    _get_at_once("/")
    pagecache.changed()  # what every save of public data records
    responses = _get_at_once("/")
    assert len(calls) == 2
    assert {r.status_code for r in responses} == {200}


def test_a_failed_render_lets_the_waiters_render_themselves():
    """The leader raising is not handed to the others as a result."""
    started = threading.Event()
    built: list[str] = []

    def failing():
        started.set()
        time.sleep(0.2)
        raise RuntimeError("render failed")

    def working():
        built.append("follower")
        return ("entry",)

    errors: list[BaseException] = []

    def lead():
        try:
            http._single_flight("k", failing)
        except RuntimeError as exc:
            errors.append(exc)

    leader = threading.Thread(target=lead)
    leader.start()
    started.wait(5)
    assert http._single_flight("k", working) == ("entry",)
    leader.join(5)
    assert built == ["follower"] and len(errors) == 1
    assert not http._flights


def test_a_page_past_its_age_is_served_while_one_request_renders_it(monkeypatch):
    """Stale while revalidate, for the clock only: the kept copy of the current
    version goes on being sent while one request renders the page again."""
    from sot.public import pagecache

    calls = _spy_render(monkeypatch)
    first = Client().get("/")  # rendered and kept
    key = next(k for k in _page_keys() if k.startswith("sot-page:"))
    cache = pagecache.cache()
    fresh_until, entry = cache.get(key)
    cache.set(key, (time.time() - 1, entry))  # as if 30 s had passed
    renderer = threading.Thread(target=lambda: Client().get("/?again"))
    renderer.start()
    deadline = time.monotonic() + 10
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)  # until the renderer is rendering
    started = time.monotonic()
    stale = Client().get("/?meanwhile")  # a query string skips the front cache
    waited = time.monotonic() - started
    renderer.join(10)
    connection.close()
    assert len(calls) == 2  # the first render and the one again, not a third
    assert stale.status_code == 200 and stale.content == first.content
    assert waited < 0.3  # it did not wait for the render (which takes 0.3 s+)
    assert cache.get(key)[0] > time.time()  # fresh again


def _page_keys() -> list[str]:
    from sot.public import pagecache

    return [k.split(":", 2)[-1] for k in pagecache.cache()._cache]


def _render_in_background(path: str) -> threading.Thread:
    def get():
        try:
            Client().get(path)
        finally:
            connection.close()

    thread = threading.Thread(target=get)
    thread.start()
    return thread


def _wait_for(calls: list, n: int) -> None:
    deadline = time.monotonic() + 10
    while len(calls) < n and time.monotonic() < deadline:
        time.sleep(0.01)


def test_while_a_new_version_renders_the_others_get_the_previous_copy(monkeypatch):
    """After a change the first request renders the page; a request meanwhile
    gets the copy of the previous version (rendered within its 30 s, what a
    browser may show anyway) at once, marked max-age=0 and not kept in front,
    instead of waiting for the render."""
    from sot.public import pagecache

    calls = _spy_render(monkeypatch)
    first = Client().get("/")
    pagecache.changed()
    renderer = _render_in_background("/")
    _wait_for(calls, 2)
    started = time.monotonic()
    meanwhile = Client().get("/")
    waited = time.monotonic() - started
    renderer.join(10)
    assert waited < 0.25 and len(calls) == 2
    assert meanwhile.status_code == 200 and meanwhile.content == first.content
    assert "max-age=0" in meanwhile["Cache-Control"]
    after = Client().get("/")  # the new version's copy, kept again
    assert len(calls) == 2 and "max-age=30" in after["Cache-Control"]


def test_a_previous_copy_older_than_its_age_is_not_sent(monkeypatch):
    from sot.public import pagecache

    calls = _spy_render(monkeypatch)
    Client().get("/")
    old_key = next(k for k in _page_keys() if k.startswith("sot-page:"))
    cache = pagecache.cache()
    fresh_until, entry = cache.get(old_key)
    cache.set(old_key, (time.time() - 1, entry))  # rendered more than 30 s ago
    pagecache.changed()
    renderer = _render_in_background("/")
    _wait_for(calls, 2)
    started = time.monotonic()
    response = Client().get("/")
    waited = time.monotonic() - started
    renderer.join(10)
    assert waited >= 0.1  # it waited for the render of the new version
    assert len(calls) == 2 and "max-age=30" in response["Cache-Control"]


def test_a_signed_in_official_waits_for_the_new_version(monkeypatch, kall_operator):
    """Who may just have made the change sees it: a request with a session is
    never answered the previous version's copy."""
    from sot.public import pagecache

    calls = _spy_render(monkeypatch)
    Client().get("/")
    pagecache.changed()
    renderer = _render_in_background("/")
    _wait_for(calls, 2)
    official = Client()
    official.force_login(kall_operator)
    started = time.monotonic()
    response = official.get("/")
    waited = time.monotonic() - started
    renderer.join(10)
    assert waited >= 0.1 and "max-age=30" in response["Cache-Control"]
    assert len(calls) == 2
