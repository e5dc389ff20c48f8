"""Free text that contradicts the data in the same report.

An operator reports diesel *not available* and writes "Diesel finns. Värmestugan i
skolan är öppen." to the public: a resident reads "Diesel finns" above a table that
says "Finns inte". :func:`contradictions` finds such sentences, in Swedish and in
plain English, for the things a point offers (the service catalogue's codes) and for
the point's own state ("Vi har stängt" in an *open* report). The report form refuses
them with the sentence quoted (the operator fixes the text or the choice; nothing
typed is lost) and the public pages, which also show notes that came by the API or
from a box, say which part of the note the report contradicts: the data wins.

The rule is deliberately narrow: a sentence counts only when it names the thing and
says plainly that it is there or not ("finns", "är slut", "ingen diesel", "no
diesel"); anything vaguer is left alone. ``limited`` contradicts neither.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Service code -> the words residents and operators use for it.
TOPICS: dict[str, tuple[str, ...]] = {
    "fuel_diesel": ("diesel", "dieseln", "hvo-diesel"),
    "fuel_petrol95": ("bensin", "bensinen", "95:an", "95 oktan", "petrol"),
    "food": ("mat", "maten", "livsmedel", "food", "groceries"),
    "heating": ("värme", "värmen", "heating", "heat"),
    "phone_charging": (
        "laddning",
        "mobilladdning",
        "telefonladdning",
        "laddning av telefon",
        "laddning av mobiler",
        "charging",
        "phone charging",
    ),
    "drinking_water": ("dricksvatten", "vatten", "vattnet", "drinking water", "water"),
    "toilets": ("toalett", "toaletter", "toaletten", "toa", "wc", "toilet", "toilets"),
    "warm_room": ("värmestuga", "värmestugan", "värmestugor", "warm room"),
    "first_aid": ("första hjälpen", "first aid"),
}

#: The point itself, for sentences that name no topic.
STATE_TOPIC = "state"

_AVAILABLE = "yes"
_NOT_AVAILABLE = "no"

_GAP = r"(?:\s+[\wåäöÅÄÖ:-]+){0,4}?"  # "Värmestugan i skolan är öppen"
_NEG_AFTER = (
    r"(?:finns\s+(?:inte|ej|inget|ingen)|är\s+slut|tog\s+slut|har\s+tagit\s+slut|"
    r"slut|saknas|fungerar\s+(?:inte|ej)|funkar\s+(?:inte|ej)|går\s+(?:inte|ej)|"
    r"är\s+stängd|är\s+stängt|stängd|stängt|is\s+out|is\s+not\s+available|"
    r"not\s+available|unavailable|ran\s+out|is\s+closed|closed)"
)
_POS_AFTER = (
    r"(?:finns|fungerar|funkar|går\s+bra|är\s+öppen|är\s+öppet|öppen|öppet|"
    r"is\s+available|available|works|is\s+open|open)"
)
_NEG_BEFORE = (
    r"(?:ingen|inget|inga|slut\s+på|ej|inte|no|out\s+of|finns\s+(?:ingen|inget|inga)|"
    r"har\s+(?:ingen|inget|inga|inte)|saknar)"
)
_POS_BEFORE = r"(?:finns|det\s+finns|har|vi\s+har|säljer|we\s+have|there\s+is)"
_NOT_NEXT = r"(?!\s+(?:inte|ej|not)\b)"

#: Sentences about the point, when they name no topic.
_STATE_CLOSED = re.compile(
    r"\b(?:vi\s+har\s+stängt|har\s+stängt|håller\s+stängt|är\s+stängd|är\s+stängt|"
    r"stänger\s+nu|we\s+are\s+closed|closed\s+now)\b"
    # "Vi har stängt mellan 22 och 07" is the hours, not the state now
    r"(?!\s+(?:kl|klockan|mellan|från|efter|före|till|under|i\s+natt|på\s+natten|"
    r"nattetid|between|from|after|at\s+night|overnight)\b)",
    re.IGNORECASE,
)
_STATE_OPEN = re.compile(
    r"\b(?:vi\s+har\s+öppet|har\s+öppet|håller\s+öppet|är\s+öppen|är\s+öppet|"
    r"we\s+are\s+open|open\s+now)\b" + _NOT_NEXT,
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"[.!?;\n]+|\s+(?:men|but|medan)\s+", re.IGNORECASE)


def _words(topic: str) -> str:
    words = sorted(TOPICS[topic], key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


def _compile(topic: str) -> tuple[re.Pattern, re.Pattern]:
    k = _words(topic)
    negative = re.compile(
        rf"(?<![\wåäö]){_NEG_BEFORE}\s+(?:[\wåäö]+\s+)?{k}(?![\wåäö])"
        rf"|(?<![\wåäö]){k}{_GAP}\s+{_NEG_AFTER}(?![\wåäö])",
        re.IGNORECASE,
    )
    positive = re.compile(
        rf"(?<![\wåäö]){k}{_GAP}\s+{_POS_AFTER}(?![\wåäö]){_NOT_NEXT}"
        rf"|(?<![\wåäö]){_POS_BEFORE}\s+{k}(?![\wåäö])",
        re.IGNORECASE,
    )
    return negative, positive


_PATTERNS = {topic: _compile(topic) for topic in TOPICS}


@dataclass(frozen=True)
class Contradiction:
    """``topic`` (a service code or ``state``) is said to be there (``said`` =
    ``yes``) or not (``no``) in ``sentence``, while the report says ``reported``."""

    topic: str
    said: str
    reported: str
    sentence: str


def claims(text: str) -> list[tuple[str, str, str]]:
    """(topic, ``yes``/``no``, sentence) for each plain statement in ``text``; within a
    sentence a denial beats an affirmation of the same topic."""
    out: list[tuple[str, str, str]] = []
    for clause in _CLAUSES.split(text or ""):
        sentence = " ".join(clause.split())
        if not sentence:
            continue
        named = False
        for topic, (negative, positive) in _PATTERNS.items():
            if negative.search(sentence):
                out.append((topic, _NOT_AVAILABLE, sentence))
                named = True
            elif positive.search(sentence):
                out.append((topic, _AVAILABLE, sentence))
                named = True
        if named:
            continue
        if _STATE_CLOSED.search(sentence):
            out.append((STATE_TOPIC, _NOT_AVAILABLE, sentence))
        elif _STATE_OPEN.search(sentence):
            out.append((STATE_TOPIC, _AVAILABLE, sentence))
    return out


def contradictions(
    text: str, values: Mapping[str, str | None], state: str = ""
) -> list[Contradiction]:
    """The statements of ``text`` that the report's own data contradicts.

    ``values`` maps service codes to ``yes``/``limited``/``no`` (or ``unknown`` /
    ``None``: nothing to contradict); ``state`` is the reported state (``open``,
    ``limited``, ``closed``, ...).
    """
    out = []
    serving = state in ("open", "limited")
    for topic, said, sentence in claims(text):
        if topic == STATE_TOPIC:
            if (said == _NOT_AVAILABLE and serving) or (
                said == _AVAILABLE and state == "closed"
            ):
                out.append(Contradiction(topic, said, state, sentence))
            continue
        reported = values.get(topic) or "unknown"
        if (said == _AVAILABLE and reported == _NOT_AVAILABLE) or (
            said == _NOT_AVAILABLE and reported == _AVAILABLE
        ):
            out.append(Contradiction(topic, said, reported, sentence))
    return out
