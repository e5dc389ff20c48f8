"""Parser for inbound SMS commands.

Operators on a basic phone report status with short words; volunteers answer a
call-out; residents subscribe. Swedish first, English accepted; case, accents
(ÖPPEN = OPPEN = öppen) and punctuation do not matter.

=========================================  ==========================================
``KALL ÖPPEN DIESEL NEJ BENSIN JA BRÄNSLE 60%``  status report for the point ``KALL``
``ÖPPEN DIESEL SLUT``                      status report; the sender's only point
``KALL STÄNGD OBS tillbaka kl 18``         status with a free-text note after OBS
``JA`` / ``NEJ 4F2`` / ``SENARE``          answer to a call-out (optional reference)
``START KALL`` / ``START ÅRE``             subscribe to a point or a municipality
``STOPP`` / ``STOPP KALL``                 unsubscribe from all / from one
``SOT JÄRPEN`` / ``SOT 83005``             resident: nearest open points to a place
``SOT KALL``                               resident: the state of one point
``HJÄLP``                                  list of commands
=========================================  ==========================================

:func:`parse` never raises: whatever it does not understand is returned in
``unknown`` so that the reply can say exactly what was not understood. It changes
nothing; authorisation is the caller's job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sot.vocabulary import FuelProduct, PointState, Term


class Kind(StrEnum):
    STATUS = "status"
    ANSWER = "answer"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    HELP = "help"
    FIND = "find"
    UNKNOWN = "unknown"


class Service(Term):
    """A service an operator reports by SMS and a resident is told about, in the
    order residents are told: the code (a key of :attr:`Command.services`), the
    Swedish word (``label``) and the English word (``en``). The SMS texts are made
    here in both languages, so the words are plain text, not Django messages."""

    en: str

    def __new__(cls, value: str, label: str, en: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.en = en
        return member

    FOOD = "food", "mat", "food"
    WATER = "water", "vatten", "water"
    CHARGING = "charging", "laddning", "charging"
    HEATING = "heating", "värme", "heating"
    TOILET = "toilet", "toalett", "toilet"
    PETROL = FuelProduct.PETROL.value, FuelProduct.PETROL.label.lower(), "petrol"
    DIESEL = FuelProduct.DIESEL.value, FuelProduct.DIESEL.label.lower(), "diesel"
    GENERATOR = "generator", "reservkraft", "backup power"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    LATER = "later"


@dataclass
class Command:
    """What an inbound SMS asks for."""

    kind: Kind
    #: the point keyword as given in ``point_keywords`` (status reports)
    point: str | None = None
    #: "open" | "closed" | "limited"
    status: str | None = None
    #: service (a :class:`Service` code) -> available
    services: dict[str, bool] = field(default_factory=dict)
    fuel_percent: int | None = None
    fuel_l: int | None = None
    note: str = ""
    answer: Answer | None = None
    #: call-out reference after JA/NEJ/SENARE, or subscription target text
    ref: str | None = None
    target: str | None = None
    #: words that were not understood, as the sender wrote them
    unknown: list[str] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        """True if a status report carries at least one fact."""
        return bool(
            self.status
            or self.services
            or self.fuel_percent is not None
            or self.fuel_l is not None
            or self.note
        )


def fold(word: str) -> str:
    """Upper case without diacritics: ``Öppen`` -> ``OPPEN``, ``bränsle`` -> ``BRANSLE``."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


_STATUS = {
    "OPPEN": PointState.OPEN,
    "OPPET": PointState.OPEN,
    "OPPNA": PointState.OPEN,
    "OPPNAD": PointState.OPEN,
    "OPEN": PointState.OPEN,
    "STANGD": PointState.CLOSED,
    "STANGT": PointState.CLOSED,
    "STANG": PointState.CLOSED,
    "CLOSED": PointState.CLOSED,
    "BEGRANSAD": PointState.LIMITED,
    "BEGRANSAT": PointState.LIMITED,
    "LIMITED": PointState.LIMITED,
}
_SERVICES = {
    "DIESEL": Service.DIESEL,
    "BENSIN": Service.PETROL,
    "PETROL": Service.PETROL,
    "MAT": Service.FOOD,
    "LIVSMEDEL": Service.FOOD,
    "FOOD": Service.FOOD,
    "VATTEN": Service.WATER,
    "WATER": Service.WATER,
    "LADDNING": Service.CHARGING,
    "LADDA": Service.CHARGING,
    "CHARGING": Service.CHARGING,
    "VARME": Service.HEATING,
    "HEAT": Service.HEATING,
    "HEATING": Service.HEATING,
    "TOALETT": Service.TOILET,
    "WC": Service.TOILET,
    "TOILET": Service.TOILET,
    "RESERVKRAFT": Service.GENERATOR,
    "GENERATOR": Service.GENERATOR,
    "ELVERK": Service.GENERATOR,
}
_YES = {"JA", "J", "YES", "Y", "FINNS", "OK"}
_NO = {"NEJ", "N", "NO", "SLUT", "OUT", "INTE", "EJ", "SAKNAS"}
_FUEL = {"BRANSLE", "TANK", "FUEL", "DIESELTANK"}
_NOTE = {"OBS", "NOTE", "INFO"}
_ANSWERS = {
    "JA": Answer.YES,
    "J": Answer.YES,
    "YES": Answer.YES,
    "Y": Answer.YES,
    "NEJ": Answer.NO,
    "N": Answer.NO,
    "NO": Answer.NO,
    "SENARE": Answer.LATER,
    "SEN": Answer.LATER,
    "KANSKE": Answer.LATER,
    "LATER": Answer.LATER,
}
_SUBSCRIBE = {"START", "STARTA", "SUBSCRIBE", "PRENUMERERA"}
_UNSUBSCRIBE = {"STOPP", "STOP", "AVSLUTA", "UNSUBSCRIBE", "SLUTA"}
_HELP = {"HJALP", "HELP", "?"}
#: A resident's question: SOT and a place, a postcode, coordinates or a point.
_FIND = {"SOT", "NARA", "NEAR"}

_NUMBER = re.compile(r"^(\d{1,6})(%|L)?$")
_MAX_LEN = 480  # three segments; longer input is cut and the rest is unknown


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    # Separate "60%" from the word before it only by spaces; drop punctuation that
    # phones add (commas, full stops, colons) but keep % and digits.
    text = re.sub(r"[,;:!.()\"'\u2019\u201d]+", " ", text)
    text = re.sub(r"(\d)\s+(%)", r"\1\2", text)
    text = re.sub(r"(\d)\s+([lL])\b", r"\1\2", text)
    return text.split()


def _match_point(tokens: list[str], keywords: dict[str, str]) -> tuple[str | None, int]:
    """Longest run of leading tokens that is a point keyword -> (keyword, length)."""
    folded = [fold(t) for t in tokens]
    for length in range(min(len(tokens), 4), 0, -1):
        key = " ".join(folded[:length])
        if key in keywords:
            return keywords[key], length
    return None, 0


def parse(text: str, *, point_keywords: Iterable[str] = ()) -> Command:
    """Parse one inbound SMS. Never raises.

    ``point_keywords`` are the SMS keywords of the points (``KALL``, ``STORA
    BLÅSJÖN``); a status report must start with one of them or with a status word.
    """
    try:
        return _parse(text, point_keywords)
    except Exception:  # pragma: no cover - a last guard; _parse is total by design
        return Command(kind=Kind.UNKNOWN, unknown=[str(text)[:40]])


def _parse(text: str, point_keywords: Iterable[str]) -> Command:
    if not isinstance(text, str):
        text = str(text)
    overflow = text[_MAX_LEN:]
    tokens = _tokens(text[:_MAX_LEN])
    keywords = {fold(" ".join(k.split())): k for k in point_keywords if k.strip()}
    if not tokens:
        return Command(kind=Kind.UNKNOWN)
    head = fold(tokens[0])
    rest = tokens[1:]

    if head in _HELP and not rest:
        return Command(kind=Kind.HELP)
    if head in _FIND:
        return Command(kind=Kind.FIND, target=" ".join(text.split()[1:])[:100] or None)
    if head in _SUBSCRIBE:
        return Command(kind=Kind.SUBSCRIBE, target=" ".join(rest) or None)
    if head in _UNSUBSCRIBE:
        return Command(kind=Kind.UNSUBSCRIBE, target=" ".join(rest) or None)

    point, used = _match_point(tokens, keywords)
    if point is None and head in _ANSWERS and len(rest) <= 1:
        return Command(
            kind=Kind.ANSWER,
            answer=_ANSWERS[head],
            ref=fold(rest[0]) if rest else None,
        )
    if point is None and head not in _KEYWORDS:
        return Command(kind=Kind.UNKNOWN, unknown=tokens[:8])
    cmd = Command(kind=Kind.STATUS, point=point)
    _parse_status(tokens[used:], cmd)
    if overflow.strip():
        cmd.unknown.append(overflow.strip()[:20])
    return cmd


def _yes_no(token: str) -> bool | None:
    word = fold(token)
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def _parse_status(tokens: list[str], cmd: Command) -> None:
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = fold(token)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if word in _NOTE:
            cmd.note = " ".join(tokens[i + 1 :])[:300]
            return
        if word in _STATUS:
            cmd.status = _STATUS[word]
            i += 1
            continue
        if word in _SERVICES:
            value = _yes_no(nxt) if nxt is not None else None
            if value is None:
                swallow = nxt is not None and fold(nxt) not in _KEYWORDS
                cmd.unknown.append(f"{token} {nxt}" if swallow else token)
                i += 2 if swallow else 1
                continue
            cmd.services[_SERVICES[word]] = value
            i += 2
            continue
        if word in _FUEL:
            amount = _NUMBER.match(fold(nxt)) if nxt is not None else None
            if amount is None:
                swallow = nxt is not None and fold(nxt) not in _KEYWORDS
                cmd.unknown.append(f"{token} {nxt}" if swallow else token)
                i += 2 if swallow else 1
                continue
            number = int(amount.group(1))
            if amount.group(2) == "L":
                cmd.fuel_l = number
            elif number <= 100:
                cmd.fuel_percent = number
            else:
                cmd.unknown.append(f"{token} {nxt}")
            i += 2
            continue
        cmd.unknown.append(token)
        i += 1


_KEYWORDS = frozenset(_STATUS) | frozenset(_SERVICES) | _FUEL | _NOTE
