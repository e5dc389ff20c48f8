"""Slow public pages rendered ahead by the page renderer (#15): a web worker that
finds a page slow marks it, the renderer (``sot.public.ahead``) keeps it rendered
in the shared store before it ages and after a change, and a web worker with a
copy to send leaves the render to it (``sot.public.http``).

The renderer is called here one round at a time (``render_due``) in this process;
another web worker is played by emptying this process's own cache. That `sot
serve` starts it with the web workers' keys is in tests/registry/test_serve.py.
"""

from __future__ import annotations

import os
import time

import pytest
from django.test import Client

from sot.public import ahead, http, pagecache, pages
from sot.public.core.sharedpages import SharedPages

# -- the marks, without a database ------------------------------------------------


def test_marks_are_kept_while_renewed_and_dropped_when_idle(tmp_path):
    store = SharedPages(tmp_path, keep_s=180, max_files=100)
    assert store.ahead(idle_s=60) == [] and not store.touch_ahead("/", "sv")
    store.mark_ahead("/punkter.geojson", "sv")
    store.mark_ahead("/en/", "en")
    store.mark_ahead("/en/", "en")  # a second mark renews the first
    assert store.ahead(idle_s=60) == [("/en/", "en"), ("/punkter.geojson", "sv")]
    assert store.is_ahead("/en/", "en") and not store.is_ahead("/en/", "sv")
    old = time.time() - 120
    os.utime(store._mark("/en/", "en"), (old, old))
    assert store.touch_ahead("/punkter.geojson", "sv")
    assert store.ahead(idle_s=60) == [("/punkter.geojson", "sv")]  # /en/ dropped
    assert not store.is_ahead("/en/", "en")
    store._mark("/x", "sv").write_text("not json")
    assert store.ahead(idle_s=60) == [("/punkter.geojson", "sv")]
    assert not store._mark("/x", "sv").exists()  # an unreadable mark is dropped
    store.clear()
    assert store.ahead(idle_s=60) == []


def test_freshness_is_read_from_the_header_alone(tmp_path):
    store = SharedPages(tmp_path, keep_s=180, max_files=100)
    assert store.fresh_until("k") is None
    stored = (1234.5, http._representations(b"x" * 5000, "application/json"))
    store.put("k", stored)
    assert store.fresh_until("k") == 1234.5 == store.get("k")[0]
    path = tmp_path / f"{store._name('k')}.page"
    path.write_bytes(path.read_bytes().replace(b'"key": "k"', b'"key": "j"'))
    assert store.fresh_until("k") is None  # another page's entry
    path.write_bytes(b"not a header\n")
    assert store.fresh_until("k") is None


def test_the_renderer_is_alive_while_it_beats(tmp_path):
    store = SharedPages(tmp_path, keep_s=180, max_files=100)
    assert not store.renderer_alive(within_s=10)
    store.beat()
    assert store.renderer_alive(within_s=10)
    assert not store.renderer_alive(within_s=10, now=time.time() + 11)


# -- the pages --------------------------------------------------------------------


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SOT_PAGE_CACHE_DIR", str(tmp_path))
    pagecache.forget()
    yield pagecache.shared()
    pagecache.forget()


def _busy(seconds: float) -> None:
    """Spend ``seconds`` of this thread's CPU time."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


@pytest.fixture
def renders(monkeypatch) -> list[float]:
    """The start page's renders, each made to cost 50 ms of CPU."""
    calls: list[float] = []
    real = pages.render_start

    def render_start(*args, **kwargs):
        calls.append(time.monotonic())
        _busy(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "render_start", render_start)
    return calls


def _another_worker() -> None:
    pagecache.cache().clear()


def _age(store, key: str, fresh_for: float) -> None:
    """Make the kept copy fresh for ``fresh_for`` more seconds (negative: aged)."""
    _, entry = store.get(key)
    store.put(key, (time.time() + fresh_for, entry))


@pytest.mark.django_db
def test_a_slow_render_marks_the_page_and_a_quick_one_does_not(
    store, renders, monkeypatch
):
    monkeypatch.setattr(http, "AHEAD_MIN_S", 1.0)
    Client().get("/")
    assert store.ahead(idle_s=60) == []
    monkeypatch.setattr(http, "AHEAD_MIN_S", 0.04)
    pagecache.changed()
    Client().get("/")
    Client().get("/en/")
    assert store.ahead(idle_s=60) == [("/", "sv"), ("/en/", "en")]
    monkeypatch.setattr(http, "AHEAD_MIN_S", 0)  # SOT_RENDER_AHEAD_MS=0: never
    store.clear()
    pagecache.changed()
    Client().get("/")
    assert store.ahead(idle_s=60) == []


@pytest.mark.django_db
def test_a_page_slow_only_by_the_clock_is_not_marked(store, monkeypatch):
    """On a busy core every page takes long by the clock; what marks a page is
    the CPU its render costs (a page of 20 ms was marked under load, and the
    renderer then rendered every page after every change)."""
    real = pages.render_start

    def render_start(*args, **kwargs):
        time.sleep(0.2)  # waiting for the core (or the database), not working
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "render_start", render_start)
    monkeypatch.setattr(http, "AHEAD_MIN_S", 0.1)
    Client().get("/")
    assert store.ahead(idle_s=60) == []


@pytest.mark.django_db
def test_the_renderer_renders_a_marked_page_when_due_and_only_then(store, renders):
    store.mark_ahead("/", "sv")
    assert ahead.render_due(store) == [("/", "sv", 200)]
    key = pagecache.key("/", "sv")
    assert len(renders) == 1 and store.get(key)[0] > time.time() + 20
    assert ahead.render_due(store) == []  # fresh: nothing to do
    _age(store, key, http.AHEAD_LEAD_S - 1)  # about to age
    assert ahead.render_due(store) == [("/", "sv", 200)]
    assert len(renders) == 2
    pagecache.changed()  # new data: the new version at once
    assert ahead.render_due(store) == [("/", "sv", 200)]
    assert len(renders) == 3 and store.get(pagecache.key("/", "sv")) is not None
    # what the renderer wrote is what a reader is sent, rendered by nobody else
    _another_worker()
    response = Client().get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and len(renders) == 3
    assert response["ETag"] == store.get(pagecache.key("/", "sv"))[1][2]


@pytest.mark.django_db
def test_the_renderer_renders_in_the_pages_language(store):
    store.mark_ahead("/en/", "en")
    store.mark_ahead("/", "sv")
    ahead.render_due(store)
    english = store.get(pagecache.key("/en/", "en"))
    swedish = store.get(pagecache.key("/", "sv"))
    assert english is not None and swedish is not None and english[1] != swedish[1]
    _another_worker()
    assert Client().get("/en/")["ETag"] == english[1][0]  # the identity tag


@pytest.mark.django_db
def test_a_page_that_is_gone_drops_its_mark(store):
    store.mark_ahead("/punkt/finns-inte/", "sv")
    store.mark_ahead("/ingen-sida/", "sv")
    assert sorted(ahead.render_due(store)) == [
        ("/ingen-sida/", "sv", 404),
        ("/punkt/finns-inte/", "sv", 404),
    ]
    assert store.ahead(idle_s=60) == []


@pytest.mark.django_db
def test_a_worker_leaves_an_aged_page_to_a_live_renderer(store, renders):
    first = Client().get("/")
    key = pagecache.key("/")
    store.mark_ahead("/", "sv")
    store.beat()
    _age(store, key, -1)  # past its age, as after 30 s
    _another_worker()
    stale = Client().get("/?meanwhile")  # a query string skips the front cache
    assert stale.content == first.content and len(renders) == 1  # not rendered
    # the renderer stopped: the worker renders it itself, as without one
    old = time.time() - 60
    os.utime(store.root / "ahead" / ".renderer", (old, old))
    _age(store, key, -1)
    _another_worker()
    Client().get("/?dead")
    assert len(renders) == 2


@pytest.mark.django_db
def test_a_copy_aged_too_long_is_rendered_by_the_worker_whatever_the_renderer(
    store, renders
):
    """The renderer alive but behind (a busy machine): a copy more than
    ``max_age`` past its age is not sent again; the worker renders the page."""
    Client().get("/")
    key = pagecache.key("/")
    store.mark_ahead("/", "sv")
    store.beat()
    _age(store, key, -http.MAX_AGE_S - 1)
    _another_worker()
    Client().get("/?late")
    assert len(renders) == 2


@pytest.mark.django_db
def test_after_a_change_readers_get_the_previous_copy_until_the_renderer_has_it(
    store, renders, django_user_model
):
    first = Client().get("/")
    store.mark_ahead("/", "sv")
    store.beat()
    pagecache.changed()
    meanwhile = Client().get("/")
    assert meanwhile.content == first.content and len(renders) == 1
    assert "max-age=0" in meanwhile["Cache-Control"]
    # a signed-in official never gets the previous copy: renders it at once
    official = Client()
    official.force_login(django_user_model.objects.create_user("o", password="x"))
    official.get("/")
    assert len(renders) == 2
    pagecache.changed()
    ahead.render_due(store)  # the renderer's round
    assert len(renders) == 3
    after = Client().get("/")
    assert len(renders) == 3 and "max-age=30" in after["Cache-Control"]
