"""What sot accepts, in one place (plain Python, no Django).

Each :class:`Range` is used by the API schemas, the forms, the import row readers,
the SMS commands and the model backstop; each text limit matches the column it ends
up in. Messages are Swedish (the user-facing language); callers translate.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

#: Characters refused in any text: C0/C1 control characters (NUL included) and lone
#: surrogates. Tab, line feed and carriage return are allowed in multi-line text.
MULTILINE_OK = frozenset("\t\n\r")


@dataclass(frozen=True)
class Range:
    """An inclusive range of numbers with the unit shown in messages."""

    low: float
    high: float
    unit: str = ""

    def problem(self, value: object) -> str | None:
        """A Swedish message if ``value`` is not a finite number in the range."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "måste vara ett tal"
        if not math.isfinite(value):
            return "måste vara ett ändligt tal"
        if value < self.low or value > self.high:
            unit = f" {self.unit}" if self.unit else ""
            return f"måste vara mellan {_num(self.low)} och {_num(self.high)}{unit}"
        return None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --- numbers ---------------------------------------------------------------------

#: People at a point now, or its capacity.
PEOPLE = Range(0, 100_000, "personer")
#: Litres in a generator tank, or a tank's size.
FUEL_L = Range(0, 200_000, "liter")
#: One fuel delivery.
DELIVERY_L = Range(1, 200_000, "liter")
#: Percent (tank level, generator load).
PCT = Range(0, 100, "%")
#: Indoor temperature.
TEMP_C = Range(-60, 60, "°C")
#: Generator size, heater power.
POWER_KW = Range(0, 100_000, "kW")
#: Consumption of a generator.
CONSUMPTION_L_PER_H = Range(0, 10_000, "l/h")
#: People a call-out asks for.
CALLOUT_PEOPLE = Range(1, 99, "personer")
#: Hours of fuel an official plans for.
HOURS = Range(0, 24 * 90, "timmar")
#: Minutes after which a report is stale.
STALE_MINUTES = Range(15, 60 * 24 * 30, "minuter")
#: Latitude and longitude (WGS84).
LATITUDE = Range(-90, 90, "°")
LONGITUDE = Range(-180, 180, "°")
#: SWEREF 99 TM easting and northing (metres), generously around Sweden.
SWEREF_E = Range(-1_000_000, 2_000_000, "m")
SWEREF_N = Range(5_000_000, 8_500_000, "m")
#: A distance on the ground within the country.
DISTANCE_M = Range(0, 2_000_000, "m")

# --- text ------------------------------------------------------------------------

#: Names (points, events, people, organisations): the 200-character columns.
NAME_LEN = 200
#: Reasons, comments, public notes: the 300-character columns.
SHORT_TEXT_LEN = 300
#: Free text without a column limit (logbook, internal notes, descriptions).
LONG_TEXT_LEN = 10_000
#: An SMS or webhook message id from a provider.
MESSAGE_ID_LEN = 64
#: One line of a checklist.
CHECKLIST_ITEM_LEN = 300
#: Lines of one checklist.
CHECKLIST_ITEMS = 200


def text_problem(value: str, *, max_len: int, multiline: bool = False) -> str | None:
    """A Swedish message if ``value`` is too long or holds forbidden characters."""
    if len(value) > max_len:
        return f"får vara högst {max_len} tecken (är {len(value)})"
    bad = forbidden_character(value, multiline=multiline)
    if bad is not None:
        return f"innehåller ett otillåtet tecken (U+{ord(bad):04X})"
    return None


def forbidden_character(value: str, *, multiline: bool = True) -> str | None:
    """The first control character or lone surrogate in ``value``, or None."""
    for ch in value:
        if ch.isprintable() or ch == " ":
            continue
        if multiline and ch in MULTILINE_OK:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs"):
            return ch
        if category in ("Zl", "Zp") and not multiline:  # line/paragraph separator
            return ch
    return None


def finite(value: float | None) -> bool:
    """True for None or a finite number (no NaN, no infinity)."""
    return value is None or math.isfinite(value)


def strip_forbidden(value: str, *, multiline: bool = True) -> str:
    """``value`` without control characters and lone surrogates (for SMS text,
    where refusing would lose the message; everywhere else refuse instead)."""
    return "".join(
        ch for ch in value if forbidden_character(ch, multiline=multiline) is None
    )


# --- query parameters -------------------------------------------------------------

#: Largest id a URL may name (the database's integer columns).
MAX_ID = 2**31 - 1
#: Years a time given by a user may fall in.
YEARS = Range(2000, 2100)


def parse_id(text: str | None) -> int | None:
    """A database id from a query parameter: ASCII digits within :data:`MAX_ID`."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_number(text: str | None, limit: Range) -> float | None:
    """A finite number within ``limit`` from a query parameter, or None."""
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if limit.problem(value) is None else None


def parse_local_time(text: str | None):
    """A naive ``datetime`` from an ISO/``datetime-local`` value within :data:`YEARS`,
    or None (the caller attaches the time zone)."""

    try:
        value = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    if YEARS.problem(value.year) is not None:
        return None
    return value


# --- exports ----------------------------------------------------------------------

#: What a spreadsheet reads as the start of a formula (and tab/CR, which some
#: programs strip before looking) (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> object:
    """A cell value safe to open in a spreadsheet: text that would start a formula
    gets a leading apostrophe (shown as text by Excel and LibreOffice), and control
    characters that break XLSX files are dropped. Numbers and None pass unchanged."""
    if not isinstance(value, str):
        return value
    value = strip_forbidden(value)
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


_PLAIN_NUMBER = re.compile(r"^[-+]?\d+([.,]\d+)?$")
