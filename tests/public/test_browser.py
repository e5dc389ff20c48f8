"""The public pages in headless Chromium: axe-core finds no WCAG 2.1 A/AA violation,
and a phone on a throttled 2G link gets the start page with Kall open.

Needs Debian's ``chromium`` (driven by PyPI ``playwright`` with ``executable_path``)
and axe-core's ``axe.min.js`` (``npm ci`` at the repository root puts it in
``node_modules/axe-core/``; or point ``SOT_AXE_JS`` at a copy). Skips with the
reason when either is missing.
"""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = (
    os.environ.get("SOT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)
AXE_JS = Path(
    os.environ.get("SOT_AXE_JS", REPO / "node_modules" / "axe-core" / "axe.min.js")
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "/",
    "/punkt/kall/",
    "/punkt/valsjobyn/",
    "/kommun/2321/",
    "/karta/",
    "/nara/?q=Huså",
    "/meddelanden/",
    "/en/punkt/kall/",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (skips when chromium, playwright or axe-core is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.exists():
        pytest.skip(
            f"axe-core not found at {AXE_JS} (run `npm ci` at the repository root)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    # Playwright's sync API runs an event loop in this thread; the database set-up and
    # teardown of the tests around it are synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_site(transactional_db, settings):
    """The demo register with a running exercise and Kall open, committed so that the
    live server thread sees it."""
    from django.utils import timezone

    from sot.accounts.models import User
    from sot.operations import services as ops
    from sot.public.imports import import_places
    from sot.public.models import PublicMessage
    from sot.registry import demo
    from sot.registry.models import Municipality, Point

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PUBLISH_DIR = ""
    demo.load()
    officer, operator = (
        User.objects.get(username="are"),
        User.objects.get(username="kall"),
    )
    kall = Point.objects.get(slug="kall")
    event = ops.create_event(
        name="Övning Storm Jämtland",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=officer,
        is_exercise=True,
        starts_at=timezone.now() - timedelta(hours=1),
        public_message="Långvarigt strömavbrott i västra Åre.",
    )
    ops.activate_point(event=event, point=kall, activated_by=officer)
    ops.submit_status_report(
        point=kall,
        event=event,
        reported_by=operator,
        source="web",
        state="open",
        power_source="generator",
        services={
            "food": "yes",
            "heating": "yes",
            "phone_charging": "limited",
            "drinking_water": "no",
        },
        fuel_products={"diesel": "yes", "petrol": "no"},
        payment_methods=["card", "cash"],
    )
    PublicMessage.objects.create(
        municipality=kall.municipality,
        point=kall,
        event=event,
        text="Diesel endast till räddningstjänst till kl 18",
    )
    import_places(Path(__file__).parent / "data" / "places.csv")
    return event


def test_axe_finds_no_violations(browser, demo_site, live_server, monkeypatch):
    axe = AXE_JS.read_text()
    # axe-core is injected as an inline script, which sot's CSP (rightly) refuses
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = context.new_page()
    problems = {}
    for path in [*PAGES, "/karta/?tiles"]:
        if path == "/karta/?tiles":  # the tiled background, from this server (404s)
            monkeypatch.setenv(
                "SOT_TILE_URL", live_server.url + "/tiles/{z}/{x}/{y}.png"
            )
            monkeypatch.setenv("SOT_TILE_ATTRIBUTION", "© Exempel")
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if path.endswith("?tiles"):  # map.js has replaced the mosaic with Leaflet
            page.wait_for_selector(".sot-map.sot-map-ready .sot-mark")
            assert page.locator(".tiles").count() == 0
        page.add_script_tag(content=axe)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} – "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
            for v in result["violations"]
        ]
        assert result["passes"], path  # axe really ran
        if violations:
            problems[path] = violations
    context.close()
    assert problems == {}


def test_phone_on_2g_without_javascript_sees_kall_open(browser, demo_site, live_server):
    """A 360 px phone, JavaScript off, on Chrome DevTools' "Slow 2G"-like profile."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        java_script_enabled=False,
        is_mobile=True,
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 800,  # ms round trip
            "downloadThroughput": 50 * 1024 // 8 * 4,  # 200 kbit/s
            "uploadThroughput": 50 * 1024 // 8,
        },
    )
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/", timeout=30_000)
    first = page.locator("ul.pts li").first
    assert "Kall" in first.inner_text() and "Öppen" in first.inner_text()
    assert page.get_by_text("ÖVNING").first.is_visible()
    # one request: no CSS, font, script or image files to fetch
    assert [u for u in requests if not u.startswith(live_server.url + "/")] == []
    assert len(requests) == 1, requests
    context.close()


# a 1×1 transparent PNG, served for every tile request
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def test_slippy_map_with_javascript_mosaic_without(
    browser, demo_site, live_server, monkeypatch
):
    """With a tile URL, map.js turns the mosaic into a Leaflet map (vendored, from
    our static path); without JavaScript the mosaic of links stays."""
    monkeypatch.setenv("SOT_TILE_URL", live_server.url + "/tiles/{z}/{x}/{y}.png")
    monkeypatch.setenv("SOT_TILE_ATTRIBUTION", "© Exempel")
    for js in (True, False):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, java_script_enabled=js
        )
        page = context.new_page()
        requests = []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.route(
            "**/tiles/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=PNG),
        )
        page.goto(live_server.url + "/karta/")
        points = page.locator("ul.pts li").count()
        if js:
            page.wait_for_selector(".leaflet-container.sot-map-ready")
            assert page.locator(".tiles").count() == 0
            region = page.locator(".sot-map")
            assert region.get_attribute("role") == "region"
            assert "flytta och zooma" in region.get_attribute("aria-label")
            assert page.locator(".sot-mark").count() == points
            page.wait_for_selector(".leaflet-tile-loaded")
            assert (
                "© Exempel" in page.locator(".leaflet-control-attribution").inner_text()
            )
            page.locator(".sot-mark", has_text="Kall").click()
            link = page.locator(".leaflet-popup-content a")
            assert link.get_attribute("href") == "/punkt/kall/"
            assert "Öppen" in link.inner_text()
            page.get_by_role("button", name="Zooma in").click()
            fetched = {u.split("?")[0].removeprefix(live_server.url) for u in requests}
            assert {
                "/static/public/leaflet/leaflet.js",
                "/static/public/leaflet/leaflet.css",
                "/static/public/map.js",
            } <= fetched
        else:
            assert page.locator(".tiles a.st").count() == points
            assert page.locator(".leaflet-container").count() == 0
            assert not [u for u in requests if "/static/" in u]
        # nothing from another host: this server (pages, static files, tiles) only
        assert [u for u in requests if not u.startswith(live_server.url + "/")] == []
        context.close()


def test_layout_holds_at_200_percent_zoom_on_a_360_px_phone(
    browser, demo_site, live_server
):
    """200 % zoom on a 360 px wide screen leaves 180 CSS pixels: no page may scroll
    sideways (WCAG 1.4.10 reflow), and the search is within the first screens."""
    context = browser.new_context(viewport={"width": 180, "height": 320})
    page = context.new_page()
    wide = {}
    for path in [*PAGES, "/en/", "/en/nara/?q=Jarpen", "/oppna-data/"]:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if overflow[0] > overflow[1]:
            culprits = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
            )
            wide[path] = (overflow, culprits)
    assert wide == {}
    page.goto(live_server.url + "/")
    # the search box: reached with a few Tab presses, not 21
    presses = 0
    while presses < 8 and page.evaluate("document.activeElement.id") != "q":
        page.keyboard.press("Tab")
        presses += 1
    assert page.evaluate("document.activeElement.id") == "q", presses
    context.close()


@pytest.fixture
def static_server(demo_site, tmp_path):
    """The published snapshot served by ``python3 -m http.server`` on a free
    loopback port, with no sot server running; stopped after the test."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from sot.public import site

    site.publish(tmp_path / "site")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=(tmp_path / "site").resolve(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_snapshot_search_from_a_static_server(browser, static_server):
    """The issue's searches work in the snapshot with the app stopped: the
    search script ranks the points from the published index."""
    from sot.geo.crs import from_sweref99tm

    lon, lat = from_sweref99tm(420000, 7040000)
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    expected = {
        "Jarpen": "Närmaste öppna punkter från Järpen",
        "830 05": "Närmaste öppna punkter från 830 05 Järpen",
        "83005": "Närmaste öppna punkter från 830 05 Järpen",
        "7040000 420000": f"från {lat:.4f}, {lon:.4f}",
        "13.5 63.2": "från 63.2000, 13.5000",
    }
    for query, heading in expected.items():
        # as a resident would: type into the start page's form and press Search
        page.goto(static_server + "/")
        page.fill("#q", query)
        page.press("#q", "Enter")
        page.wait_for_selector("#results h2")
        results = page.locator("#results").inner_text()
        assert heading in results, (query, results)
        first = page.locator("#results li").first
        assert "Kall" in first.inner_text() and " km" in first.inner_text()
        assert page.locator("#nojs").is_hidden()
    page.goto(static_server + "/nara/?q=Kiruna")
    assert (
        "Kiruna ligger utanför Jämtlands län" in page.locator("#results").inner_text()
    )
    page.goto(static_server + "/en/nara/?q=Undersaker")
    page.wait_for_selector("#results h2")
    assert "Nearest open points from Undersåker" in page.inner_text("#results")
    page.goto(static_server + "/nara/?q=Ljungdalen")  # GeoNames only estimated it
    page.wait_for_selector("#results h2")
    assert "Vi vet bara ungefär var Ljungdalen ligger" in page.inner_text("#results")
    page.goto(static_server + "/nara/")
    assert "Skriv namnet på din ort" in page.inner_text("#results")
    assert all(u.startswith(static_server) for u in requests)
    context.close()
    # without JavaScript: the search page links the lists of points by place
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(static_server + "/nara/?q=Jarpen")
    assert page.locator("#nojs").is_visible()
    page.click("text=Orter A–Ö med närmaste punkter")
    assert page.url.endswith("/orter/")
    page.click("a[href='/orter/2321/']")
    assert page.url.endswith("/orter/2321/")
    assert "Kall" in page.locator("dt:has-text('Järpen') + dd").inner_text()
    context.close()
