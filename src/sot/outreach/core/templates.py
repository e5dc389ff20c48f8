"""SMS texts in Swedish and English that fit one SMS.

Each template declares its fields and the longest value a field may realistically
hold (:data:`REALISTIC_MAX`). :func:`render` maps every value to GSM-7
look-alikes (:func:`sot.outreach.core.gsm.to_gsm7`), so a curly quote in a point name
cannot push the message to UCS-2 (70 characters), and if the text still does not fit
one segment it shortens the longest shortenable field, ending it with ".".

``tests/outreach/core/test_templates.py`` renders every template in both languages with
the longest realistic values and asserts one GSM-7 segment with no shortening.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from sot.outreach.core.commands import Service
from sot.outreach.core.gsm import GSM7_SINGLE, segment_info, to_gsm7
from sot.vocabulary import Language, PointState

LANGUAGES = tuple(Language)

#: The longest value each field takes in practice (for the one-segment test):
#: point names are short display names ("ICA Nära Ottsjö-Bua" is 19; the limit
#: allows 30, e.g. "Blåsjöfjäll Livs Stora Blåsjön"); the longest Swedish
#: municipality name is "Skinnskatteberg" (15).
REALISTIC_MAX = {
    "point": 30,
    "keyword": 16,
    "event": 32,
    "scope": 30,
    "name": 20,
    "needed": 2,
    "skills": 40,
    "time": 11,
    "ref": 4,
    "contact": 14,
    "minutes": 3,
    "summary": 80,
    "offers": 70,
    "unknown": 30,
    "url": 34,
    "reason": 100,
}


@dataclass(frozen=True)
class Template:
    """One SMS text in one language."""

    key: str
    lang: str
    text: str

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(
            name for _, name, _, _ in string.Formatter().parse(self.text) if name
        )


_TEXTS: dict[str, dict[str, str]] = {
    # --- call-out of volunteers -------------------------------------------------
    "callout_request": {
        "sv": "SOT {point} behöver {needed} frivilliga ({skills}) från {time}. "
        "Kan du? Svara JA, NEJ el. SENARE. Ref {ref}",
        "en": "SOT {point} needs {needed} volunteers ({skills}) from {time}. "
        "Can you? Reply YES, NO or LATER. Ref {ref}",
    },
    "callout_reminder": {
        "sv": "Påminnelse SOT {point}: kan du hjälpa till från {time}? "
        "Svara JA, NEJ eller SENARE. Ref {ref}",
        "en": "Reminder SOT {point}: can you help from {time}? "
        "Reply YES, NO or LATER. Ref {ref}",
    },
    "callout_confirmed": {
        "sv": "Tack {name}! Du är inbokad på SOT {point} från {time}. "
        "Kontakt {contact}. Får du förhinder, svara NEJ {ref}",
        "en": "Thank you {name}! You are booked at SOT {point} from {time}. "
        "Contact {contact}. If you cannot come, reply NO {ref}",
    },
    "callout_not_needed": {
        "sv": "Tack! SOT {point} har nu tillräckligt med folk, du behövs inte "
        "just nu. Ref {ref}",
        "en": "Thank you! SOT {point} now has enough people, you are not needed "
        "right now. Ref {ref}",
    },
    "callout_later_ack": {
        "sv": "Noterat. Vi frågar igen om {minutes} min. Ref {ref}",
        "en": "Noted. We will ask again in {minutes} min. Ref {ref}",
    },
    "callout_no_ack": {
        "sv": "Noterat, tack för svaret. Ref {ref}",
        "en": "Noted, thank you for answering. Ref {ref}",
    },
    "callout_cancelled": {
        "sv": "SOT {point}: utropet är avslutat, ingen behöver komma. Ref {ref}",
        "en": "SOT {point}: the call-out is over, nobody needs to come. Ref {ref}",
    },
    # --- status by SMS from operators -------------------------------------------
    "status_receipt": {
        "sv": "Mottaget {time} SOT {point} ({event}): {summary}",
        "en": "Received {time} SOT {point} ({event}): {summary}",
    },
    "status_note_withdrawn": {
        "sv": "Meddelandet till allmänheten är borttaget. Skriv ett nytt i "
        "rapportformuläret på webben.",
        "en": "The message to the public has been removed. Write a new one in the "
        "report form on the web.",
    },
    "status_not_understood": {
        "sv": 'SOT: förstod inte "{unknown}". Exempel: KALL ÖPPEN DIESEL NEJ '
        "BRÄNSLE 60%. Skriv HJÄLP för fler.",
        "en": 'SOT: did not understand "{unknown}". Example: KALL OPEN DIESEL NO '
        "FUEL 60%. Send HELP for more.",
    },
    "status_not_allowed": {
        "sv": "SOT: du kan inte rapportera för {point}. Inget ändrat.",
        "en": "SOT: you cannot report for {point}. Nothing changed.",
    },
    "status_not_active": {
        "sv": "SOT: {point} är inte aktiverad just nu. Inget ändrat.",
        "en": "SOT: {point} is not activated now. Nothing changed.",
    },
    "status_refused": {
        "sv": "SOT {point}: inget ändrat. {reason}",
        "en": "SOT {point}: nothing changed. {reason}",
    },
    "help": {
        "sv": "SOT: <PUNKT> ÖPPEN/STÄNGD/BEGRÄNSAD, DIESEL/BENSIN/MAT/VATTEN JA/NEJ, "
        "BRÄNSLE 60%. Utrop: JA/NEJ/SENARE. START <PUNKT>, STOPP.",
        "en": "SOT: <POINT> OPEN/CLOSED/LIMITED, DIESEL/PETROL/FOOD/WATER YES/NO, "
        "FUEL 60%. Call-out: YES/NO/LATER. START <POINT>, STOP.",
    },
    # --- residents' subscriptions -----------------------------------------------
    "subscribe_ok": {
        "sv": "Du får nu SMS om SOT {scope}. Svara STOPP för att sluta.",
        "en": "You will now get texts about SOT {scope}. Reply STOP to end.",
    },
    "subscribe_unknown": {
        "sv": 'SOT: hittar ingen punkt eller kommun "{unknown}". '
        "Skriv t.ex. START {keyword}",
        "en": 'SOT: no point or municipality "{unknown}". Send e.g. START {keyword}',
    },
    "unsubscribe_ok": {
        "sv": "Du får inte längre SMS från SOT {scope}. Svara START {keyword} "
        "för att börja igen.",
        "en": "You will no longer get texts from SOT {scope}. Reply START {keyword} "
        "to start again.",
    },
    "point_opened": {
        "sv": "SOT-punkt {point} ÖPPEN från {time}: {offers}. {url}",
        "en": "SOT point {point} OPEN from {time}: {offers}. {url}",
    },
    "point_changed": {
        "sv": "SOT-punkt {point} ändrad {time}: {offers}. {url}",
        "en": "SOT point {point} changed {time}: {offers}. {url}",
    },
    "point_closed": {
        "sv": "SOT-punkt {point} är STÄNGD från {time}. {url}",
        "en": "SOT point {point} is CLOSED from {time}. {url}",
    },
}

TEMPLATES: dict[tuple[str, str], Template] = {
    (key, lang): Template(key=key, lang=lang, text=text)
    for key, by_lang in _TEXTS.items()
    for lang, text in by_lang.items()
}

#: Fields that must never be shortened (numbers, codes, times).
_FIXED = frozenset({"needed", "time", "ref", "minutes", "contact", "url", "keyword"})


class TemplateError(KeyError):
    """Unknown template or language, or a missing field."""


def template(key: str, lang: str) -> Template:
    """The template ``key`` in ``lang`` (Swedish when ``lang`` is not offered)."""
    if lang not in LANGUAGES:
        lang = "sv"
    try:
        return TEMPLATES[(key, lang)]
    except KeyError:
        raise TemplateError(key) from None


def _shorten(value: str, length: int) -> str:
    if len(value) <= length:
        return value
    if length <= 1:
        return value[:length]
    return value[: length - 1].rstrip() + "."


def render(
    key: str, lang: str, values: Mapping[str, object], *, limit: int = GSM7_SINGLE
) -> str:
    """Fill template ``key`` so that it fits one GSM-7 SMS.

    Raises :class:`TemplateError` if a field is missing.
    """
    tpl = template(key, lang)
    clean: dict[str, str] = {}
    for name in tpl.fields:
        if name not in values:
            raise TemplateError(f"{key}: missing field {name!r}")
        clean[name] = " ".join(to_gsm7(str(values[name])).split())
    text = tpl.text.format(**clean)
    info = segment_info(text)
    while info.encoding == "gsm7" and info.units > limit:
        shrinkable = [n for n in clean if n not in _FIXED and len(clean[n]) > 1]
        if not shrinkable:
            break
        longest = max(shrinkable, key=lambda n: len(clean[n]))
        excess = info.units - limit
        clean[longest] = _shorten(clean[longest], max(len(clean[longest]) - excess, 1))
        text = tpl.text.format(**clean)
        info = segment_info(text)
    return text


# --- describing a status in words ---------------------------------------------------

#: The states an SMS report may set, as its confirmation names them (lower case).
_STATUS_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        PointState.OPEN: "öppen",
        PointState.CLOSED: "stängd",
        PointState.LIMITED: "begränsad",
    },
    "en": {
        PointState.OPEN: "open",
        PointState.CLOSED: "closed",
        PointState.LIMITED: "limited",
    },
}
_SERVICE_WORDS: dict[str, dict[str, str]] = {
    "sv": {s.value: s.label for s in Service},
    "en": {s.value: s.en for s in Service},
}
_YES_NO = {"sv": ("ja", "nej"), "en": ("yes", "no")}
_FUEL = {"sv": "bränsle", "en": "fuel"}
_NONE_OUT = {"sv": "slut: ", "en": "out: "}


def describe_status(
    lang: str,
    *,
    status: str | None = None,
    services: Mapping[str, bool] | None = None,
    fuel_percent: int | None = None,
) -> str:
    """Short summary of a status report, e.g. ``öppen, diesel nej, bränsle 60%``."""
    lang = lang if lang in LANGUAGES else "sv"
    parts: list[str] = []
    if status:
        parts.append(_STATUS_WORDS[lang].get(status, status))
    yes, no = _YES_NO[lang]
    for name, on in (services or {}).items():
        word = _SERVICE_WORDS[lang].get(name, name)
        parts.append(f"{word} {yes if on else no}")
    if fuel_percent is not None:
        parts.append(f"{_FUEL[lang]} {fuel_percent}%")
    return ", ".join(parts)


def describe_offers(lang: str, services: Mapping[str, bool]) -> str:
    """What a point offers for residents, e.g. ``mat, vatten, bensin; slut: diesel``."""
    lang = lang if lang in LANGUAGES else "sv"
    words = _SERVICE_WORDS[lang]
    have = [
        words.get(n, n) for n, on in services.items() if on and n != Service.GENERATOR
    ]
    lacking = [
        words.get(n, n)
        for n, on in services.items()
        if not on and n != Service.GENERATOR
    ]
    text = ", ".join(have)
    if lacking:
        text = (
            f"{text}; {_NONE_OUT[lang]}{', '.join(lacking)}"
            if text
            else (_NONE_OUT[lang] + ", ".join(lacking))
        )
    return text
