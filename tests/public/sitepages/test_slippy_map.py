"""The slippy map on /karta/: vendored Leaflet and map.js, only with a tile URL."""

from __future__ import annotations

import re

from django.core.management import call_command

from sot.public import pages

TILE_URL = "https://tiles.example.se/{z}/{x}/{y}.png"


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _references(page: str) -> list[str]:
    """Every URL the browser would fetch by itself: src= and <link href=>."""
    return (
        re.findall(r'\bsrc="([^"]+)"', page)
        + re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', page)
        + re.findall(r'data-leaflet-css="([^"]+)"', page)
    )


def test_map_page_loads_vendored_leaflet_only_with_a_tile_url(
    client, kall_open, monkeypatch
):
    for url in ("/karta/", "/en/karta/"):
        page = html(client, url)
        assert "leaflet" not in page.lower() and "map.js" not in page
    monkeypatch.setenv("SOT_TILE_URL", TILE_URL)
    monkeypatch.setenv("SOT_TILE_ATTRIBUTION", "© Exempel")
    for url, label in (
        ("/karta/", "Karta med bakgrund som går att flytta"),
        ("/en/karta/", "Map with background that can be panned"),
    ):
        page = html(client, url)
        assert re.search(
            r'<script src="/static/public/leaflet/leaflet\.js\?v=\w+" defer>', page
        )
        assert re.search(r'<script src="/static/public/map\.js\?v=\w+" defer>', page)
        assert re.search(
            r'data-leaflet-css="/static/public/leaflet/leaflet\.css\?v=\w+"', page
        )
        assert f'data-tile-url="{TILE_URL}"' in page
        assert 'data-attribution="© Exempel"' in page and label in page
        # the points for the script, on the mosaic's own links (no JS: still links)
        assert re.search(
            r'<a class="st st-open" href="[^"]*/punkt/kall/" style="[^"]+" '
            r'data-lat="63\.\d+" data-lon="13\.\d+" data-state="open">',
            page,
        )
        # no other hosts: our own static files and the configured tile server only
        for ref in _references(page):
            assert ref.startswith(("/static/public/", "https://tiles.example.se/")) or (
                ref == "data:,"
            ), ref
        assert "unpkg" not in page and "cdn" not in page.lower()


def test_start_and_point_pages_never_load_leaflet(client, kall_open, monkeypatch):
    monkeypatch.setenv("SOT_TILE_URL", TILE_URL)
    for url in ("/", "/en/", "/punkt/kall/", "/en/punkt/kall/"):
        page = html(client, url)
        assert "leaflet" not in page.lower() and "map.js" not in page, url
        assert "<script src=" not in page, url


def test_vendored_files_are_served_from_our_static_path(client, kall_open):
    from django.contrib.staticfiles import finders

    for name in (*pages.MAP_ASSETS, "public/leaflet/LICENSE"):
        found = finders.find(name)
        assert found, name
    leaflet = (pages.STATIC_DIR / "public/leaflet/leaflet.js").read_text()
    assert 'version="1.9.4"' in leaflet
    assert "BSD 2-Clause" in (pages.STATIC_DIR / "public/leaflet/LICENSE").read_text()
    script = (pages.STATIC_DIR / "public/map.js").read_text()
    assert "https://" not in script and "http://" not in script


def test_snapshot_carries_the_slippy_map_files(tmp_path, kall_open, monkeypatch):
    call_command("publish", str(tmp_path / "plain"))
    assert not (tmp_path / "plain" / "static").exists()
    monkeypatch.setenv("SOT_TILE_URL", TILE_URL)
    target = tmp_path / "site"
    call_command("publish", str(target))
    page = (target / "karta" / "index.html").read_text()
    refs = re.findall(r'="(/static/[^"?]+)\?v=\w+"', page)
    assert sorted(refs) == sorted(f"/static/{n}" for n in pages.MAP_ASSETS)
    for ref in refs:
        assert (target / ref.lstrip("/")).read_bytes() == (
            pages.STATIC_DIR / ref.removeprefix("/static/")
        ).read_bytes()
    assert (target / "static/public/leaflet/LICENSE").exists()
    assert (target / "static/public/map.js.gz").exists()
    assert "leaflet" not in (target / "index.html").read_text().lower()
    call_command("publish", str(target), "--verify")
