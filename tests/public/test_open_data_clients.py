"""The open outputs read by the clients GIS users and other systems use, against a
live server on a free loopback port: GDAL's OAPIF driver (ogrinfo, ogr2ogr), OWSLib,
libhxl, feedparser (#14).

Each test skips only when its client is absent: ``gdal-bin`` from Debian (installed
by ``.ci/run``), the Python clients from the ``dev`` extra.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

OGR2OGR = shutil.which("ogr2ogr")
OGRINFO = shutil.which("ogrinfo")


@pytest.fixture
def site(transactional_db, live_server, kall_open, settings):
    """A live server (committed data) with the demo register and Kall open."""
    settings.SITE_URL = live_server.url
    return live_server.url


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "GDAL_HTTP_TIMEOUT": "30", "CPL_DEBUG": "OFF"}
    return subprocess.run(
        args, capture_output=True, text=True, timeout=120, env=env, check=False
    )


needs_gdal = pytest.mark.skipif(
    OGR2OGR is None or OGRINFO is None,
    reason="GDAL's ogr2ogr/ogrinfo absent (apt-get install gdal-bin)",
)


@needs_gdal
def test_gdal_where_filter_gives_exactly_the_open_points(site, tmp_path):
    """The issue's "done when": ogr2ogr to GeoPackage with -where "open=1"."""
    gpkg = tmp_path / "out.gpkg"
    done = _run(
        OGR2OGR, "-f", "GPKG", str(gpkg), f"OAPIF:{site}/ogc/", "points",
        "-where", "open=1",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    info = _run(OGRINFO, "-ro", "-al", "-so", str(gpkg))
    assert "Feature Count: 1" in info.stdout, info.stdout
    names = _run(OGRINFO, "-ro", "-al", "-q", str(gpkg))
    assert "name (String) = Kall" in names.stdout
    closed = _run(
        OGRINFO, "-ro", "-so", f"OAPIF:{site}/ogc/", "points", "-where", "open=0"
    )
    assert "Feature Count: 7" in closed.stdout, closed.stdout + closed.stderr
    in_are = _run(
        OGRINFO, "-ro", "-so", f"OAPIF:{site}/ogc/", "points",
        "-where", "municipality_code='2321'",
    )  # fmt: skip
    assert "Feature Count: 3" in in_are.stdout, in_are.stdout + in_are.stderr


@needs_gdal
def test_gdal_reprojects_to_sweref99tm(site, tmp_path):
    from sot.geo.crs import to_sweref99tm

    out = tmp_path / "sweref.geojson"
    done = _run(
        OGR2OGR, "-f", "GeoJSON", str(out), f"OAPIF:{site}/ogc/", "points",
        "-where", "open=1", "-t_srs", "EPSG:3006",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text())
    (kall,) = doc["features"]
    assert kall["properties"]["name"] == "Kall"
    e, n = kall["geometry"]["coordinates"][:2]  # GeoJSON output: easting first
    want_e, want_n = to_sweref99tm(13.2334, 63.4726)
    assert abs(e - want_e) < 0.01 and abs(n - want_n) < 0.01
    assert "3006" in json.dumps(doc.get("crs", {}))


@needs_gdal
def test_gdal_reads_every_page(site):
    """Paging through next links with a small page size gives all eight points."""
    done = _run(
        OGRINFO, "-ro", "-al", "-q", "-oo", "PAGE_SIZE=3", f"OAPIF:{site}/ogc/",
        "points",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("OGRFeature(points)") == 8


def test_owslib_reads_the_ogc_api(site):
    features = pytest.importorskip("owslib.ogcapi.features")
    api = features.Features(f"{site}/ogc/")
    assert "points" in [c["id"] for c in api.collections()["collections"]]
    assert api.conformance()["conformsTo"]
    items = api.collection_items("points", limit=3)
    assert items["numberMatched"] == 8 and len(items["features"]) == 3
    opened = api.collection_items("points", open="true")
    assert [f["id"] for f in opened["features"]] == ["kall"]
    queryables = api.collection_queryables("points")
    assert queryables["properties"]["open"]["type"] == "boolean"
    one = api.collection_item("points", "kall")
    assert one["properties"]["name"] == "Kall"


def test_libhxl_reads_the_live_csv_with_no_options(site):
    hxl = pytest.importorskip("hxl")
    source = hxl.data(site + "/punkter.csv")
    rows = list(source)
    assert [c.display_tag for c in source.columns][:2] == ["#loc+id", "#loc+name"]
    kall = next(r for r in rows if r.get("#loc+id") == "kall")
    assert kall.get("#status+code") == "open"
    assert kall.get("#service+fuel+available+code").split(";") == ["fuel_diesel"]
    assert kall.get("#adm2+name") == "Åre"


def test_feedparser_reads_the_atom_feeds(site):
    feedparser = pytest.importorskip("feedparser")
    cap = feedparser.parse(site + "/feeds/cap.atom")
    assert not cap.bozo, cap.get("bozo_exception")
    assert cap.entries and cap.entries[0].title.startswith("Kall")
    link = next(
        lk["href"] for lk in cap.entries[0].links if lk["type"] == "application/cap+xml"
    )
    assert link.startswith(site + "/cap/")
    messages = feedparser.parse(site + "/feeds/meddelanden.atom")
    assert not messages.bozo, messages.get("bozo_exception")
    assert any("Långvarigt strömavbrott" in e.title for e in messages.entries)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def other_origin(tmp_path):
    """A page on another origin (a second loopback port) that fetches from sot."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "map.html").write_text(
        "<!DOCTYPE html><html lang='en'><title>Another site's map</title></html>"
    )

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/map.html"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_origin_can_fetch_the_open_data(site, other_origin):
    """In Chromium: fetch() from another origin reads the GeoJSON, CSV, Atom and
    the OGC items, and is refused an official's endpoint."""
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    script = """async (urls) => {
        const out = {};
        for (const url of urls) {
            try {
                const r = await fetch(url);
                out[url] = [r.status, (await r.text()).length, r.headers.get('etag')];
            } catch (e) { out[url] = ['refused']; }
        }
        return out;
    }"""
    # sot on localhost, the map page on 127.0.0.1: two origins
    base = site.replace("127.0.0.1", "localhost")
    open_urls = [
        base + "/api/v1/points.geojson",
        base + "/punkter.geojson",
        base + "/punkter.csv",
        base + "/feeds/cap.atom",
        base + "/ogc/collections/points/items?open=true",
    ]
    closed_urls = [base + "/api/v1/operations/events", base + "/admin/"]
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            page = browser.new_page()
            page.goto(other_origin)
            results = page.evaluate(script, open_urls + closed_urls)
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
    for url in open_urls:
        status, length, etag = results[url]
        assert status == 200 and length > 100, url
    assert results[base + "/punkter.geojson"][2]  # the ETag is exposed to scripts
    for url in closed_urls:
        assert results[url] == ["refused"], url
