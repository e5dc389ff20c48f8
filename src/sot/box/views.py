"""What a box serves on the point's Wi-Fi, besides the ordinary pages.

* captive-portal answers: a phone that joins the Wi-Fi asks a well-known address
  (dnsmasq sends every name to the box) and gets a redirect to the point's page, so
  it shows "sign in to network" and opens the page;
* ``/box/``: what this box is, its points, and how old its copy of central is;
* ``/lage/...``: the county's public site as central last published it (the pulled
  snapshot), every page marked with the time of the snapshot in plain words.

On central (no :class:`~sot.box.models.Link`) all of these answer 404.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from sot.box import sync
from sot.errors import NotFound
from sot.operations.core.freshness import format_age

#: Paths operating systems fetch to detect a captive portal.
CAPTIVE_PATHS = (
    "generate_204",  # Android, Chrome
    "gen_204",  # Android
    "hotspot-detect.html",  # Apple
    "library/test/success.html",  # Apple (older)
    "connecttest.txt",  # Windows 10/11
    "ncsi.txt",  # Windows (older)
    "success.txt",  # Firefox
    "canonical.html",  # Firefox, Ubuntu
    "check_network_status.txt",  # KDE/NetworkManager
)

WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
WEEKDAYS_EN = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

#: The box's own words, Swedish then English (the public pages' way, #16).
PHRASES: dict[str, tuple[str, str]] = {
    "title": ("Boxen {name}", "The box {name}"),
    "intro": (
        "Den här lilla datorn står vid SOT-punkten och fungerar även när mobilnät "
        "och internet är borta.",
        "This small computer stands at the service point and keeps working when "
        "the mobile network and the internet are gone.",
    ),
    "points_here": ("Punkterna här", "The points here"),
    "point_line": (
        "aktuellt läge, med rapporter gjorda här vid boxen",
        "the status now, with the reports made here at the box",
    ),
    "county": ("Hela länet", "The whole county"),
    "county_points": ("Länets SOT-punkter", "The county's service points"),
    "county_line": (
        "enligt ögonblicksbilden från central, hämtad {when}.",
        "as in the snapshot from the central server, fetched {when}.",
    ),
    "no_snapshot": (
        "Boxen har ingen ögonblicksbild av länet ännu.",
        "The box has no snapshot of the county yet.",
    ),
    "last_sync": (
        "Senaste kontakt med central: {when}.",
        "Last contact with the central server: {when}.",
    ),
    "operators": ("För dig som driver punkten", "For those who run the point"),
    "report": ("Rapportera läget", "Report the status"),
    "banner": (
        "<strong>Ögonblicksbild från central</strong>, hämtad {when}. Läget kan ha "
        'ändrats sedan dess. <a href="{home}">Om boxen och punkterna här</a>',
        "<strong>Snapshot from the central server</strong>, fetched {when}. The "
        'status may have changed since. <a href="{home}">About the box and '
        "the points here</a>",
    ),
    "never": ("aldrig", "never"),
    "other_lang": ("English", "Svenska"),
}


def phrases(lang: str) -> dict[str, str]:
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in PHRASES.items()}


def _age_en(text: str) -> str:
    """format_age's Swedish short age in English ("nyss" -> "just now")."""
    return (
        text.replace("nyss", "just now")
        .replace(" d ", " days ")
        .replace("aldrig", "never")
    )


def plain_time(
    at: datetime | None, now: datetime | None = None, lang: str = "sv"
) -> str:
    """When, in plain words: "i dag kl. 14.05 (för 2 h 5 min sedan)", or in
    English "today at 14:05 (2 h 5 min ago)"."""
    en = lang == "en"
    if at is None:
        if en:
            return "never – the box has not had a snapshot from the central server yet"
        return "aldrig – boxen har inte fått någon ögonblicksbild från central ännu"
    now = now or timezone.now()
    local, today = timezone.localtime(at), timezone.localtime(now).date()
    days = (today - local.date()).days
    age = format_age(now - at)
    if en:
        if days == 0:
            day = "today"
        elif days == 1:
            day = "yesterday"
        else:
            day = (
                f"{WEEKDAYS_EN[local.weekday()]} {local.day} "
                f"{MONTHS_EN[local.month - 1]}"
            )
        ago = "just now" if age == "nyss" else f"{_age_en(age)} ago"
        return f"{day} at {local:%H:%M} ({ago})"
    if days == 0:
        day = "i dag"
    elif days == 1:
        day = "i går"
    else:
        day = f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}"
    return f"{day} kl. {local:%H.%M} (för {age} sedan)"


def _link():
    link = sync.link()
    if link is None:
        raise NotFound("not a box")
    return link


def captive(request):
    """Answer a captive-portal check with a redirect to the point's page."""
    link = _link()
    slug = link.point_slugs[0] if link.point_slugs else ""
    target = f"/punkt/{slug}/" if slug else reverse("box:home")
    base = settings.SITE_URL or f"http://{request.get_host()}"
    return HttpResponseRedirect(base + target)


def home(request, lang: str = "sv"):
    link = _link()
    t = phrases(lang)
    prefix = "/en" if lang == "en" else ""
    with translation.override(lang):
        return render(
            request,
            "box/home.html",
            {
                "link": link,
                "lang": lang,
                "t": t,
                "p": prefix,
                "title": t["title"].format(name=link.name),
                "other_url": "/box/" if lang == "en" else "/en/box/",
                "county_line": t["county_line"].format(
                    when=plain_time(link.snapshot_at, lang=lang)
                ),
                "snapshot_url": f"/lage{prefix}/",
                "sync_line": t["last_sync"].format(
                    when=plain_time(link.last_sync_at, lang=lang).split(" (")[0]
                    if link.last_sync_at
                    else t["never"]
                ),
                "has_snapshot": (sync.snapshot_dir() / "index.html").exists(),
            },
        )


def banner(link, lang: str = "sv") -> str:
    t = phrases(lang)
    home = "/en/box/" if lang == "en" else "/box/"
    return (
        '<div role="note" style="background:#fff1c2;border-bottom:2px solid #7a4b00;'
        'padding:.5rem 1rem;font:1rem system-ui,sans-serif">'
        + t["banner"].format(
            when=escape(plain_time(link.snapshot_at, lang=lang)), home=home
        )
        + "</div>"
    )


def snapshot(request, path: str = ""):
    """A file of the pulled snapshot; HTML pages get the snapshot-time banner."""
    link = _link()
    root = sync.snapshot_dir().resolve()
    target = (root / path).resolve()
    if not str(target).startswith(str(root)):
        raise NotFound()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        raise NotFound()
    if target.suffix == ".html":
        html = target.read_text(encoding="utf-8")
        html = _relink(html)
        marker = html.find("<body")
        if marker != -1:
            end = html.find(">", marker) + 1
            lang = "en" if path.startswith("en/") or path == "en" else "sv"
            html = html[:end] + banner(link, lang) + html[end:]
        return HttpResponse(html, content_type="text/html; charset=utf-8")
    ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target.open("rb"), content_type=ctype)


def _relink(html: str) -> str:
    """Root-relative links of the snapshot point into /lage/."""
    return html.replace('href="/', 'href="/lage/').replace('src="/', 'src="/lage/')
