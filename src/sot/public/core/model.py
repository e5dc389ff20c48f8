"""Plain data shapes for what the public may see about a point.

The Django side (``sot.public.state``) turns registry and operations rows into these;
everything in :mod:`sot.public.core` takes them as input and never touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sot.vocabulary import (  # defined once there, labelled here
    NATIONAL_SERVICES,
    PublicAvailability,
    PublicState,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")

STATE_LABELS: dict[str, tuple[str, str]] = {
    PublicState.PREPARING: ("Förbereds för att öppna", "Getting ready to open"),
    PublicState.OPEN: ("Öppen", "Open"),
    PublicState.LIMITED: ("Öppen med begränsningar", "Open with limitations"),
    PublicState.CLOSED: ("Stängd", "Closed"),
    PublicState.STANDBY: ("Inte aktiverad", "Not activated"),
    PublicState.UNKNOWN: ("Okänt läge", "Status unknown"),
}

#: Colours by state (contrast >= 3:1 against white, for map symbols).
STATE_COLOURS: dict[str, str] = {
    PublicState.PREPARING: "#55606e",
    PublicState.OPEN: "#1b7a2f",
    PublicState.LIMITED: "#a35c00",
    PublicState.CLOSED: "#b3261e",
    PublicState.STANDBY: "#55606e",
    PublicState.UNKNOWN: "#55606e",
}

OPEN_STATES = frozenset({PublicState.OPEN, PublicState.LIMITED})

#: Fallback names by the register's service codes (``sot.registry.catalogue``); the
#: register's own names, carried on each :class:`Service`, come first.
SERVICE_LABELS: dict[str, tuple[str, str]] = {
    code: (sv, en)
    for code, sv, en, category, _capacity, _order in NATIONAL_SERVICES
    if category not in ("fuel", "payment")
}

#: Fallback names by the register's fuel service codes.
FUEL_LABELS: dict[str, tuple[str, str]] = {
    code: (sv, en)
    for code, sv, en, category, _capacity, _order in NATIONAL_SERVICES
    if category == "fuel"
}

PAYMENT_LABELS: dict[str, tuple[str, str]] = {
    "cash": ("Kontanter", "Cash"),
    "card": ("Kort", "Card"),
    "swish": ("Swish", "Swish"),
    "invoice": ("Faktura", "Invoice"),
}


def label(table: dict[str, tuple[str, str]], key: str, lang: str = "sv") -> str:
    """The Swedish or English label of ``key`` in ``table`` (the key if unknown)."""
    pair = table.get(key)
    if pair is None:
        return key.replace("_", " ").capitalize()
    return pair[1] if lang == "en" else pair[0]


@dataclass(frozen=True)
class Service:
    """One thing a point offers; ``available`` is None when it is unknown.

    ``limited`` marks "yes, but limited" (available is then True); a restriction in
    force gives its ``reason`` (Swedish and English) and ``until`` when. The labels
    come from the register's service catalogue; when empty the tables above are used.
    Built from :func:`sot.operations.core.public_state.public_state` only.
    """

    key: str
    available: bool | None = None
    detail: str = ""
    limited: bool = False
    label_sv: str = ""
    label_en: str = ""
    reason_sv: str = ""
    reason_en: str = ""
    until: datetime | None = None

    @property
    def status(self) -> PublicAvailability:
        """available / limited / not_available / unknown (for machines)."""
        if self.available is None:
            return PublicAvailability.UNKNOWN
        if self.available:
            return (
                PublicAvailability.LIMITED
                if self.limited
                else PublicAvailability.AVAILABLE
            )
        return PublicAvailability.NOT_AVAILABLE

    def reason(self, lang: str = "sv") -> str:
        return (self.reason_en or self.reason_sv) if lang == "en" else self.reason_sv

    def label(self, lang: str = "sv", table: dict | None = None) -> str:
        own = self.label_en if lang == "en" else self.label_sv
        return own or label(
            table if table is not None else SERVICE_LABELS, self.key, lang
        )

    def status_text(self, lang: str = "sv") -> str:
        """Finns / Begränsat / Finns inte / Okänt (or English)."""
        texts = {
            "sv": ("Finns", "Begränsat", "Finns inte", "Okänt", "till"),
            "en": ("Available", "Limited", "Not available", "Unknown", "until"),
        }[lang if lang == "en" else "sv"]
        if self.available is None:
            return texts[3]
        if self.available:
            if not self.limited:
                return texts[0]
            text = texts[1]
            reason = self.reason(lang)
            if reason:
                text += f": {reason}"
            if self.until is not None:
                local = self.until.astimezone(STOCKHOLM)
                text += f" {texts[4]} {local:%H:%M}"
            return text
        return texts[2]


@dataclass(frozen=True)
class PublicPoint:
    """A point as the public sees it, with its live state if an event is active."""

    slug: str
    name: str
    municipality_code: str
    municipality_name: str
    lat: float
    lon: float
    village: str = ""
    address: str = ""
    directions: str = ""
    state: str = PublicState.STANDBY
    updated_at: datetime | None = None
    services: tuple[Service, ...] = ()
    fuel: tuple[Service, ...] = ()
    payment: tuple[str, ...] = ()
    #: The hours in force today (sot.public.core.hours' rule): Swedish and
    #: English text, ``event`` or ``register`` as their source, and when event
    #: hours end (the event's end); empty outside an event.
    opening_hours: str = ""
    opening_hours_en: str = ""
    opening_hours_source: str = ""
    opening_hours_until: datetime | None = None
    #: Days from today with hours of their own: (ISO date, Swedish, English).
    opening_days: tuple[tuple[str, str, str], ...] = ()
    #: The register's opening arrangements (the plan, shown outside an event).
    opening_arrangements: str = ""
    contact: str = ""
    next_update: str = ""
    note: str = ""
    #: What the note says that the report's own data denies: service codes, and
    #: ``state`` for the point's state (``sot.operations.core.notecheck``); the
    #: outputs say the data holds.
    note_conflicts: tuple[str, ...] = ()
    event_id: str = ""
    event_name: str = ""
    exercise: bool = False
    #: The report is stale or the state unknown: nothing is shown as available;
    #: ``last_state`` and ``last_reported_at`` say what was last reported and when.
    stale: bool = False
    last_state: str = ""
    last_reported_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def hours_text(self, lang: str = "sv") -> str:
        """Today's hours in ``lang`` (register text stays as typed)."""
        if lang == "en" and self.opening_hours_en:
            return self.opening_hours_en
        return self.opening_hours


@dataclass(frozen=True)
class PublicMessageData:
    """A short message from the municipality to the public."""

    id: str
    text: str
    published_at: datetime
    text_en: str = ""
    point_slug: str = ""
    point_name: str = ""
    event_id: str = ""
    event_name: str = ""
    municipality_code: str = ""
    exercise: bool = False


@dataclass(frozen=True)
class StateChange:
    """One change of a point's public state within an event (input to CAP)."""

    event_id: str
    event_name: str
    point: PublicPoint
    state: str
    at: datetime
    exercise: bool = False
    extra: dict = field(default_factory=dict)
    #: How long what this change says holds without news (the event's stale
    #: threshold); CAP ``expires`` is ``at`` plus this.
    valid_for: timedelta | None = None


@dataclass(frozen=True)
class Fallbacks:
    """What residents fall back on when the network fails (the county's data):
    the local P4 radio, the information and emergency numbers, the SMS number."""

    radio: str = ""
    info_number: str = "113 13"
    emergency_number: str = "112"
    sms_number: str = ""
    sms_keyword: str = "SOT"
