"""Issue #11's walk in headless Chromium (item 9, "Done when"): on the demo, while
"Övning Storm" runs, Åre's officer opens a real event and alerts Kall from the
browser; Kall's page, the snapshot, GeoJSON and CAP show the real event only; the
operator's SMS lands in the real event and the receipt names it; Hallen shows its
services as unknown; the officer ends the exercise through the confirmation page and
its restriction is gone everywhere.

The officials' pages are used with JavaScript off (they must work without it). Needs
Debian's ``chromium`` and PyPI ``playwright``; skips with the reason when missing.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, settings):
    """The demo as `sot demo` loads it (register, volunteers, the exercise "Övning
    Storm" with its public restriction), committed for the live server."""
    from sot.operations import demo as ops_demo
    from sot.outreach import demo as frg
    from sot.public import demo as public_demo
    from sot.registry import demo as registry

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PUBLISH_DIR = ""
    registry.load()
    frg.load()
    exercise = ops_demo.load()
    public_demo.load()
    return {"exercise": exercise, "operator_phone": frg.OPERATOR_PHONE}


def _login(page, base, username):
    from sot.registry.demo import DEMO_PASSWORD

    page.goto(f"{base}/admin/login/?next=/drift/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("[type=submit]")


def test_the_walk(browser, demo, live_server):
    from sot.operations.models import Activation, Event, StatusReport
    from sot.public import feeds, site
    from sot.registry.models import Municipality, Point

    base = live_server.url
    exercise = demo["exercise"]
    kall = Point.objects.get(slug="kall")
    resident = browser.new_context(locale="sv-SE").new_page()
    resident.goto(f"{base}/punkt/kall/")
    assert "ÖVNING" in resident.content()
    assert "endast räddningstjänst" in resident.content()

    # Åre's officer opens a real event and alerts Kall, without JavaScript
    officer = browser.new_context(
        java_script_enabled=False,
        locale="sv-SE",
        viewport={"width": 1024, "height": 800},
    ).new_page()
    _login(officer, base, "are")
    officer.goto(f"{base}/drift/handelser/ny/")
    assert officer.input_value("textarea[name=area]") == ""  # not "null"
    officer.fill("input[name=name]", "Storm Ivar")
    are = Municipality.objects.get(code="2321")
    officer.check(f"input[name=municipalities][value='{are.pk}']")
    officer.click("text=Öppna händelsen")
    real = Event.objects.get(name="Storm Ivar")
    assert officer.url.endswith(f"/drift/handelser/{real.pk}/")
    officer.select_option("select[name=point]", value=str(kall.pk))
    officer.click("button:has-text('Larma')")
    officer.get_by_text("Punkten är larmad.").wait_for()
    # the event page links the call-out page of the point
    assert officer.get_by_role("link", name="Kall").count() >= 1
    suspended = Activation.objects.get(event=exercise, point=kall)
    assert suspended.suspended_for_id == real.pk

    # Kall's page, the snapshot, GeoJSON and CAP: the real event only
    # (a fresh request: the browser may keep the page for its max-age)
    page = resident.request.get(f"{base}/punkt/kall/").text()
    snapshot = site.build_files()["punkt/kall/index.html"].decode()
    for html in (page, snapshot):
        assert "Storm Ivar" in html
        assert "ÖVNING" not in html and "Övning Storm" not in html
        assert "räddningstjänst" not in html
    geo = json.loads(resident.request.get(f"{base}/punkter.geojson").text())
    kall_f = next(f for f in geo["features"] if f["id"] == "kall")
    assert kall_f["properties"]["event"] == "Storm Ivar"
    assert not kall_f["properties"]["exercise"]
    # CAP: the real event's messages only, after the exercise's chain for Kall
    # ended with a Cancel when the real event took it
    kall_cap = [m for m in feeds.cap_messages() if m.point_slug == "kall"]
    drill = [m for m in kall_cap if m.event_id == str(exercise.pk)]
    assert drill and drill[-1].msg_type == "Cancel"
    assert all(m.sent <= suspended.suspended_at for m in drill)
    assert all(
        m.status == "Actual" and b"vning" not in m.xml
        for m in kall_cap
        if m.event_id != str(exercise.pk)
    )

    # the operator's SMS (typed in the officer's SMS console) lands in the real
    # event, and the receipt says which
    officer.goto(f"{base}/utskick/ovnings-sms/")
    officer.fill("input[name=sender]", demo["operator_phone"])
    officer.fill("[name=text]", "KALL ÖPPEN DIESEL JA")
    officer.click("text=Ta emot")
    officer.get_by_text("Lägesrapport för kall").wait_for()
    assert "(Storm Ivar): öppen, diesel ja" in officer.content()
    latest = StatusReport.objects.filter(activation__point=kall).first()
    assert latest.activation.event_id == real.pk and latest.source == "sms"

    # Hallen, stale in the exercise, shows its services as unknown
    resident.goto(f"{base}/punkt/hallen/")
    hallen = resident.content()
    assert "Storm Ivar" not in hallen  # Hallen is not in the real event
    assert "Okänt läge" in hallen and ">Finns<" not in hallen

    # the officer ends the exercise: a confirmation page, a reason, then done
    officer.goto(f"{base}/drift/handelser/{exercise.pk}/")
    officer.fill("#end-reason", "Övningen klar")
    officer.click("text=Avsluta och stäng alla punkter …")
    officer.get_by_text("Avsluta händelsen och stäng alla punkter?").wait_for()
    exercise.refresh_from_db()
    assert exercise.ends_at is None  # one click did not end it
    officer.click("text=Ja, avsluta händelsen")
    officer.get_by_text("Händelsen är avslutad.").wait_for()
    officer.get_by_text("Händelsen avslutad: Övningen klar").wait_for()
    for path in ("/punkt/kall/", "/meddelanden/", "/punkter.geojson"):
        assert "räddningstjänst" not in resident.request.get(f"{base}{path}").text()
    snapshot = site.build_files()
    assert not any(
        "räddningstjänst" in body.decode("utf-8", "ignore")
        for name, body in snapshot.items()
        if name.endswith((".html", ".geojson", ".json", ".csv"))
    )
    resident.context.close()
    officer.context.close()


def test_report_form_fits_a_phone(browser, demo, live_server):
    """At 390 px the filled-in report form of the demo's Kall was about 4 400 px
    long, every answer on a row of its own (issue #11, item 8)."""
    page = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    ).new_page()
    _login(page, live_server.url, "kall")
    page.click("text=Rapportera läget")
    height = page.evaluate("document.documentElement.scrollHeight")
    # about 3 150 px now: the answers of each service side by side on one row
    assert height < 3500, height
    page.context.close()
