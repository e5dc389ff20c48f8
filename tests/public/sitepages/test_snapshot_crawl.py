"""A crawl of the published snapshot over HTTP, served by a plain static file
server, finds no broken link in the pages, the feeds or the GeoJSON (#14).
(test_snapshot_search.py checks the HTML files on disk for live-only links.)"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.support.crawl import crawl


@pytest.fixture
def served_snapshot(tmp_path, kall_open, settings):
    """``sot publish`` into a folder, served on a free loopback port."""
    from sot.public import site

    target = tmp_path / "site"
    site.publish(str(target))

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(target))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", target
    finally:
        server.shutdown()
        server.server_close()


def test_snapshot_has_no_broken_link(served_snapshot, settings):
    url, target = served_snapshot
    seen, broken = crawl(
        url + "/",
        rewrite={settings.SITE_URL.rstrip("/"): url},
    )
    assert broken == []
    # the crawl reached the pages, both languages, the feeds and a CAP document
    paths = {u.removeprefix(url) for u in seen}
    for expected in (
        "/",
        "/en/",
        "/punkt/kall/",
        "/punkter.geojson",
        "/punkter.csv",
        "/feeds/cap.atom",
    ):
        assert expected in paths, expected
    assert any(p.startswith("/cap/") for p in paths)
