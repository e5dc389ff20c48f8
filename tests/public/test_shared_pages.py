"""Rendered public pages shared by the processes of one machine (#15): a page is
rendered once per version by one process and read by the others, one render at
a time across processes (``sot.public.core.sharedpages``, ``sot.public.http``).

Another web worker is played here by emptying this process's own cache (what a
second worker starts with) and by a real second process holding the render lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from sot.public import http, pagecache, pages
from sot.public.core.sharedpages import SharedPages


def _store(tmp_path, **kw) -> SharedPages:
    return SharedPages(
        tmp_path, keep_s=kw.get("keep_s", 180), max_files=kw.get("max_files", 100)
    )


# -- the store, without a database ----------------------------------------------


def test_an_entry_comes_back_as_it_was_put(tmp_path):
    store = _store(tmp_path)
    gz = (time.time() + 30, http._representations(b"<p>hej</p>" * 100, "text/html"))
    small = (time.time() + 30, http._representations(b"{}", "application/json"))
    assert gz[1][1] is not None and small[1][3] is not None  # both kinds
    store.put("a", gz)
    store.put("b", small)
    assert store.get("a") == gz
    assert store.get("b") == small
    assert store.get("c") is None


def test_an_unreadable_or_foreign_file_is_a_miss(tmp_path):
    store = _store(tmp_path)
    stored = (time.time() + 30, http._representations(b"x" * 500, "text/html"))
    store.put("k", stored)
    path = tmp_path / f"{store._name('k')}.page"
    whole = path.read_bytes()
    path.write_bytes(whole[:-10])  # truncated
    assert store.get("k") is None
    path.write_bytes(b"not a header\n" + whole)
    assert store.get("k") is None
    path.write_bytes(whole.replace(b'"key": "k"', b'"key": "j"'))  # another key
    assert store.get("k") is None
    path.write_bytes(whole)
    assert store.get("k") == stored


def test_pruning_drops_old_entries_and_bounds_the_count(tmp_path):
    store = _store(tmp_path, keep_s=100, max_files=3)
    entry = (time.time() + 30, http._representations(b"y" * 300, "text/html"))
    for i in range(5):
        store.put(f"k{i}", entry)
        os.utime(tmp_path / f"{store._name(f'k{i}')}.page", (1000 + i, 1000 + i))
    (tmp_path / "left.tmp").write_bytes(b"a killed writer's")
    os.utime(tmp_path / "left.tmp", (1000, 1000))
    assert store.prune(now=1050) == 2  # the two oldest of five, beyond three
    assert [store.get(f"k{i}") is not None for i in range(5)] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert store.prune(now=1103) == 2  # k2 and the temporary file: past 100 s
    store.clear()
    assert list(tmp_path.iterdir()) == []


HOLD = textwrap.dedent(
    """
    import sys, time
    from sot.public.core.sharedpages import SharedPages
    store = SharedPages(sys.argv[1], keep_s=180, max_files=100)
    with store.lock(sys.argv[2], wait_s=0) as held:
        print("held" if held else "busy", flush=True)
        sys.stdin.readline()
    """
)


def _hold_in_another_process(root, key) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root), key],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def _release(proc: subprocess.Popen) -> None:
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(10)


def test_the_render_lock_excludes_another_process(tmp_path):
    store = _store(tmp_path)
    other = _hold_in_another_process(tmp_path, "page")
    try:
        started = time.monotonic()
        with store.lock("page", wait_s=0.2) as held:
            assert not held
        assert time.monotonic() - started >= 0.2
        with store.lock("another page", wait_s=0) as held:
            assert held  # another key, (almost surely) another stripe
    finally:
        _release(other)
    with store.lock("page", wait_s=0) as held:
        assert held


# -- the pages --------------------------------------------------------------------


@pytest.fixture
def shared_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SOT_PAGE_CACHE_DIR", str(tmp_path))
    pagecache.forget()
    yield tmp_path
    pagecache.forget()


def _count_renders(monkeypatch, delay: float = 0.0) -> list[float]:
    calls: list[float] = []
    real = pages.render_start

    def render_start(*args, **kwargs):
        calls.append(time.monotonic())
        time.sleep(delay)
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "render_start", render_start)
    return calls


def _another_worker() -> None:
    """What a second web worker starts with: nothing kept in its own memory."""
    pagecache.cache().clear()


@pytest.mark.django_db
def test_a_page_rendered_by_one_process_is_read_by_the_others(shared_dir, monkeypatch):
    calls = _count_renders(monkeypatch)
    first = Client().get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert first.status_code == 200 and len(calls) == 1
    assert list(shared_dir.rglob("*.page"))
    _another_worker()
    second = Client().get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert len(calls) == 1  # read, not rendered again
    assert second.content == first.content and second["ETag"] == first["ETag"]
    _another_worker()
    plain = Client().get("/")  # the identity representation from the gzip kept
    assert len(calls) == 1 and b"<html" in plain.content
    pagecache.changed()  # new data: a new version, rendered once more
    Client().get("/")
    assert len(calls) == 2


@pytest.mark.django_db
def test_without_the_setting_each_process_keeps_its_own(monkeypatch, tmp_path):
    monkeypatch.setenv("SOT_PAGE_CACHE_DIR", "")
    pagecache.forget()
    calls = _count_renders(monkeypatch)
    Client().get("/")
    _another_worker()
    Client().get("/")
    assert len(calls) == 2 and pagecache.shared() is None


@pytest.mark.django_db(transaction=True)
def test_a_process_without_a_copy_waits_for_the_one_that_renders(
    shared_dir, monkeypatch
):
    """The render lock held by another process: the request waits, and answers
    what that process wrote instead of rendering the page a second time."""
    calls = _count_renders(monkeypatch)
    client = Client()
    rendered = client.get("/")  # the page as the other process will write it
    key = pagecache.key("/")
    entry = pagecache.shared().get(key)
    pagecache.forget()  # nothing kept anywhere, the version the same
    store = pagecache.shared()
    other = _hold_in_another_process(store.root, key)
    result: dict = {}

    def get():
        try:
            result["response"] = Client().get("/")
        finally:
            connection.close()

    waiting = threading.Thread(target=get)
    waiting.start()
    time.sleep(0.3)
    assert waiting.is_alive()  # waiting for the other process's render
    store.put(key, entry)
    _release(other)
    waiting.join(10)
    assert len(calls) == 1  # only the first, before the other process held it
    assert result["response"].content == rendered.content


@pytest.mark.django_db(transaction=True)
def test_a_process_with_an_older_copy_sends_it_while_another_renders(
    shared_dir, monkeypatch
):
    calls = _count_renders(monkeypatch)
    first = Client().get("/")
    key = pagecache.key("/")
    store = pagecache.shared()
    fresh_until, entry = store.get(key)
    store.put(key, (time.time() - 1, entry))  # past its age, as after 30 s
    _another_worker()
    other = _hold_in_another_process(store.root, key)
    try:
        started = time.monotonic()
        stale = Client().get("/?meanwhile")  # a query string skips the front cache
        waited = time.monotonic() - started
    finally:
        _release(other)
    assert stale.status_code == 200 and stale.content == first.content
    assert len(calls) == 1 and waited < 1
    Client().get("/?after")  # the lock free: this one renders it again
    assert len(calls) == 2 and store.get(key)[0] > time.time()


def test_the_shared_folder_keeps_pages_as_long_as_a_process_does():
    assert pagecache.SHARED_KEEP_S == http.MAX_AGE_S * (1 + http.KEEP_STALE_FACTOR)


def test_the_keys_are_the_same_in_every_process_with_the_same_environment():
    """The settings stamp in the keys is a CRC, not Python's per-interpreter hash."""
    code = (
        "import django; django.setup(); "
        "from sot.public import pagecache; print(pagecache._settings_stamp())"
    )
    # the same environment, each interpreter with a salt of its own
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sot.config.settings",
        "PYTHONHASHSEED": "random",
    }
    stamps = [
        subprocess.run(
            [sys.executable, "-c", code + "; print(hash('salt'))"],
            env=environ,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for _ in range(2)
    ]
    assert stamps[0][1] != stamps[1][1]  # the salts differ
    assert stamps[0][0] == stamps[1][0]  # the stamps do not


def test_only_the_settings_shape_the_keys(monkeypatch):
    """gunicorn sets SERVER_SOFTWARE in its workers and not in the page renderer
    (sot.public.ahead): the keys follow the SOT_* settings alone."""
    before = pagecache._settings_stamp()
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    assert pagecache._settings_stamp() == before
    monkeypatch.setenv("SOT_TILE_URL", "https://tiles.example.se/{z}/{x}/{y}.png")
    assert pagecache._settings_stamp() != before
