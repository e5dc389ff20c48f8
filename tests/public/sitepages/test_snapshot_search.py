"""Search without the server: the snapshot's index, its lists for browsers without
JavaScript, and a crawl that finds no broken or live-only link."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.utils import timezone

from sot.public import site


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.links.append(value)


def crawl(root: Path, live: str) -> dict[str, list[str]]:
    """Every link of every HTML page under ``root`` that does not resolve to a file
    of the snapshot, or that points at the live site."""
    broken: dict[str, list[str]] = {}
    for page in sorted(root.rglob("*.html")):
        rel = PurePosixPath(page.relative_to(root).as_posix())
        parser = _Links()
        parser.feed(page.read_text())
        for link in parser.links:
            parts = urlsplit(link)
            if link.startswith(live) or parts.path.startswith("/ogc"):
                broken.setdefault(str(rel), []).append(link)
                continue
            if parts.scheme in ("http", "https", "geo", "tel", "sms", "mailto", "data"):
                continue
            if not parts.path:  # "#anchor" or "?q=" on the same page
                continue
            if parts.path.startswith("/"):
                target = root / parts.path.lstrip("/")
            else:
                target = page.parent / parts.path
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.setdefault(str(rel), []).append(link)
    return broken


def test_snapshot_has_no_broken_or_live_only_link(tmp_path, settings, kall_open):
    target = tmp_path / "site"
    site.publish(target)
    pages = list(target.rglob("*.html"))
    assert len(pages) > 30
    assert crawl(target, settings.SITE_URL) == {}


def test_the_crawl_finds_broken_links(tmp_path, settings):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        f'<a href="/a/">ok</a><a href="/b/">broken</a>'
        f'<form action="{settings.SITE_URL}/nara/"></form><a href="/ogc/">x</a>'
    )
    assert crawl(tmp_path, settings.SITE_URL) == {
        "a/index.html": ["/b/", f"{settings.SITE_URL}/nara/", "/ogc/"]
    }


def test_snapshot_carries_the_search_index(tmp_path, kall_open):
    target = tmp_path / "site"
    site.publish(target)
    script = (target / "sok" / "index.js").read_text()
    index = json.loads(script.removeprefix("window.SOT_INDEX=").rstrip(";\n"))
    slugs = {p[0]: p for p in index["points"]}
    assert slugs["kall"][4] == "open" and slugs["kall"][5] == 1
    assert "2321" in index["area"] and "2584" not in index["area"]
    assert any(p[0] == "Järpen" and p[4] == "2321" for p in index["places"])
    assert any(p[0] == "Kiruna" for p in index["places"])  # for "outside the area"
    assert index["postcodes"]["83005"][0] == "Järpen"
    assert all(code.startswith(("8", "7")) for code in index["postcodes"])
    assert len(script.encode()) < 120_000
    assert (target / "sok" / "search.js").is_file()
    page = (target / "nara" / "index.html").read_text()
    assert '<script src="/sok/index.js?v=' in page and 'id="nojs"' in page
    assert 'href="/orter/"' in page and 'href="/kommun/2321/"' in page


def test_a_roughly_placed_town_is_answered_with_a_warning(tmp_path, client, kall_open):
    """GeoNames only estimated where Ljungdalen is (at Berg's centre): the server's
    answer and the snapshot's index both say that the distances are rough."""
    page = client.get("/nara/", {"q": "Ljungdalen"}).content.decode()
    assert "Vi vet bara ungefär var Ljungdalen ligger" in page
    page = client.get("/nara/", {"q": "840 35"}).content.decode()
    assert "Vi vet bara ungefär var 840 35 Ljungdalen ligger" in page
    assert "Vi vet bara ungefär" not in client.get("/nara/?q=Jarpen").content.decode()
    target = tmp_path / "site"
    site.publish(target)
    script = (target / "sok" / "index.js").read_text()
    index = json.loads(script.removeprefix("window.SOT_INDEX=").rstrip(";\n"))
    rough = {p[0]: p[6:] for p in index["places"]}
    assert rough["Ljungdalen"] == [1] and rough["Järpen"] == []
    assert index["postcodes"]["84035"][3] == 2  # GeoNames' estimate
    assert index["postcodes"]["83005"][3] == 1  # at the town
    assert "{place}" in index["t"]["sv"]["estimated"]


def test_localities_list_works_without_javascript(client, kall_open):
    """Pick the municipality, then per locality its postcodes, the nearest open
    points and distances; the index lists municipalities only, so it does not grow
    with the country."""
    index = client.get("/orter/").content.decode()
    assert re.search(r'<a href="/orter/2321/">Åre</a> <small>\(\d+\)</small>', index)
    assert "Järpen" not in index and "<script" not in index
    page = client.get("/orter/2321/").content.decode()
    assert "<h1>Orter och närmaste punkter: Åre</h1>" in page
    assert 'href="/kommun/2321/"' in page and 'href="/orter/"' in page
    järpen = re.search(r"<dt>Järpen <small>([^<]*)</small></dt>\s*<dd>(.*?)</dd>", page)
    assert järpen and "830 05" in järpen.group(1) and "837 01" in järpen.group(1)
    assert 'href="/punkt/kall/"' in järpen.group(2) and " km" in järpen.group(2)
    assert "<script" not in page
    # only Åre's localities: Strömsund's are on its own page
    assert (
        "<dt>Strömsund" not in page
        and "<dt>Strömsund" in client.get("/orter/2313/").content.decode()
    )
    # a town GeoNames only estimated says so beside its name
    berg = client.get("/orter/2326/").content.decode()
    assert re.search(
        r"<dt>Ljungdalen <small>\(läget ungefärligt, avstånden osäkra\)", berg
    )
    assert not re.search(r"<dt>Järpen <small>\(läget", page)
    english = client.get("/en/orter/2321/").content.decode()
    assert "<h1>Places and their nearest points: Åre</h1>" in english
    assert 'href="/en/punkt/kall/"' in english
    # a municipality outside the install's county is not a page here
    assert client.get("/orter/0180/").status_code == 404
    assert client.get("/orter/x/").status_code == 404


def _search_open(client, q: str) -> list[str]:
    """The points the live search lists under "Närmaste öppna punkter"."""
    page = client.get("/nara/", {"q": q}).content.decode()
    if "<h2>Närmaste öppna punkter" not in page:
        return []
    listed = page.split("<h2>Närmaste öppna punkter", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="/punkt/([^/]+)/"', listed)


def _index_open(tmp_path) -> dict[str, int]:
    target = tmp_path / "site"
    site.publish(target)
    script = (target / "sok" / "index.js").read_text()
    index = json.loads(script.removeprefix("window.SOT_INDEX=").rstrip(";\n"))
    return {p[0]: p[5] for p in index["points"]}


def test_a_point_gone_silent_is_not_an_open_point_in_any_search(
    tmp_path, client, kall_open
):
    """One rule for "open": the live search ranked by the activation's bare state,
    so Kall, silent for six hours (its page: "Okänt läge") was still listed as the
    nearest open point until the freshness check ran; the snapshot's index said
    closed. Both now follow the point's page."""
    from sot.operations.models import Activation, StatusReport

    assert _search_open(client, "Kall")[:1] == ["kall"]
    long_ago = timezone.now() - timedelta(hours=6)
    StatusReport.objects.filter(activation__point__slug="kall").update(
        observed_at=long_ago, received_at=long_ago
    )
    Activation.objects.filter(point__slug="kall").update(
        state_changed_at=long_ago, last_seen_at=long_ago
    )
    assert "Okänt läge" in client.get("/punkt/kall/").content.decode()
    assert "kall" not in _search_open(client, "Kall")
    assert _index_open(tmp_path)["kall"] == 0


def test_an_exercise_set_aside_by_a_real_event_is_not_open_in_the_search(
    tmp_path, client, kall_open, kall, are_officer
):
    """Kall open in the exercise, then taken by a real event that has not opened it
    yet: the page shows the real event's state, and the search must not call Kall
    open on the exercise's word."""
    from sot.operations import services as ops
    from sot.registry.models import Municipality

    real = ops.create_event(
        name="Storm Ivar",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
    )
    ops.activate_point(event=real, point=kall, activated_by=are_officer)
    assert "Storm Ivar" in client.get("/punkt/kall/").content.decode()
    assert "kall" not in _search_open(client, "Kall")
    assert _index_open(tmp_path)["kall"] == 0


def test_a_municipalitys_localities_live_as_in_the_snapshot(
    tmp_path, client, kall_open
):
    """The live page ranks light rows and loads only the points it lists; the
    snapshot ranks every point whole: each locality names the same points."""

    def listed(html: str) -> list[tuple[str, list[str]]]:
        rows = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, re.S)
        return [(dt, re.findall(r'href="/punkt/([^/]+)/"', dd)) for dt, dd in rows]

    target = tmp_path / "site"
    site.publish(target)
    for code in ("2321", "2313", "2380"):
        live = listed(client.get(f"/orter/{code}/").content.decode())
        static = listed((target / "orter" / code / "index.html").read_text())
        assert live and live == static, code
