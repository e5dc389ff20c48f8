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
from django.utils import timezone
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


def plain_time(at: datetime | None, now: datetime | None = None) -> str:
    """When, in plain Swedish: "i dag kl. 14.05 (för 2 h 5 min sedan)"."""
    if at is None:
        return "aldrig – boxen har inte fått någon ögonblicksbild från central ännu"
    now = now or timezone.now()
    local, today = timezone.localtime(at), timezone.localtime(now).date()
    days = (today - local.date()).days
    if days == 0:
        day = "i dag"
    elif days == 1:
        day = "i går"
    else:
        day = f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}"
    return f"{day} kl. {local:%H.%M} (för {format_age(now - at)} sedan)"


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


def home(request):
    link = _link()
    return render(
        request,
        "box/home.html",
        {
            "link": link,
            "snapshot_when": plain_time(link.snapshot_at),
            "sync_when": plain_time(link.last_sync_at).split(" (")[0]
            if link.last_sync_at
            else "aldrig",
            "has_snapshot": (sync.snapshot_dir() / "index.html").exists(),
        },
    )


def banner(link) -> str:
    return (
        '<div role="note" style="background:#fff1c2;border-bottom:2px solid #7a4b00;'
        'padding:.5rem 1rem;font:1rem system-ui,sans-serif">'
        "<strong>Ögonblicksbild från central</strong>, hämtad "
        f"{escape(plain_time(link.snapshot_at))}. Läget kan ha ändrats sedan dess. "
        '<a href="/box/">Om boxen och punkterna här</a></div>'
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
            html = html[:end] + banner(link) + html[end:]
        return HttpResponse(html, content_type="text/html; charset=utf-8")
    ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target.open("rb"), content_type=ctype)


def _relink(html: str) -> str:
    """Root-relative links of the snapshot point into /lage/."""
    return html.replace('href="/', 'href="/lage/').replace('src="/', 'src="/lage/')
