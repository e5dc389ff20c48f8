"""Search without the server: the snapshot's index, its lists for browsers without
JavaScript, and a crawl that finds no broken or live-only link."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

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
