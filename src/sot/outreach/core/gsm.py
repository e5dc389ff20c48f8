"""GSM 03.38 (3GPP TS 23.038) 7-bit alphabet: encoding and SMS segment counting.

An SMS carries 140 octets of user data. In the GSM 7-bit default alphabet that is
160 septets; in UCS-2 (UTF-16 on today's phones) it is 70 code units. A message that
does not fit is sent as a concatenated SMS whose user data header (6 octets) leaves
153 septets or 67 UCS-2 units per segment.

Every character of the basic table costs one septet. The ten characters of the
extension table (``^ { } \\ [ ~ ] | €`` and form feed) are sent as ESC + code and
cost two septets; an escape pair is never split across segments.

Swedish å ä ö Å Ä Ö, and é É ü Ü æ Æ ø Ø, ARE in the basic table, so ordinary
Swedish text is GSM-7 (160 characters). A single character outside both tables
switches the whole message to UCS-2 (70 characters). Characters that commonly do
that by accident in Swedish text:

- typographic quotes and dashes: ’ ‘ ” “ – — and the ellipsis …
- non-breaking space (U+00A0) and other Unicode spaces
- á í ó ú â ê ô ç õ (lower-case ç is not in the table; only Ç is, at 0x09)
- the degree sign °, and the Sámi letters ï á č đ ŋ š ŧ ž
- any emoji (outside the Basic Multilingual Plane: two UTF-16 units each)

:func:`to_gsm7` replaces the common offenders with GSM-7 look-alikes so that a
template does not drop to 70 characters because of one curly quote in a point name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

# The basic table in code order 0x00..0x7F. 0x1B is the escape to the extension table
# and is not a character of its own; it is written here as "\x1b".
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
assert len(BASIC) == 128

#: character -> code in the extension table (sent after ESC 0x1B)
EXTENSION = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}

_BASIC_CODE = {ch: code for code, ch in enumerate(BASIC) if ch != "\x1b"}

GSM7_SINGLE = 160
GSM7_MULTI = 153
UCS2_SINGLE = 70
UCS2_MULTI = 67

Encoding = Literal["gsm7", "ucs2"]


class NotGsm7Error(ValueError):
    """The text holds a character that neither GSM-7 table has."""


def is_gsm7_char(ch: str) -> bool:
    """True if ``ch`` is in the basic or the extension table."""
    return ch in _BASIC_CODE or ch in EXTENSION


def non_gsm7_chars(text: str) -> list[str]:
    """The distinct characters of ``text`` that force UCS-2, in order of appearance."""
    seen: dict[str, None] = {}
    for ch in text:
        if not is_gsm7_char(ch):
            seen.setdefault(ch, None)
    return list(seen)


def is_gsm7(text: str) -> bool:
    """True if the whole text can be sent in the GSM 7-bit alphabet."""
    return all(is_gsm7_char(ch) for ch in text)


def septet_cost(ch: str) -> int:
    """Septets for one GSM-7 character: 1 (basic) or 2 (extension)."""
    if ch in _BASIC_CODE:
        return 1
    if ch in EXTENSION:
        return 2
    raise NotGsm7Error(f"{ch!r} is not in the GSM 03.38 alphabet")


def encode_septets(text: str) -> list[int]:
    """The septet values for ``text`` (extension characters as ESC, code)."""
    out: list[int] = []
    for ch in text:
        code = _BASIC_CODE.get(ch)
        if code is not None:
            out.append(code)
        elif ch in EXTENSION:
            out.extend((0x1B, EXTENSION[ch]))
        else:
            raise NotGsm7Error(f"{ch!r} is not in the GSM 03.38 alphabet")
    return out


def decode_septets(septets: list[int]) -> str:
    """Inverse of :func:`encode_septets`."""
    reverse_ext = {code: ch for ch, code in EXTENSION.items()}
    out: list[str] = []
    escaped = False
    for s in septets:
        if escaped:
            # An unknown extension code shows the basic character (TS 23.038 note).
            out.append(reverse_ext.get(s, BASIC[s] if s != 0x1B else " "))
            escaped = False
        elif s == 0x1B:
            escaped = True
        else:
            out.append(BASIC[s])
    return "".join(out)


def ucs2_units(text: str) -> int:
    """UTF-16 code units: characters outside the BMP (emoji) take two."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class SegmentInfo:
    """How a text goes over the air."""

    encoding: Encoding
    #: septets (GSM-7) or UTF-16 code units (UCS-2)
    units: int
    segments: int
    #: units still free in the last segment
    remaining: int
    #: characters that forced UCS-2 (empty for GSM-7)
    offending: tuple[str, ...] = ()

    @property
    def single(self) -> bool:
        return self.segments == 1


def split_segments(text: str) -> list[str]:
    """Split ``text`` into the parts a phone would send.

    An escape pair (GSM-7) or a surrogate pair (UCS-2) is never cut in two, which is
    why a segment may hold one unit fewer than the nominal 153 or 67.
    """
    if text == "":
        return [""]
    if is_gsm7(text):
        costs = [septet_cost(ch) for ch in text]
        single, multi = GSM7_SINGLE, GSM7_MULTI
    else:
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, multi = UCS2_SINGLE, UCS2_MULTI
    if sum(costs) <= single:
        return [text]
    parts: list[str] = []
    start, used = 0, 0
    for i, cost in enumerate(costs):
        if used + cost > multi:
            parts.append(text[start:i])
            start, used = i, 0
        used += cost
    parts.append(text[start:])
    return parts


def segment_info(text: str) -> SegmentInfo:
    """Encoding, size and number of segments of ``text``.

    >>> segment_info("Kall öppen").encoding
    'gsm7'
    >>> segment_info("Kall ’öppen’").encoding
    'ucs2'
    """
    gsm = is_gsm7(text)
    if gsm:
        units = sum(septet_cost(ch) for ch in text)
        single, multi = GSM7_SINGLE, GSM7_MULTI
    else:
        units = ucs2_units(text)
        single, multi = UCS2_SINGLE, UCS2_MULTI
    if units <= single:
        segments, capacity = 1, single
    else:
        segments = len(split_segments(text))
        capacity = segments * multi
    return SegmentInfo(
        encoding="gsm7" if gsm else "ucs2",
        units=units,
        segments=segments,
        remaining=max(capacity - units, 0),
        offending=() if gsm else tuple(non_gsm7_chars(text)),
    )


def count_segments(text: str) -> int:
    """Number of SMS segments ``text`` needs."""
    return segment_info(text).segments


# Look-alikes for characters that would otherwise force UCS-2.
_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2012": "-",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u200b": "",
    "\t": " ",
    "\u00b0": " grader",
    "ç": "Ç",
    "\u0111": "d",
    "\u0110": "D",
    "\u014b": "n",
    "\u014a": "N",
    "\u0167": "t",
    "\u0166": "T",
    "\u00f5": "o",
    "\u00d5": "O",
}


def to_gsm7(text: str, *, fallback: str = "?") -> str:
    """Replace characters outside GSM 03.38 by GSM-7 look-alikes.

    Characters already in the alphabet (å ä ö é ü ...) are kept; others are mapped
    by :data:`_REPLACEMENTS`, then by dropping diacritics (á -> a, ï -> i, š -> s),
    and whatever is left becomes ``fallback``.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if is_gsm7_char(ch):
            out.append(ch)
            continue
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        if base and all(is_gsm7_char(c) for c in base):
            out.append(base)
        else:
            out.append(fallback)
    return "".join(out)
