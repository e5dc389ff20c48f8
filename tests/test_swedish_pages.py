"""No English on a Swedish page (issue #11, item 8).

Crawls the main Swedish pages for officials, operators and residents on the demo
(with a running real event beside the exercise, an SMS answer and a failed feed, so
the pages show what they show in a storm) and fails on a word or phrase typical of an
untranslated string or a raw value: English function words, raw exception names,
``None``/``null``, machine codes in brackets. Text inside an element marked with
another language (``lang="en"``, the language button) is skipped; proper nouns are
allowed by name.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings

#: Words and phrases that give an untranslated string or a raw value away.
ENGLISH = [
    r"\bthe\b",
    r"\band\b",
    r"\bwith\b",
    r"\bfrom\b",
    r"\bof\b",
    r"\bto\b",
    r"\bis\b",
    r"\bnot\b",
    r"\bplease\b",
    r"\banswer(ed)? (yes|no|later)\b",
    r"\bcall-out\b",
    r"\bcreated\b",
    r"\bupdated\b",
    r"\bfailed\b",
    r"\berror\b",
    r"\bunknown\b",
    r"\bignored\b",
    r"\bstatus report\b",
    r"\bNone\b",
    r"\bnull\b",
    r"\bTrue\b",
    r"\bFalse\b",
    r"\w+Error\b",
    r"\w+Exception\b",
    r"\[[a-z]+_[a-z_]+\]",  # a machine code such as [in_force]
]
#: Proper nouns and names that may stand on a Swedish page.
ALLOWED = [
    "OpenStreetMap",
    "OpenAPI",
    "GeoJSON",
    "Leaflet",
    "Krisinformation",
    "Swish",
    "Twilio",
]


class _Text(HTMLParser):
    """The visible Swedish text of a page (no script, style or other-language parts)."""

    SKIP = {"script", "style", "template", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link"}
    VOID |= {"meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        skip = tag in self.SKIP or (lang and not lang.startswith("sv"))
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name) and not skip and not any(self.stack):
                self.parts.append(attrs[name])
        if tag not in self.VOID:
            self.stack.append(bool(skip))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


def english_in(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for noun in ALLOWED:
        text = text.replace(noun, "")
    found = []
    for pattern in ENGLISH:
        for m in re.finditer(pattern, text):
            start = max(m.start() - 40, 0)
            found.append(f"{m.group(0)!r} in …{text[start : m.end() + 40]}…")
    return found


@pytest.fixture
def storm_night(db, settings):
    """The demo in a storm: the exercise, a real event with Kall, an SMS answer to a
    call-out and a feed that cannot be reached."""
    from sot.operations import demo as ops_demo
    from sot.operations import services as ops
    from sot.registry import demo
    from sot.registry.models import Municipality, Point

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PUBLISH_DIR = ""
    demo.load()
    for app in ("warnings", "outreach"):
        module = __import__(f"sot.{app}.demo", fromlist=["load"])
        module.load()
    exercise = ops_demo.load()
    from sot.accounts.models import User

    officer = User.objects.get(username="are")
    real = ops.create_event(
        name="Storm Ivar",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=officer,
        points=[Point.objects.get(slug="kall")],
    )
    ops.submit_status_report(
        point=Point.objects.get(slug="kall"),
        event=real,
        reported_by=User.objects.get(username="kall"),
        source="web",
        state="open",
        fuel_products={"diesel": "no"},
        public_note="Värmestugan är öppen.",
        note="Elverket går ojämnt.",
    )
    _failed_feed()
    from sot.registry.services import record_save

    kall = Point.objects.get(slug="kall")
    record_save(
        obj=kall,
        before={"name": "Kall", "backup_power.tank_l": 800},
        after={"name": "Kall Handel", "backup_power.tank_l": 900},
        created=False,
        actor=officer,
    )
    return {"exercise": exercise, "real": real}


def _failed_feed():
    """A feed whose last poll could not connect (the dashboard shows its health)."""
    from django.utils import timezone

    from sot.warnings.models import WarningSource

    feed = WarningSource.objects.order_by("pk").first()
    if feed is not None:
        WarningSource.objects.filter(pk=feed.pk).update(
            last_error="ConnectError: [Errno 111] Connection refused",
            last_error_at=timezone.now(),
        )


def _pages(client, storm_night) -> dict[str, list[str]]:
    from sot.operations.models import Activation

    real, exercise = storm_night["real"], storm_night["exercise"]
    kall = Activation.objects.get(event=real, point__slug="kall")
    officials = [
        "/drift/oversikt/",
        f"/drift/handelser/{real.pk}/",
        f"/drift/handelser/{real.pk}/punkter/kall/",
        f"/drift/handelser/{real.pk}/lagesrapport/",
        f"/drift/handelser/{real.pk}/bransle/",
        "/drift/handelser/ny/",
        "/drift/mallar/",
        "/varningar/",
        "/varningar/forslag/",
        "/varningar/regler/",
        f"/utskick/aktiveringar/{kall.pk}/utrop/",
        "/utskick/ovnings-sms/",
        f"/admin/registry/point/{kall.point_id}/history/",
    ]
    if exercise is not None:
        officials.append(f"/drift/handelser/{exercise.pk}/")
    operators = [
        "/drift/punkt/",
        f"/drift/handelser/{real.pk}/punkter/kall/rapport/",
        f"/drift/handelser/{real.pk}/punkter/kall/",
    ]
    residents = ["/", "/punkt/kall/", "/karta/", "/meddelanden/", "/oppna-data/"]
    residents += ["/nara/?q=Kall", "/prenumerera/"]
    return {"are": officials, "kall": operators, "": residents}


@override_settings(LANGUAGE_CODE="sv")
def test_no_english_on_swedish_pages(client, storm_night):
    from sot.accounts.models import User

    problems = {}
    for username, urls in _pages(client, storm_night).items():
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, (username, url)
            found = english_in(response.content.decode())
            if found:
                problems[f"{username or 'resident'} {url}"] = found
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_check_finds_english():
    assert english_in("<p>Kall: answer yes to call-out K4F2</p>")
    assert english_in("<td>ConnectError: refused</td>")
    assert english_in("<li>skapad 12:00 [in_force]</li>")
    assert not english_in('<p>Öppen <button lang="en">English</button></p>')
    assert not english_in("<p>Karta från OpenStreetMap</p>")


def test_sms_outcomes_read_in_swedish():
    from sot.outreach.inbound import describe_outcome

    for outcome in (
        "answer yes to call-out K4F2",
        "status report for kall",
        "unknown sender; ignored",
        "not understood: DIESELL",
        "refused: Ange en orsak.",
    ):
        assert not english_in(f"<p>{describe_outcome(outcome)}</p>"), outcome


def test_operators_are_shown_no_link_that_refuses_them(client, storm_night):
    """Every link on an operator's pages opens for the operator (no 403)."""
    from sot.accounts.models import User

    client.force_login(User.objects.get(username="kall"))
    refused, checked = {}, set()
    for url in _pages(client, storm_night)["kall"]:
        html = client.get(url).content.decode()
        for href in set(re.findall(r'href="(/[^"#]*)"', html)):
            if href.startswith(("/static/", "/admin/logout")):
                continue
            checked.add(href)
            status = client.get(href.replace("&amp;", "&")).status_code
            if status == 403:
                refused.setdefault(url, []).append(href)
    assert len(checked) >= 5, checked
    assert not refused, refused
