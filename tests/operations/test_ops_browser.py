"""The operator's and coordinator's pages in headless Chromium: a phone with
JavaScript off sends a report, and axe-core finds no WCAG 2.1 A/AA violation.

Needs Debian's ``chromium``, PyPI ``playwright`` and axe-core's ``axe.min.js``
(``npm ci`` at the repository root, or ``SOT_AXE_JS``); skips with the reason when one
is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
AXE_JS = Path(
    os.environ.get("SOT_AXE_JS", REPO / "node_modules" / "axe-core" / "axe.min.js")
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def jamtland(transactional_db, settings):
    """The register, committed so that the live server thread sees it."""
    from sot.registry import demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.load()
    return demo


@pytest.fixture
def exercise(jamtland, settings):
    """The demo exercise "Övning Storm" (Kall open on generator, Hallen stale)."""
    from sot.operations import demo

    settings.PUBLISH_DIR = ""
    return demo.load()


def _login(page, base, username):
    from sot.registry.demo import DEMO_PASSWORD

    page.goto(f"{base}/admin/login/?next=/drift/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("[type=submit]")


def test_phone_without_javascript_reports(browser, exercise, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        java_script_enabled=False,
        is_mobile=True,
        locale="sv-SE",
    )
    page = context.new_page()
    _login(page, live_server.url, "kall")
    assert page.url.endswith("/drift/punkt/")
    assert page.get_by_text("ÖVNING").first.is_visible()
    page.click("text=Rapportera läget")
    # The form is filled with the last report: Kall is open on generator power.
    assert page.is_checked("input[name=state][value=open]")
    assert page.is_checked("input[name=power_source][value=generator]")
    page.check("input[name=state][value=limited]")
    page.fill("input[name=state_reason]", "Kortterminalen nere")
    page.fill("input[name=generator_fuel_l]", "700")
    # The public note is shown, not filled in: the operator chooses to keep it.
    assert page.get_by_text("Värmestugan i skolans matsal är öppen.").is_visible()
    assert page.input_value("input[name=public_note]") == ""
    page.check("input[name=public_note_action][value=keep]")
    page.click("text=Skicka rapporten")
    assert page.url.endswith("/drift/punkt/")
    assert page.get_by_text("Tack! Rapporten är skickad.").is_visible()
    assert page.get_by_text("Begränsad").first.is_visible()
    # Touch targets are large enough for a thumb.
    box = page.locator("text=Rapportera läget").bounding_box()
    assert box["height"] >= 44
    context.close()


def test_axe_on_officials_and_operator_pages(browser, exercise, live_server):
    if not AXE_JS.exists():
        pytest.skip(f"axe-core not found at {AXE_JS} (run `npm ci`)")
    axe = AXE_JS.read_text()
    # axe-core is injected as an inline script, which sot's CSP (rightly) refuses
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="sv-SE", bypass_csp=True
    )
    page = context.new_page()
    problems = {}
    pages = {
        "kall": [f"/drift/handelser/{exercise.pk}/punkter/kall/rapport/"],
        "lansstyrelsen": ["/drift/oversikt/", f"/drift/handelser/{exercise.pk}/"],
    }
    for username, paths in pages.items():
        context.clear_cookies()
        _login(page, live_server.url, username)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.add_script_tag(content=axe)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                WCAG_TAGS,
            )
            assert result["passes"], path
            violations = [
                f"{v['id']} ({v['impact']}): {v['help']} – "
                + "; ".join(
                    n["target"][0] if n["target"] else "?" for n in v["nodes"][:3]
                )
                for v in result["violations"]
            ]
            if violations:
                problems[path] = violations
    context.close()
    assert problems == {}


def _wait_for_cached(page, path):
    """Wait until the service worker has kept ``path`` (it caches in the background)."""
    page.wait_for_function(
        "path => caches.match(path).then(r => !!r)", arg=path, timeout=15000
    )


def test_offline_report_is_kept_and_delivered_once(browser, exercise, live_server):
    """The Kall operator's phone loses the network, files a report, and the report
    reaches the server exactly once when the network is back."""
    from sot.operations.models import Activation, StatusReport

    kall = Activation.objects.get(event=exercise, point__slug="kall")
    before = StatusReport.objects.filter(activation=kall).count()
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, is_mobile=True, locale="sv-SE"
    )
    page = context.new_page()
    _login(page, live_server.url, "kall")
    assert page.url.endswith("/drift/punkt/")
    # The app is installable: a manifest and a service worker over /drift/.
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["start_url"] == "/drift/punkt/"
    assert manifest["scope"] == "/drift/"
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == live_server.url + "/drift/"
    report_path = f"/drift/handelser/{exercise.pk}/punkter/kall/rapport/"
    page.wait_for_selector("html[data-offline-ready]")
    _wait_for_cached(page, report_path)
    _wait_for_cached(page, "/drift/punkt/")
    # The worker controls the page (clients.claim may come after activation).
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.click("text=Rapportera läget")
    assert page.url.endswith(report_path)
    page.check("input[name=state][value=limited]")
    page.fill("input[name=state_reason]", "Kortterminalen nere")
    page.check("input[name=public_note_action][value=keep]")
    page.click("text=Skicka rapporten")
    page.wait_for_url("**/drift/punkt/")
    page.get_by_text("1 rapport väntar på nät").wait_for()
    assert StatusReport.objects.filter(activation=kall).count() == before
    # A reload without network shows the kept page and still waits.
    page.reload()
    page.get_by_text("1 rapport väntar på nät").wait_for()

    context.set_offline(False)
    page.get_by_text("Servern har bekräftat").wait_for(timeout=15000)
    assert page.get_by_text("väntar på nät").count() == 0
    reports = StatusReport.objects.filter(activation=kall)
    assert reports.count() == before + 1
    newest = reports.order_by("-received_at").first()
    assert newest.state == "limited"
    assert newest.state_reason == "Kortterminalen nere"
    assert newest.received_at > newest.observed_at
    # Loading the page again sends nothing twice.
    page.reload()
    page.get_by_text("Servern har bekräftat").wait_for()
    assert reports.count() == before + 1
    kall.refresh_from_db()
    assert kall.state == "limited"
    page.wait_for_selector("html[data-offline-ready]")  # the worker is done
    context.close()


def test_online_with_javascript_the_report_goes_through_the_outbox(
    browser, exercise, live_server
):
    """Online with JavaScript: the form goes through the outbox; a double press
    stores one report."""
    from sot.operations.models import Activation, StatusReport

    kall = Activation.objects.get(event=exercise, point__slug="kall")
    before = StatusReport.objects.filter(activation=kall).count()
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    _login(page, live_server.url, "kall")
    page.click("text=Rapportera läget")
    page.check("input[name=state][value=open]")
    page.check("input[name=public_note_action][value=clear]")
    page.click("text=Skicka rapporten")
    page.wait_for_url("**/drift/punkt/")
    page.get_by_text("Tack! Rapporten är skickad.", exact=True).wait_for()
    assert StatusReport.objects.filter(activation=kall).count() == before + 1
    page.get_by_text("Servern har bekräftat").wait_for()
    page.wait_for_selector("html[data-offline-ready]")  # the worker is done
    context.close()
