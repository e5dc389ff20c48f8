"""Lägesrapport (situation report) for an event, as plain text and as Markdown.

The text follows the shape a Swedish county or municipal officer sends in WIS:
heading with time and sender, a short summary (lägesbild), the state of every
SOT-punkt with power source and fuel endurance, needs, the log since the previous
report, and when the next report is due. An exercise says "ÖVNING" first and last,
as exercise traffic always does.

This module is plain (no Django): the Django layer collects the facts into a
:class:`Sitrep` and calls :func:`render_text` or :func:`render_markdown`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sot.operations.core.freshness import format_age
from sot.operations.core.public_state import Availability, PointPublicState, Shown
from sot.operations.core.status import STATE_LABELS_SV, PointState

STOCKHOLM = ZoneInfo("Europe/Stockholm")

_MONTHS_SV = (
    "jan",
    "feb",
    "mars",
    "apr",
    "maj",
    "juni",
    "juli",
    "aug",
    "sep",
    "okt",
    "nov",
    "dec",
)

POWER_LABELS_SV = {
    "grid": "nätström",
    "generator": "reservkraft (elverk)",
    "none": "ingen ström",
    "": "strömkälla ej rapporterad",
}


#: The register's warm-room service (its capacity is the warm room's).
WARM_ROOM = "warm_room"


@dataclass(frozen=True)
class FuelStatus:
    """A fuel product at a point that is out or limited, as the public is told."""

    product: str
    availability: Availability
    reason: str = ""
    until: datetime | None = None


@dataclass(frozen=True)
class SitrepPoint:
    """One point's line in the report.

    ``stale`` is the public state's: no current report, or the state is unknown;
    ``fuel_status`` lists the fuel products out or limited and ``warm_room`` the warm
    room's availability (empty: the point has none), both as
    :func:`sot.operations.core.public_state.public_state` decided (see
    :func:`offer_facts`).
    """

    name: str
    municipality: str
    state: PointState | None
    village: str = ""
    state_reason: str = ""
    power_source: str = ""
    fuel_hours: float | None = None
    runs_dry_at: datetime | None = None
    last_report_at: datetime | None = None
    stale: bool = False
    needs: tuple[str, ...] = ()
    limited_services: tuple[str, ...] = ()
    people_present: int | None = None
    capacity: int | None = None
    indoor_temp_c: float | None = None
    note: str = ""
    fuel_status: tuple[FuelStatus, ...] = ()
    warm_room: str = ""


@dataclass(frozen=True)
class OfferFacts:
    """What a point's public state says about its fuel, services and warm room."""

    fuel_status: tuple[FuelStatus, ...] = ()
    limited_services: tuple[str, ...] = ()
    warm_room: str = ""


def offer_facts(
    st: PointPublicState,
    *,
    labels: dict[str, str],
    reasons: dict[str, str] | None = None,
) -> OfferFacts:
    """The report's facts about offers, derived from the one public state.

    A stale or unknown point counts nothing as out or limited (the public is told
    "unknown"); a closed point's products are not "out", the point is closed.
    ``labels`` names each offer (register code -> Swedish name); ``reasons`` names
    a restriction's kind (code -> Swedish words).
    """
    reasons = reasons or {}
    warm = next((o for o in st.services if o.key == WARM_ROOM), None)
    warm_room = warm.availability.value if warm is not None else ""
    if st.stale or st.state in (Shown.CLOSED, Shown.STANDBY, Shown.UNKNOWN):
        return OfferFacts(warm_room=warm_room)
    fuel = tuple(
        FuelStatus(
            product=labels.get(o.key, o.key),
            availability=o.availability,
            reason=reasons.get(o.reason, o.reason),
            until=o.until,
        )
        for o in st.fuel
        if o.availability in (Availability.NOT_AVAILABLE, Availability.LIMITED)
    )
    services = tuple(
        labels.get(o.key, o.key)
        for o in st.services
        if o.availability in (Availability.NOT_AVAILABLE, Availability.LIMITED)
    )
    return OfferFacts(fuel_status=fuel, limited_services=services, warm_room=warm_room)


@dataclass(frozen=True)
class Counts:
    """The situation in figures: fuel out or limited (product -> point names), the
    warm rooms' occupancy against capacity, and the points without a current
    report (``stale``) or in an unknown state (``unknown``)."""

    points: int = 0
    fuel_out: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fuel_limited: tuple[tuple[str, tuple[str, ...]], ...] = ()
    warm_rooms_open: int = 0
    warm_people: int = 0
    warm_capacity: int = 0
    warm_without_figures: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "points": self.points,
            "fuel_out": {p: list(n) for p, n in self.fuel_out},
            "fuel_limited": {p: list(n) for p, n in self.fuel_limited},
            "fuel_out_count": sum(len(n) for _p, n in self.fuel_out),
            "fuel_limited_count": sum(len(n) for _p, n in self.fuel_limited),
            "warm_rooms_open": self.warm_rooms_open,
            "warm_people": self.warm_people,
            "warm_capacity": self.warm_capacity,
            "warm_without_figures": list(self.warm_without_figures),
            "stale": list(self.stale),
            "unknown": list(self.unknown),
        }


def _by_product(points, availability: Availability):
    out: dict[str, list[str]] = {}
    for p in points:
        for f in p.fuel_status:
            if f.availability == availability:
                out.setdefault(f.product, []).append(p.name)
    return tuple((product, tuple(names)) for product, names in out.items())


def counts(points: tuple[SitrepPoint, ...]) -> Counts:
    """The figures of :class:`Counts` for ``points``."""
    open_warm = [
        p
        for p in points
        if not p.stale and p.warm_room in (Availability.AVAILABLE, Availability.LIMITED)
    ]
    return Counts(
        points=len(points),
        fuel_out=_by_product(points, Availability.NOT_AVAILABLE),
        fuel_limited=_by_product(points, Availability.LIMITED),
        warm_rooms_open=len(open_warm),
        warm_people=sum(p.people_present or 0 for p in open_warm),
        warm_capacity=sum(p.capacity or 0 for p in open_warm),
        warm_without_figures=tuple(
            p.name for p in open_warm if p.people_present is None or not p.capacity
        ),
        stale=tuple(
            p.name for p in points if p.stale and p.state != PointState.UNKNOWN
        ),
        unknown=tuple(
            p.name for p in points if p.stale and p.state == PointState.UNKNOWN
        ),
    )


@dataclass(frozen=True)
class SitrepLogEntry:
    """One logbook line."""

    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class Sitrep:
    """Everything a situation report says."""

    event_name: str
    event_kind: str
    as_of: datetime
    sender: str
    exercise: bool = False
    number: int | None = None
    since: datetime | None = None
    municipalities: tuple[str, ...] = ()
    severity: str = ""
    started_at: datetime | None = None
    decided_by: str = ""
    points: tuple[SitrepPoint, ...] = ()
    log: tuple[SitrepLogEntry, ...] = ()
    next_report_at: datetime | None = None
    contact: str = ""
    stale_after: timedelta = field(default=timedelta(hours=4))


def format_time(value: datetime, *, with_date: bool = True) -> str:
    """Swedish local time: "30 nov 2026 kl. 14:05" (or "kl. 14:05")."""
    local = value.astimezone(STOCKHOLM)
    clock = f"kl. {local:%H:%M}"
    if not with_date:
        return clock
    return f"{local.day} {_MONTHS_SV[local.month - 1]} {local.year} {clock}"


def format_hours(hours: float) -> str:
    """Fuel hours rounded down to whole hours, "under 1 h" below one."""
    if hours < 1:
        return "under 1 h"
    return f"{int(hours)} h"


def _same_day(a: datetime, b: datetime) -> bool:
    return a.astimezone(STOCKHOLM).date() == b.astimezone(STOCKHOLM).date()


def _when(value: datetime, as_of: datetime) -> str:
    return format_time(value, with_date=not _same_day(value, as_of))


#: (singular, plural) for "3 öppna", "1 larmad" in the summary.
_COUNT_WORDS = {
    PointState.OPEN: ("öppen", "öppna"),
    PointState.LIMITED: ("begränsad", "begränsade"),
    PointState.ACTIVATING: ("under aktivering", "under aktivering"),
    PointState.ALERTED: ("larmad", "larmade"),
    PointState.UNKNOWN: ("med okänt läge", "med okänt läge"),
    PointState.CLOSED: ("stängd", "stängda"),
}


def summary_counts(points: tuple[SitrepPoint, ...]) -> dict[str, int]:
    """Number of points per state key plus ``stale``."""
    counts: dict[str, int] = {}
    for p in points:
        key = p.state.value if p.state else "none"
        counts[key] = counts.get(key, 0) + 1
    counts["stale"] = sum(1 for p in points if p.stale)
    return counts


def _summary(s: Sitrep) -> list[str]:
    counts = summary_counts(s.points)
    total = len(s.points)
    parts = []
    for state in (
        PointState.OPEN,
        PointState.LIMITED,
        PointState.ACTIVATING,
        PointState.ALERTED,
        PointState.UNKNOWN,
        PointState.CLOSED,
    ):
        n = counts.get(state.value, 0)
        if n:
            parts.append(f"{n} {_COUNT_WORDS[state][0 if n == 1 else 1]}")
    lines = []
    if total:
        lines.append(
            f"{total} SOT-punkt{'er' if total != 1 else ''} i händelsen: "
            + (", ".join(parts) if parts else "inget läge rapporterat")
            + "."
        )
    else:
        lines.append("Inga SOT-punkter är aktiverade i händelsen.")
    on_generator = [p for p in s.points if p.power_source == "generator"]
    if on_generator:
        lines.append(f"{len(on_generator)} på reservkraft.")
    shortest = min(
        (p for p in on_generator if p.fuel_hours is not None),
        key=lambda p: p.fuel_hours or 0.0,
        default=None,
    )
    if shortest is not None and shortest.fuel_hours is not None:
        text = (
            f"Kortast bränsletid: {shortest.name}, {format_hours(shortest.fuel_hours)}"
        )
        if shortest.runs_dry_at is not None:
            text += f" (tomt {_when(shortest.runs_dry_at, s.as_of)})"
        lines.append(text + ".")
    lines += _figures(s)
    return lines


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _figures(s: Sitrep) -> list[str]:
    """Fuel out or limited, warm rooms, stale and unknown points."""
    c = counts(s.points)
    lines = []
    for title, table in (
        ("Drivmedel slut", c.fuel_out),
        ("Drivmedel begränsat", c.fuel_limited),
    ):
        if table:
            lines.append(
                f"{title}: "
                + "; ".join(
                    f"{product} ({', '.join(names)})" for product, names in table
                )
                + "."
            )
    if c.warm_rooms_open:
        text = (
            f"Värmestugor: {_plural(c.warm_people, 'person', 'personer')} av "
            f"{_plural(c.warm_capacity, 'plats', 'platser')} "
            f"({c.warm_rooms_open} {'öppen' if c.warm_rooms_open == 1 else 'öppna'})"
        )
        if c.warm_without_figures:
            text += f"; utan uppgift om antal eller platser: {', '.join(c.warm_without_figures)}"
        lines.append(text + ".")
    if c.stale:
        hours = int(s.stale_after.total_seconds() // 3600)
        lines.append(
            f"{_plural(len(c.stale), 'punkt', 'punkter')} utan aktuell rapport "
            f"(äldre än {hours} h), verifieras: {', '.join(c.stale)}."
        )
    if c.unknown:
        lines.append(
            f"{_plural(len(c.unknown), 'punkt', 'punkter')} med okänt läge: "
            f"{', '.join(c.unknown)}."
        )
    return lines


def _fuel_text(f: FuelStatus, as_of: datetime) -> str:
    parts = [
        x for x in (f.reason, f"till {_when(f.until, as_of)}" if f.until else "") if x
    ]
    return f.product + (f" ({', '.join(parts)})" if parts else "")


def _point_lines(p: SitrepPoint, as_of: datetime) -> tuple[str, list[str]]:
    title = p.name + (f" ({p.village})" if p.village and p.village != p.name else "")
    title += f", {p.municipality}"
    state = STATE_LABELS_SV[p.state].upper() if p.state else "EJ RAPPORTERAD"
    details = [f"Läge: {state}" + (f" – {p.state_reason}" if p.state_reason else "")]
    if p.state != PointState.CLOSED or p.power_source:
        details.append(f"Ström: {POWER_LABELS_SV.get(p.power_source, p.power_source)}")
    if p.power_source == "generator":
        if p.fuel_hours is not None:
            fuel = f"Bränsle: räcker ca {format_hours(p.fuel_hours)}"
            if p.runs_dry_at is not None:
                fuel += f", tomt {_when(p.runs_dry_at, as_of)}"
            details.append(fuel)
        else:
            details.append("Bränsle: okänd uthållighet")
    out = [
        f.product for f in p.fuel_status if f.availability == Availability.NOT_AVAILABLE
    ]
    if out:
        details.append("Drivmedel slut: " + ", ".join(out))
    limited = [
        _fuel_text(f, as_of)
        for f in p.fuel_status
        if f.availability == Availability.LIMITED
    ]
    if limited:
        details.append("Drivmedel begränsat: " + ", ".join(limited))
    if p.limited_services:
        details.append("Begränsat/ur funktion: " + ", ".join(p.limited_services))
    if p.people_present is not None:
        people = f"Personer på plats: {p.people_present}"
        if p.capacity:
            people += f" av {p.capacity}"
        details.append(people)
    if p.indoor_temp_c is not None:
        details.append(f"Inomhustemperatur: {p.indoor_temp_c:g} °C")
    if p.needs:
        details.append("Behov: " + ", ".join(p.needs))
    if p.note:
        details.append(f"Kommentar: {p.note}")
    if p.last_report_at is not None:
        seen = (
            f"Senaste rapport: {_when(p.last_report_at, as_of)} "
            f"({format_age(as_of - p.last_report_at)} sedan)"
        )
    else:
        seen = "Senaste rapport: ingen"
    if p.stale:
        seen += " – INAKTUELL, verifieras"
    details.append(seen)
    return title, details


def _needs(points: tuple[SitrepPoint, ...]) -> list[str]:
    return [f"{p.name}: {', '.join(p.needs)}" for p in points if p.needs]


def _heading(s: Sitrep) -> list[str]:
    number = f" nr {s.number}" if s.number else ""
    lines = [f"LÄGESRAPPORT{number} – {s.event_name}"]
    lines.append(f"Tidpunkt: {format_time(s.as_of)}")
    lines.append(f"Från: {s.sender}")
    kind = s.event_kind + (f", {s.severity}" if s.severity else "")
    lines.append(f"Händelse: {kind}")
    if s.municipalities:
        lines.append("Berörda kommuner: " + ", ".join(s.municipalities))
    if s.started_at is not None:
        started = f"Påbörjad: {format_time(s.started_at)}"
        if s.decided_by:
            started += f" (beslut: {s.decided_by})"
        lines.append(started)
    if s.since is not None:
        lines.append(f"Föregående rapport: {format_time(s.since)}")
    return lines


def _log_lines(s: Sitrep) -> list[str]:
    if not s.log:
        return ["Inga nya loggposter."]
    return [f"{_when(e.at, s.as_of)} {e.author}: {e.text}" for e in s.log]


def _footer(s: Sitrep) -> list[str]:
    lines = []
    if s.next_report_at is not None:
        lines.append(f"Nästa lägesrapport: {format_time(s.next_report_at)}")
    if s.contact:
        lines.append(f"Kontakt: {s.contact}")
    return lines


EXERCISE_BANNER = "ÖVNING ÖVNING ÖVNING"


def render_text(s: Sitrep) -> str:
    """Plain text, ready to paste into WIS."""
    out: list[str] = []
    if s.exercise:
        out += [EXERCISE_BANNER, ""]
    out += _heading(s)
    out += ["", "1. LÄGESBILD"]
    out += [f"   {line}" for line in _summary(s)]
    out += ["", "2. SOT-PUNKTER"]
    if not s.points:
        out.append("   Inga.")
    for p in s.points:
        title, details = _point_lines(p, s.as_of)
        out.append(f" - {title}")
        out += [f"     {d}" for d in details]
    out += ["", "3. BEHOV"]
    needs = _needs(s.points)
    out += [f"   {n}" for n in needs] or ["   Inga rapporterade behov."]
    heading = "4. LOGGBOK"
    if s.since is not None:
        heading += f" SEDAN {format_time(s.since).upper()}"
    out += ["", heading]
    out += [f"   {line}" for line in _log_lines(s)]
    footer = _footer(s)
    if footer:
        out += [""] + footer
    if s.exercise:
        out += ["", EXERCISE_BANNER]
    return "\n".join(out) + "\n"


def _md_escape(text: str) -> str:
    for ch in ("\\", "*", "_", "`", "|", "#"):
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(s: Sitrep) -> str:
    """Markdown version (headings, a table of points, lists)."""
    e = _md_escape
    out: list[str] = []
    if s.exercise:
        out += [f"**{EXERCISE_BANNER}**", ""]
    heading = _heading(s)
    out.append(f"# {e(heading[0])}")
    out.append("")
    out += [f"- {e(line)}" for line in heading[1:]]
    out += ["", "## Lägesbild", ""]
    out += [f"- {e(line)}" for line in _summary(s)]
    out += ["", "## SOT-punkter", ""]
    if s.points:
        out.append("| Punkt | Kommun | Läge | Ström | Bränsle | Senaste rapport |")
        out.append("|---|---|---|---|---|---|")
        for p in s.points:
            state = STATE_LABELS_SV[p.state] if p.state else "Ej rapporterad"
            if p.state_reason:
                state += f" ({p.state_reason})"
            fuel = ""
            if p.power_source == "generator" and p.fuel_hours is not None:
                fuel = format_hours(p.fuel_hours)
                if p.runs_dry_at is not None:
                    fuel += f", tomt {_when(p.runs_dry_at, s.as_of)}"
            seen = (
                f"{_when(p.last_report_at, s.as_of)} "
                f"({format_age(s.as_of - p.last_report_at)})"
                if p.last_report_at
                else "ingen"
            )
            if p.stale:
                seen = f"**{seen}, inaktuell**"
            power = POWER_LABELS_SV.get(p.power_source, p.power_source)
            cells = [p.name, p.municipality, state, power, fuel]
            out.append("| " + " | ".join(e(c) for c in cells) + f" | {seen} |")
        out.append("")
        for p in s.points:
            title, details = _point_lines(p, s.as_of)
            out.append(f"### {e(title)}")
            out.append("")
            out += [f"- {e(d)}" for d in details]
            out.append("")
    else:
        out += ["Inga.", ""]
    out += ["## Behov", ""]
    out += [f"- {e(n)}" for n in _needs(s.points)] or ["Inga rapporterade behov."]
    title = "Loggbok"
    if s.since is not None:
        title += f" sedan {format_time(s.since)}"
    out += ["", f"## {title}", ""]
    out += [f"- {e(line)}" for line in _log_lines(s)]
    footer = _footer(s)
    if footer:
        out += [""] + [f"{e(line)}  " for line in footer]
    if s.exercise:
        out += ["", f"**{EXERCISE_BANNER}**"]
    return "\n".join(out) + "\n"
