"""The English public site is complete: no Swedish on an /en/ page, except names
and texts typed in Swedish by officials, which are marked ``lang="sv"``."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sot.public.core import gazetteer
from sot.public.core.model import (
    FUEL_LABELS,
    PAYMENT_LABELS,
    SERVICE_LABELS,
    STATE_LABELS,
)
from sot.public.texts import PHRASES

#: Common Swedish words that have no place in English running text.
SWEDISH_WORDS = (
    "och", "är", "för", "med", "inte", "finns", "till", "från", "kommun", "punkt",
    "punkter", "län", "öppen", "stängd", "uppdaterad", "sedan", "senast", "nästa",
    "sök", "karta", "meddelanden", "händelse", "övning", "ingen", "närmaste",
)  # fmt: skip


class _Text(HTMLParser):
    """Visible text of a page, leaving out elements marked as Swedish (and what is
    never shown: style, script)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "meta", "link", "input", "img", "hr"):
            return
        skip = dict(attrs).get("lang") == "sv" or tag in ("style", "script", "title")
        self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not any(skip for _, skip in self.stack):
            self.parts.append(data)


def visible_english(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def swedish_in(text: str, names: set[str]) -> list[str]:
    """What in ``text`` is Swedish once the proper names are taken out."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    found = list(re.findall(r"\w*[åäöÅÄÖ]\w*", text))
    for word in SWEDISH_WORDS:
        if re.search(rf"(?<!\w){word}(?!\w)", text, re.I):
            found.append(word)
    tables = (STATE_LABELS, SERVICE_LABELS, FUEL_LABELS, PAYMENT_LABELS, PHRASES)
    for table in tables:
        for sv, en in table.values():
            for piece in re.split(r"\{\w+\}", sv):
                piece = piece.strip(" .:,()")
                if len(piece) >= 6 and piece != en and piece in text:
                    found.append(piece)
    return found


def test_no_swedish_on_english_pages(client, kall_open):
    from sot.registry.models import Municipality, Point

    points = list(Point.objects.select_related("municipality"))
    names = {"Jämtland", "SOT"} | {p.name for p in gazetteer.places()}
    for p in points:
        names |= {p.name, p.village, p.municipality.name, p.address}
    names |= set(Municipality.objects.values_list("name", flat=True))
    urls = ["/en/", "/en/karta/", "/en/meddelanden/", "/en/oppna-data/", "/en/nara/"]
    urls += [f"/en/punkt/{p.slug}/" for p in points]
    urls += [f"/en/kommun/{c}/" for c in {p.municipality.code for p in points}]
    urls += [
        f"/en/nara/?q={q}"
        for q in ("Jarpen", "830 05", "13.5 63.2", "Kiruna", "Atlantis", "999 99")
    ]
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = swedish_in(visible_english(response.content.decode()), names)
        if found:
            problems[url] = found
    assert problems == {}


def test_the_check_catches_swedish(client, kall_open):
    """The check is not blind: the Swedish page fails it, and an unmarked Swedish
    text on an English page is caught."""
    page = client.get("/punkt/kall/").content.decode()
    page = page.replace('<html lang="sv">', "<html>")
    assert swedish_in(visible_english(page), {"Kall", "Åre"})
    assert swedish_in("Open · uppdaterad just nu", set()) == ["uppdaterad"]
    assert swedish_in('<span lang="sv">Öppnar</span>', set())
    marked = visible_english('<p><span lang="sv">Öppnar kl 8</span> (in Swedish)</p>')
    assert swedish_in(marked, set()) == []
