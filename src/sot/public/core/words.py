"""Times and distances in words, Swedish first ("uppdaterad för 25 min sedan")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONTHS_SV = (
    "jan",
    "feb",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)
MONTHS_EN = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def ago(delta: timedelta, lang: str = "sv") -> str:
    """``25 min sedan`` / ``25 min ago``; under a minute is "just nu" / "just now"."""
    minutes = int(delta.total_seconds() // 60)
    sv = lang != "en"
    if minutes < 1:
        return "just nu" if sv else "just now"
    if minutes < 60:
        return f"{minutes} min sedan" if sv else f"{minutes} min ago"
    hours = minutes // 60
    if hours < 24:
        rest = minutes - hours * 60
        text = f"{hours} tim" if sv else f"{hours} h"
        if hours < 6 and rest >= 5:
            text += f" {rest} min"
        return text + (" sedan" if sv else " ago")
    days = hours // 24
    if sv:
        return f"{days} dygn sedan"
    return f"{days} day{'s' if days > 1 else ''} ago"


def updated_phrase(moment: datetime | None, now: datetime, lang: str = "sv") -> str:
    """``uppdaterad för 25 min sedan`` / ``updated 25 min ago`` (or never reported)."""
    if moment is None:
        return "inte rapporterad än" if lang != "en" else "not reported yet"
    if lang == "en":
        return "updated " + ago(now - moment, "en")
    return (
        "uppdaterad för " + ago(now - moment, "sv")
        if ago(now - moment) != "just nu"
        else ("uppdaterad just nu")
    )


def clock(moment: datetime, now: datetime | None = None, lang: str = "sv") -> str:
    """``kl 04:15`` today, else ``30 nov kl 04:15`` (Swedish time)."""
    local = moment.astimezone(STOCKHOLM)
    hm = f"{local:%H:%M}"
    prefix = "kl " if lang != "en" else ""
    if now is not None and local.date() == now.astimezone(STOCKHOLM).date():
        return prefix + hm
    months = MONTHS_EN if lang == "en" else MONTHS_SV
    return f"{local.day} {months[local.month - 1]} {prefix}{hm}"


WEEKDAYS_SV = ("mån", "tis", "ons", "tors", "fre", "lör", "sön")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day(d: date, lang: str = "sv") -> str:
    """``lör 6 dec`` / ``Sat 6 Dec``."""
    if lang == "en":
        return f"{WEEKDAYS_EN[d.weekday()]} {d.day} {MONTHS_EN[d.month - 1]}"
    return f"{WEEKDAYS_SV[d.weekday()]} {d.day} {MONTHS_SV[d.month - 1]}"


def last_reported(
    state_label: str, at: datetime | None, now: datetime | None, lang: str = "sv"
) -> str:
    """What a point gone stale last said: ``Inga aktuella uppgifter. Senast
    rapporterat kl 06:00: Öppen.`` (the public is never told it is still so)."""
    if lang == "en":
        head = "No current information."
        if at is None:
            return head + " The point has not reported."
        what = f": {state_label}" if state_label else ""
        return f"{head} Last reported {clock(at, now, lang)}{what}."
    head = "Inga aktuella uppgifter."
    if at is None:
        return head + " Punkten har inte rapporterat."
    what = f": {state_label}" if state_label else ""
    return f"{head} Senast rapporterat {clock(at, now, lang)}{what}."


def distance(metres: float, lang: str = "sv") -> str:
    """``850 m``, ``4,2 km``, ``37 km`` (Swedish decimal comma)."""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    km = metres / 1000
    text = f"{km:.1f}" if km < 10 else f"{km:.0f}"
    return (text if lang == "en" else text.replace(".", ",")) + " km"
