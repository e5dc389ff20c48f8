"""SMS answers for residents: "SOT JÄRPEN" and "SOT KALL" (at most two segments).

A resident texts ``SOT`` and a place, a postcode or coordinates to the county's
number and gets the nearest open points with what works there; ``SOT`` and a
point's name gives that point's state. The texts are built here from plain rows,
then shortened step by step (fewer points, then fewer services, then shorter
words) until they fit :data:`MAX_SEGMENTS` GSM-7 segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sot.outreach.core.gsm import segment_info, to_gsm7

MAX_SEGMENTS = 2

WORDS = {
    "sv": {
        "near": "SOT nära {place}:",
        "none_open": "Ingen SOT-punkt är öppen nu. Närmast {place}:",
        "works": "finns",
        "limited": "begränsat",
        "missing": "finns inte",
        "updated": "uppd.",
        "next": "nästa senast",
        "opening": "Öppet",
        "outside": "{place} ligger utanför {area}. Fråga din kommun om närmaste "
        "SOT-punkt.",
        "not_found": "SOT: hittade inte {query}. Skriv SOT och ort, postnummer "
        "eller punktens namn, t.ex. SOT JÄRPEN eller SOT 83005.",
        "ask": "Skriv SOT och din ort eller ditt postnummer, t.ex. SOT JÄRPEN eller "
        "SOT 83005.",
        "more": "Svara SOT och punktens namn för mer.",
        "exercise": "ÖVNING",
        "nearest_open": "Närmast öppen: {points}.",
        "rough": "ungefärligt läge",
    },
    "en": {
        "near": "SOT near {place}:",
        "none_open": "No SOT point is open now. Nearest to {place}:",
        "works": "has",
        "limited": "limited",
        "missing": "no",
        "updated": "upd.",
        "next": "next by",
        "opening": "Open",
        "outside": "{place} is outside {area}. Ask your municipality for the "
        "nearest SOT point.",
        "not_found": "SOT: did not find {query}. Send SOT and a place, a postcode "
        "or the point's name, e.g. SOT JARPEN or SOT 83005.",
        "ask": "Send SOT and your town or postcode, e.g. SOT JARPEN or SOT 83005.",
        "more": "Reply SOT and the point's name for more.",
        "exercise": "EXERCISE",
        "nearest_open": "Nearest open: {points}.",
        "rough": "rough position",
    },
}


@dataclass(frozen=True)
class PointRow:
    """One point as the SMS tells it."""

    name: str
    state: str  # "ÖPPEN", "STÄNGD", ... already in the resident's language
    distance: str = ""  # "18 km"
    works: Sequence[str] = field(default_factory=tuple)
    limited: Sequence[str] = field(default_factory=tuple)
    missing: Sequence[str] = field(default_factory=tuple)
    updated: str = ""  # "14:05"
    next_update: str = ""
    opening: str = ""
    #: The point is in an exercise, not a real event: every text says so.
    exercise: bool = False

    def label(self, words: dict) -> str:
        """The point's name, marked when what is told is an exercise."""
        return f"{self.name} ({words['exercise']})" if self.exercise else self.name


def fits(text: str) -> bool:
    return segment_info(text).segments <= MAX_SEGMENTS


def _clip(text: str) -> str:
    """The text as GSM-7, cut to two segments at a word if all else failed."""
    text = to_gsm7(text)
    while not fits(text):
        text = text[: text.rstrip().rfind(" ")].rstrip(" ,.:") + "."
    return text


def _services(row: PointRow, words: dict, *, keep: int, missing: bool) -> str:
    parts = []
    if row.works:
        parts.append(f"{words['works']} {', '.join(row.works[:keep])}")
    if row.limited:
        parts.append(f"{words['limited']} {', '.join(row.limited[:keep])}")
    if missing and row.missing:
        parts.append(f"{words['missing']} {', '.join(row.missing[:keep])}")
    return "; ".join(parts)


def nearest_text(
    lang: str,
    place: str,
    rows: Sequence[PointRow],
    *,
    any_state: bool = False,
    rough: bool = False,
) -> str:
    """``SOT nära Järpen: Kall ÖPPEN 18 km: finns mat, värme, diesel; ...``

    ``rough``: the place's position is only approximate (a postcode measured from the
    municipality's centre, a town GeoNames only estimated), said after its name."""
    words = WORDS["en" if lang == "en" else "sv"]
    if rough:
        place = f"{place} ({words['rough']})"
    head = (words["none_open"] if any_state else words["near"]).format(place=place)
    for count in range(min(len(rows), 3), 0, -1):
        for keep in (6, 4, 3, 2, 1, 0):
            parts = []
            for row in rows[:count]:
                text = f"{row.label(words)} {row.state} {row.distance}".strip()
                services = _services(row, words, keep=keep, missing=False)
                parts.append(f"{text}: {services}" if services and keep else text)
            body = f"{head} " + ". ".join(parts) + ". " + words["more"]
            if fits(to_gsm7(body)):
                return to_gsm7(body)
    return _clip(
        f"{head} " + ". ".join(f"{r.label(words)} {r.distance}" for r in rows[:1])
    )


def point_text(lang: str, row: PointRow, nearest_open: Sequence[PointRow] = ()) -> str:
    """``SOT Kall: ÖPPEN (uppd. 14:05). Finns mat, ...; nästa senast 16:05.``

    ``nearest_open`` (for a point that does not serve now) adds where to go
    instead: ``Närmast öppen: Kall 18 km.``
    """
    words = WORDS["en" if lang == "en" else "sv"]
    head = f"SOT {row.label(words)}: {row.state}"
    if row.updated:
        head += f" ({words['updated']} {row.updated})"
    tail = f" {words['next']} {row.next_update}." if row.next_update else ""
    opening = f" {words['opening']}: {row.opening}." if row.opening else ""
    near = ""
    if nearest_open:
        near = " " + words["nearest_open"].format(
            points=", ".join(
                f"{r.label(words)} {r.distance}".strip() for r in nearest_open
            )
        )
    for keep in (8, 5, 3, 1, 0):
        services = _services(row, words, keep=keep, missing=True)
        text = (
            head
            + "."
            + (" " + services[:1].upper() + services[1:] + "." if services else "")
        )
        for extra in (opening + tail + near, tail + near, near, ""):
            if fits(to_gsm7(text + extra)):
                return to_gsm7(text + extra)
    return _clip(head + "." + near)


def message_text(lang: str, key: str, **values: str) -> str:
    words = WORDS["en" if lang == "en" else "sv"]
    return _clip(words[key].format(**values))
