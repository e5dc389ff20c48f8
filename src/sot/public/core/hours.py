"""Opening hours during an event: what they may say and which apply (#13).

An operator or officer sets a point's hours for an event: for every day of the
event ("08–20"), and if needed for one day of it ("lör 6 dec: 10–16"). Hours are
typed the way people write them (``8-20``, ``08.00–20.00``, ``08–12, 13–20``,
``dygnet runt``, ``stängt``) and kept in one normal form, ``08:00-20:00`` (several
intervals separated by ``,``), ``00:00-24:00`` or ``closed``.

The rule of which hours the public is told, the one place it lives:

* unless the point is serving in a running event (its public state is *open* or
  *limited*): **none**. Outside an event, while it is still being prepared, closed,
  or in an unknown state, hours would contradict what the state says ("Öppet i dag"
  beside "Okänt läge"), so the state speaks alone;
* while it serves: the hours set for **that day** if any, else the hours set for
  **every day of the event**, else none. The register's *opening arrangements* (free
  text such as "Öppnar när kommunen aktiverar punkten") are a plan, shown as such on
  the point page, never as today's hours.

Event hours end with their event: they belong to the point's activation in it, so
they are never shown again once the event ends, and :func:`until` says when that is
(the event's end when one is set).

Plain Python: no Django, so the pages, the snapshot, GeoJSON, the notice and the
SMS replies take the result as data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: The key of the hours for every day of the event (the others are ISO dates).
EVERY_DAY = ""
CLOSED = "closed"
ALL_DAY = "00:00-24:00"

_WORDS_ALL_DAY = {"dygnet runt", "hela dygnet", "24h", "24 h", "around the clock"}
_WORDS_CLOSED = {"stängt", "stangt", "closed", "stängd"}
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_INTERVAL = re.compile(rf"^(?:kl\.?\s*)?{_TIME}\s*[-–—]\s*{_TIME}$")

#: Why typed hours were refused (code -> Swedish, English); the Django side shows
#: the Swedish text through gettext.
ERRORS = {
    "empty": ("Ange öppettider, t.ex. 08–20.", "Give the hours, e.g. 08–20."),
    "format": (
        "Skriv öppettiderna som 08–20, 08.30–16 eller 08–12, 13–20 "
        "(eller ”dygnet runt”, ”stängt”).",
        "Write the hours as 08–20, 08.30–16 or 08–12, 13–20 "
        "(or “around the clock”, “closed”).",
    ),
    "time": (
        "En tid måste ligga mellan 00.00 och 24.00.",
        "A time must lie between 00:00 and 24:00.",
    ),
    "order": (
        "Stängningstiden måste vara efter öppningstiden samma dag (skriv 00–24 "
        "för dygnet runt).",
        "The closing time must be after the opening time on the same day (write "
        "00–24 for around the clock).",
    ),
    "overlap": (
        "Tiderna överlappar varandra.",
        "The times overlap.",
    ),
    "day_before": (
        "Dagen ligger före händelsens början.",
        "The day is before the event began.",
    ),
    "day_after": (
        "Dagen ligger efter händelsens slut.",
        "The day is after the event ends.",
    ),
    "day_past": (
        "Dagen har redan varit.",
        "The day has already passed.",
    ),
}


class HoursError(ValueError):
    """Hours that cannot be stored; ``code`` is a key of :data:`ERRORS`."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(ERRORS[code][0])

    def text(self, lang: str = "sv") -> str:
        return ERRORS[self.code][1 if lang == "en" else 0]


def _minutes(hour: str, minute: str | None) -> int:
    h, m = int(hour), int(minute or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        raise HoursError("time")
    return h * 60 + m


def parse(text: str) -> str:
    """Typed hours in their normal form, or :class:`HoursError`.

    >>> parse("8-20"), parse("08.30–16"), parse("dygnet runt"), parse("Stängt")
    ('08:00-20:00', '08:30-16:00', '00:00-24:00', 'closed')
    """
    cleaned = " ".join((text or "").split()).lower()
    if not cleaned:
        raise HoursError("empty")
    if cleaned in _WORDS_ALL_DAY:
        return ALL_DAY
    if cleaned in _WORDS_CLOSED:
        return CLOSED
    intervals = []
    for part in re.split(r"\s*(?:,|;|\boch\b|\band\b)\s*", cleaned):
        m = _INTERVAL.match(part.strip())
        if m is None:
            raise HoursError("format")
        start = _minutes(m.group(1), m.group(2))
        end = _minutes(m.group(3), m.group(4))
        if end <= start:
            raise HoursError("order")
        intervals.append((start, end))
    intervals.sort()
    for (_s1, e1), (s2, _e2) in zip(intervals, intervals[1:], strict=False):
        if s2 < e1:
            raise HoursError("overlap")
    return ",".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in intervals)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _short(hhmm: str) -> str:
    """``08:00`` -> ``08``, ``08:30`` -> ``08.30`` (Swedish usage, also in English)."""
    hour, minute = hhmm.split(":")
    return hour if minute == "00" else f"{hour}.{minute}"


def text(normal: str, lang: str = "sv") -> str:
    """The normal form as people read it: ``08–20``, ``dygnet runt``, ``stängt``."""
    if normal == CLOSED:
        return "closed" if lang == "en" else "stängt"
    if normal == ALL_DAY:
        return "around the clock" if lang == "en" else "dygnet runt"
    return ", ".join(
        "–".join(_short(t) for t in part.split("-")) for part in normal.split(",")
    )


def check_day(
    day: date, *, starts_at: datetime, ends_at: datetime | None, today: date
) -> None:
    """Refuse a day outside the event (local dates) or already past."""
    if day < today:
        raise HoursError("day_past")
    if day < starts_at.astimezone(STOCKHOLM).date():
        raise HoursError("day_before")
    if (
        ends_at is not None
        and day > (ends_at - timedelta(microseconds=1)).astimezone(STOCKHOLM).date()
    ):
        raise HoursError("day_after")


@dataclass(frozen=True)
class Hours:
    """The hours the public is told about a point on one day."""

    #: ``event`` (set for the event) or empty (none).
    source: str = ""
    #: The normal form of the event hours.
    value: str = ""
    #: When the event hours stop applying (the event's end), if known.
    until: datetime | None = None

    def text(self, lang: str = "sv") -> str:
        if self.source == "event":
            return text(self.value, lang)
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)


NONE = Hours()

#: The public states in which a point serves, so that hours may be told.
SERVING = frozenset({"open", "limited"})


def serving(state: str) -> bool:
    """Whether a point in this public state is told with opening hours."""
    return str(state) in SERVING


def in_force(
    *,
    state: str,
    event_hours: Mapping[str, str] | None,
    day: date,
    event_ends_at: datetime | None = None,
) -> Hours:
    """Which hours apply on ``day`` (see the module's rule).

    ``state``: the point's public state (``standby``, ``preparing``, ``open``,
    ``limited``, ``closed`` or ``unknown``); ``event_hours``: that activation's hours (:data:`EVERY_DAY` and ISO
    dates to normal forms).
    """
    if not serving(state):
        return NONE
    hours = event_hours or {}
    own = hours.get(day.isoformat()) or hours.get(EVERY_DAY)
    if own:
        return Hours("event", own, event_ends_at)
    # The register's opening arrangements are a plan in free text ("Öppnar när
    # kommunen aktiverar punkten"), not today's hours: the point page shows them
    # as the plan, never after "Öppet i dag".
    return NONE


def schedule(
    event_hours: Mapping[str, str] | None, *, today: date
) -> tuple[tuple[date, str], ...]:
    """The days from ``today`` on that have hours of their own, in order."""
    out = []
    for key, value in (event_hours or {}).items():
        if key == EVERY_DAY:
            continue
        try:
            day = date.fromisoformat(key)
        except ValueError:
            continue
        if day >= today:
            out.append((day, value))
    return tuple(sorted(out))


def local_day(at: datetime) -> date:
    """The date in Sweden at ``at`` (hours are by Swedish days)."""
    return at.astimezone(STOCKHOLM).date()
