"""CAP 1.2 (OASIS Common Alerting Protocol) messages for points opening and closing.

One chain of messages per point and event: when a point opens the chain starts with
an ``Alert``; each later change (including to *unknown*, when reports go stale) is an
``Update``, and when it closes (or goes back to standby) a ``Cancel``; both
reference every earlier message of the chain (``sender,identifier,sent`` triples, CAP 1.2 section 3.2.1 ``references``).
If the point opens again a new chain starts. Exercises get ``status`` ``Exercise``.

Each message carries two ``info`` blocks, ``sv-SE`` first and ``en-US`` second, and
one ``area`` with the point as a 1 km circle and the municipality code as a geocode.
``info/expires`` is ``sent`` plus the change's ``valid_for`` (the event's stale
threshold: by then a new report or an Update to *unknown* is due). ``incidents``
names the event as it is called, Swedish letters included ("Övning Storm" in double
quotes, since items are separated by white space).
Times are written with an explicit offset and no fraction, as the CAP schema's
``dateTime`` pattern requires (``2026-11-30T04:15:00+01:00``; a ``Z`` is invalid).
Validated in tests against the OASIS XSD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sot.public.core import words
from sot.public.core.model import (
    FUEL_LABELS,
    OPEN_STATES,
    SERVICE_LABELS,
    STATE_LABELS,
    PublicPoint,
    PublicState,
    StateChange,
    label,
)

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
#: States that end a chain with a Cancel; others (unknown, preparing) are Updates.
CLOSING_STATES = frozenset({PublicState.CLOSED, PublicState.STANDBY})
_UNSAFE = re.compile(r"[^A-Za-z0-9._\-@:]")
#: ``expires`` when a change does not say how long it holds.
DEFAULT_VALID_FOR = timedelta(hours=2)


def cap_time(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss+hh:mm`` in Swedish local time (CAP 1.2 dateTime)."""
    return moment.astimezone(STOCKHOLM).replace(microsecond=0).isoformat()


def incidents_text(name: str) -> str:
    """The event's name as one CAP ``incidents`` item: kept as it is (Swedish letters
    included), in double quotes when it has white space, since CAP 1.2 section 3.2.1
    separates items by white space and quotes items that contain it."""
    name = " ".join(name.replace('"', "").split())
    return f'"{name}"' if " " in name else name


def safe_token(text: str) -> str:
    """``text`` with characters CAP forbids in identifiers (space, comma, <, &) replaced."""
    return _UNSAFE.sub("-", text)


@dataclass(frozen=True)
class CapMessage:
    identifier: str
    sender: str
    sent: datetime
    msg_type: str  # Alert | Update | Cancel
    status: str  # Actual | Exercise
    state: str
    point_slug: str
    point_name: str
    event_id: str
    references: tuple[tuple[str, str, datetime], ...]
    xml: bytes

    @property
    def filename(self) -> str:
        return f"{self.identifier}.xml"

    @property
    def headline(self) -> str:
        return _headline(self.point_name, self.state, "sv", self.msg_type)


def _headline(name: str, state: str, lang: str, msg_type: str) -> str:
    if lang == "en":
        what = "service point closed" if msg_type == "Cancel" else "service point"
        return f"{name}: {what} – {label(STATE_LABELS, state, 'en').lower()}"
    what = "SOT-punkt stängd" if msg_type == "Cancel" else "SOT-punkt"
    return f"{name}: {what} – {label(STATE_LABELS, state, 'sv').lower()}"


def _status(service, lang: str) -> str:
    """``finns``, ``finns inte``, ``begränsat: endast räddningstjänst till 18:00``."""
    text = service.status_text(lang)
    return text[:1].lower() + text[1:]


def _description(point: PublicPoint, state: str, lang: str) -> str:
    lines = [label(STATE_LABELS, state, lang) + "."]
    if point.stale:
        lines.append(
            words.last_reported(
                label(STATE_LABELS, point.last_state, lang) if point.last_state else "",
                point.last_reported_at,
                None,
                lang,
            )
        )
    for s in point.services:
        if s.available is not None:
            lines.append(f"{s.label(lang, SERVICE_LABELS)}: {_status(s, lang)}")
    for s in point.fuel:
        if s.available is not None:
            lines.append(f"{s.label(lang, FUEL_LABELS)}: {_status(s, lang)}")
    if point.note:
        lines.append(point.note)
        if point.note_conflicts:
            lines.append(NOTE_CONFLICT[lang if lang == "en" else "sv"])
    return "\n".join(lines)


#: After a note that the report's own data contradicts (``note_conflicts``).
NOTE_CONFLICT = {
    "sv": "Texten ovan stämmer inte med rapporten; uppgifterna ovanför den gäller.",
    "en": "The text above does not match the report; the figures above it hold.",
}


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        el.text = text
    return el


def build_message(
    *,
    identifier: str,
    sender: str,
    sent: datetime,
    status: str,
    msg_type: str,
    point: PublicPoint,
    state: str,
    event_name: str,
    expires: datetime | None = None,
    references: Iterable[tuple[str, str, datetime]] = (),
    web: str = "",
    sender_name: str = "",
) -> bytes:
    """One CAP 1.2 ``alert`` document as UTF-8 bytes with an XML declaration."""
    ET.register_namespace("", CAP_NS)
    alert = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(alert, "identifier", identifier)
    _sub(alert, "sender", sender)
    _sub(alert, "sent", cap_time(sent))
    _sub(alert, "status", status)
    _sub(alert, "msgType", msg_type)
    _sub(alert, "scope", "Public")
    if status == "Exercise":
        _sub(
            alert,
            "note",
            "Övning – ingen verklig händelse. Exercise – not a real event.",
        )
    refs = " ".join(f"{s},{i},{cap_time(t)}" for s, i, t in references)
    if refs:
        _sub(alert, "references", refs)
    if event_name:
        _sub(alert, "incidents", incidents_text(event_name))
    for lang, language in (("sv", "sv-SE"), ("en", "en-US")):
        info = _sub(alert, "info")
        _sub(info, "language", language)
        _sub(info, "category", "Infra")
        _sub(info, "event", "SOT-punkt" if lang == "sv" else "Service and safety point")
        _sub(info, "responseType", "None")
        _sub(info, "urgency", "Unknown")
        _sub(info, "severity", "Minor")
        _sub(info, "certainty", "Observed")
        _sub(info, "effective", cap_time(sent))
        if expires is not None:
            _sub(info, "expires", cap_time(expires))
        if sender_name:
            _sub(info, "senderName", sender_name)
        _sub(info, "headline", _headline(point.name, state, lang, msg_type))
        _sub(info, "description", _description(point, state, lang))
        where = ", ".join(x for x in (point.address, point.village) if x)
        if where and state in OPEN_STATES:
            _sub(
                info,
                "instruction",
                ("Adress: " if lang == "sv" else "Address: ") + where,
            )
        if web:
            _sub(info, "web", web)
        if point.contact:
            _sub(info, "contact", point.contact)
        area = _sub(info, "area")
        place = point.village or point.name
        area_desc = (
            f"{place}, {point.municipality_name}"
            if lang == "sv"
            else f"{place}, {point.municipality_name} municipality"
        )
        _sub(area, "areaDesc", area_desc)
        _sub(area, "circle", f"{point.lat:.5f},{point.lon:.5f} 1.0")
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "kommunkod")
        _sub(geocode, "value", point.municipality_code)
    ET.indent(alert)
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True) + b"\n"


def messages_for_changes(
    changes: Iterable[StateChange],
    *,
    sender: str,
    base_url: str = "",
    sender_name: str = "",
) -> list[CapMessage]:
    """The CAP messages for a history of public state changes, oldest first.

    Changes are grouped per (event, point) and sorted by time; a change to the state
    the chain already announced is skipped, so repeated reports do not spam.
    """
    groups: dict[tuple[str, str], list[StateChange]] = {}
    for change in changes:
        groups.setdefault((change.event_id, change.point.slug), []).append(change)
    out: list[CapMessage] = []
    for (event_id, slug), group in groups.items():
        group.sort(key=lambda c: c.at)
        chain: list[CapMessage] = []
        counter = 0
        last_signature = None
        for change in group:
            is_open = change.state in OPEN_STATES
            signature = _signature(change)
            if chain and signature == last_signature:
                continue
            last_signature = signature
            if not chain and not is_open:
                continue
            closes = change.state in CLOSING_STATES
            msg_type = "Alert" if not chain else ("Cancel" if closes else "Update")
            counter += 1
            identifier = safe_token(f"sot.{event_id}.{slug}.{counter}")
            references = tuple((m.sender, m.identifier, m.sent) for m in chain)
            status = "Exercise" if change.exercise else "Actual"
            xml = build_message(
                identifier=identifier,
                sender=sender,
                sent=change.at,
                status=status,
                msg_type=msg_type,
                point=change.point,
                state=change.state,
                event_name=change.event_name,
                expires=change.at + (change.valid_for or DEFAULT_VALID_FOR),
                references=references,
                web=f"{base_url}/punkt/{slug}/" if base_url else "",
                sender_name=sender_name,
            )
            message = CapMessage(
                identifier=identifier,
                sender=sender,
                sent=change.at,
                msg_type=msg_type,
                status=status,
                state=change.state,
                point_slug=slug,
                point_name=change.point.name,
                event_id=event_id,
                references=references,
                xml=xml,
            )
            out.append(message)
            chain = [] if msg_type == "Cancel" else [*chain, message]
    out.sort(key=lambda m: (m.sent, m.identifier))
    return out


def _signature(change: StateChange) -> tuple:
    """What the public would notice: state, services, fuel and the note."""
    p = change.point
    return (change.state, p.services, p.fuel, p.note)
