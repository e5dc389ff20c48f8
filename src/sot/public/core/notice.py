"""Printable A4 notices (PDF): one per point, Swedish page then English page, and a
county list. Pure Python (reportlab + qrcode); no fonts beyond the PDF base 14
(Helvetica covers Latin-1, so å, ä, ö print correctly).

The notice is what goes on the store's door: the name, what the point offers, the
state at print time, when the next update will be posted, the contact and a QR code
to the point's page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from sot.public.core import words
from sot.public.core.model import (
    FUEL_LABELS,
    PAYMENT_LABELS,
    SERVICE_LABELS,
    STATE_LABELS,
    STOCKHOLM,
    Fallbacks,
    PublicPoint,
    label,
)

TEXT = {
    "sv": {
        "title": "SOT-punkt",
        "state": "Läge",
        "printed": "Utskrivet",
        "offers": "Här finns",
        "fuel": "Drivmedel",
        "payment": "Betalning",
        "next": "Nästa uppdatering anslås senast",
        "next_unknown": "Nytt anslag sätts upp när läget ändras.",
        "contact": "Kontakt",
        "scan": "Aktuellt läge: skanna koden eller gå till",
        "exercise": "ÖVNING – inte en verklig händelse",
        "list": "SOT-punkter",
        "address": "Adress",
        "municipality": "kommun",
        "opening": "Öppet",
        "opening_today": "Öppet i dag",
        "opening_until": "gäller till",
        "fallback": "Om nätet inte fungerar",
        "radio": "Lyssna på {radio} (batteriradio, bilradio)",
        "info": "Information om olyckor och kriser: ring {number}",
        "emergency": "Vid fara för liv, egendom eller miljö: ring {number}",
        "sms": "SMS: skicka {keyword} och din ort till {number}, "
        "t.ex. {keyword} {example}",
    },
    "en": {
        "title": "Service point",
        "state": "Status",
        "printed": "Printed",
        "offers": "Available here",
        "fuel": "Fuel",
        "payment": "Payment",
        "next": "Next update will be posted by",
        "next_unknown": "A new notice is posted when the status changes.",
        "contact": "Contact",
        "scan": "Live status: scan the code or go to",
        "exercise": "EXERCISE – not a real event",
        "list": "Service points",
        "address": "Address",
        "municipality": "municipality",
        "opening": "Open",
        "opening_today": "Open today",
        "opening_until": "until",
        "fallback": "If the network is down",
        "radio": "Listen to {radio} (battery or car radio)",
        "info": "Information on accidents and crises: call {number}",
        "emergency": "Danger to life, property or the environment: call {number}",
        "sms": "Text {keyword} and your town to {number}, e.g. {keyword} {example}",
    },
}


@lru_cache(maxsize=512)
def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as PNG (cached: a point's URL never changes)."""
    qr = qrcode.QRCode(
        border=2,
        box_size=8,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        mask_pattern=0,  # a fixed mask: any is valid, and searching costs 60 ms
    )
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def _qr_image(url: str) -> ImageReader:
    return ImageReader(io.BytesIO(qr_png(url)))


def _wrap(
    c: canvas.Canvas,
    text: str,
    x: float,
    y: float,
    width: float,
    font: str,
    size: float,
    leading: float,
) -> float:
    """Draw ``text`` wrapped to ``width``; returns the y below it."""
    c.setFont(font, size)
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if c.stringWidth(trial, font, size) > width and line:
                c.drawString(x, y, line)
                y -= leading
                line = word
            else:
                line = trial
        c.drawString(x, y, line)
        y -= leading
    return y


def notice_rows(point: PublicPoint, lang: str) -> list[str]:
    """The notice's lines about what the point offers (statuses only while open)."""
    t = TEXT[lang]
    rows = [
        f"{s.label(lang, SERVICE_LABELS)}: {s.status_text(lang)}"
        if point.state in ("open", "limited")
        else s.label(lang, SERVICE_LABELS)
        for s in point.services
    ]
    if point.fuel and point.state in ("open", "limited"):
        # one line per product, a restriction in its own words:
        # "Diesel: max 20 l per kund till 18:00"
        rows += [_fuel_row(s, lang) for s in point.fuel]
    elif point.fuel:
        rows.append(
            t["fuel"] + ": " + ", ".join(s.label(lang, FUEL_LABELS) for s in point.fuel)
        )
    if point.payment:
        rows.append(
            t["payment"]
            + ": "
            + ", ".join(label(PAYMENT_LABELS, k, lang) for k in point.payment)
        )
    return rows


def _hours_line(point: PublicPoint, lang: str, days: str) -> str:
    """``Öppet i dag: 08–20; lör 6 dec: 10–16 (gäller till 7 dec kl 18:00)`` for
    hours set for the event; ``Öppet: <the register's text>`` otherwise."""
    t = TEXT[lang]
    if point.opening_hours_source != "event":
        return f"{t['opening']}: {point.hours_text(lang)}"
    line = f"{t['opening_today']}: {point.hours_text(lang)}{days}"
    if point.opening_hours_until is not None:
        when = words.clock(point.opening_hours_until, None, lang)
        line += f" ({t['opening_until']} {when})"
    return line


def _fuel_row(s, lang: str) -> str:
    """``Diesel: Finns``, or with a restriction ``Diesel: max 20 l per kund till
    18:00`` (the restriction's reason instead of the word "limited")."""
    name = s.label(lang, FUEL_LABELS)
    reason = s.reason(lang) if s.available and s.limited else ""
    if not reason:
        return f"{name}: {s.status_text(lang)}"
    text = f"{name}: {reason}"
    if s.until is not None:
        until = "until" if lang == "en" else "till"
        text += f" {until} {s.until.astimezone(STOCKHOLM):%H:%M}"
    return text


#: The state's letters: at least 25 mm tall capitals (readable at two metres and
#: more; rule of thumb 1 cm of letter height per 4 m), smaller only for a long
#: state that would not fit the width.
STATE_PT_MAX = 96
STATE_PT_MIN = 48


def _state_band(c, text: str, left: float, right: float, top: float) -> float:
    """The state in large bold letters in a frame whose top edge is ``top``;
    returns the y below the frame."""
    size = STATE_PT_MAX
    room = right - left - 8 * mm
    while size > STATE_PT_MIN and c.stringWidth(text, "Helvetica-Bold", size) > room:
        size -= 2
    lines = [text]
    if c.stringWidth(text, "Helvetica-Bold", size) > room:
        head, _, tail = text.partition(" ")
        lines = [head, tail]
    pad, line_h = 4 * mm, size * 1.0
    bottom = top - 2 * pad - 0.75 * size - (len(lines) - 1) * line_h - 0.22 * size
    c.setLineWidth(3)
    c.rect(left, bottom, right - left, top - bottom, fill=0, stroke=1)
    c.setFont("Helvetica-Bold", size)
    baseline = top - pad - 0.75 * size
    for line in lines:
        c.drawString(left + 4 * mm, baseline, line)
        baseline -= line_h
    return bottom - 8 * mm


def _fallbacks(c, fallbacks: Fallbacks, point: PublicPoint, left, width, y, lang):
    """What to do when the network is down, below the rest; returns the y below."""
    t = TEXT[lang]
    lines = []
    if fallbacks.radio:
        lines.append(t["radio"].format(radio=fallbacks.radio))
    if fallbacks.info_number:
        lines.append(t["info"].format(number=fallbacks.info_number))
    if fallbacks.emergency_number:
        lines.append(t["emergency"].format(number=fallbacks.emergency_number))
    if fallbacks.sms_number:
        example = (point.village or point.name).upper()
        lines.append(
            t["sms"].format(
                keyword=fallbacks.sms_keyword,
                number=fallbacks.sms_number,
                example=example,
            )
        )
    if not lines:
        return y
    y -= 4 * mm
    c.setFont("Helvetica-Bold", 14)
    c.drawString(left, y, t["fallback"])
    y -= 18
    for line in lines:
        y = _wrap(c, "– " + line, left, y, width, "Helvetica", 12, 15)
    return y


def _page(
    c: canvas.Canvas,
    point: PublicPoint,
    url: str,
    now: datetime,
    lang: str,
    fallbacks: Fallbacks,
) -> None:
    t = TEXT[lang]
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    y = height - 25 * mm
    if point.exercise:
        c.setFillColorRGB(1, 0.88, 0.54)
        c.rect(left, y - 4 * mm, right - left, 12 * mm, fill=1, stroke=0)
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica-Bold", 16)
        c.drawString(left + 3 * mm, y, t["exercise"])
        y -= 18 * mm
    c.setFont("Helvetica", 16)
    c.drawString(left, y, t["title"])
    y -= 16 * mm
    c.setFont("Helvetica-Bold", 40)
    c.drawString(left, y, point.name)
    y -= 12 * mm
    where = ", ".join(
        x
        for x in (
            point.address,
            point.village,
            f"{point.municipality_name} {t['municipality']}",
        )
        if x
    )
    y = _wrap(c, where, left, y, right - left, "Helvetica", 14, 18)
    y -= 6 * mm
    c.setFont("Helvetica", 14)
    c.drawString(left, y, t["state"])
    y -= 3 * mm
    y = _state_band(c, label(STATE_LABELS, point.state, lang), left, right, y)
    c.setFont("Helvetica", 12)
    c.drawString(left, y, f"{t['printed']} {words.clock(now, None, lang)}")
    y -= 12 * mm
    if point.stale:
        text = words.last_reported(
            label(STATE_LABELS, point.last_state, lang) if point.last_state else "",
            point.last_reported_at,
            now,
            lang,
        )
        y = _wrap(c, text, left, y, right - left, "Helvetica-Bold", 13, 17)
        y -= 4 * mm
    c.setFont("Helvetica-Bold", 16)
    c.drawString(left, y, t["offers"])
    y -= 8 * mm
    rows = notice_rows(point, lang)
    for row in rows:
        y = _wrap(c, "– " + row, left, y, right - left - 60 * mm, "Helvetica", 14, 18)
    y -= 6 * mm
    if point.next_update:
        nxt = words.clock(datetime.fromisoformat(point.next_update), None, lang)
        y = _wrap(
            c,
            f"{t['next']} {nxt}.",
            left,
            y,
            right - left - 60 * mm,
            "Helvetica-Bold",
            13,
            17,
        )
    else:
        y = _wrap(
            c, t["next_unknown"], left, y, right - left - 60 * mm, "Helvetica", 13, 17
        )
    if point.opening_hours:
        y -= 2 * mm
        days = "".join(
            f"; {words.day(date.fromisoformat(d), lang)}: {en if lang == 'en' else sv}"
            for d, sv, en in point.opening_days
        )
        y = _wrap(
            c,
            _hours_line(point, lang, days),
            left,
            y,
            right - left - 60 * mm,
            "Helvetica",
            13,
            17,
        )
    if point.contact:
        y -= 4 * mm
        y = _wrap(
            c,
            f"{t['contact']}: {point.contact}",
            left,
            y,
            right - left - 60 * mm,
            "Helvetica",
            12,
            16,
        )
    y = _fallbacks(c, fallbacks, point, left, right - left - 60 * mm, y, lang)
    size = 55 * mm
    c.drawImage(_qr_image(url), right - size, 30 * mm, size, size)
    _wrap(
        c, t["scan"], left, 50 * mm, right - left - size - 5 * mm, "Helvetica", 12, 16
    )
    c.setFont("Helvetica-Bold", 12)
    c.drawString(left, 40 * mm, url)
    c.showPage()


def point_notice(
    point: PublicPoint,
    *,
    url: str,
    now: datetime,
    fallbacks: Fallbacks | None = None,
    compress: bool = True,
) -> bytes:
    """A two-page A4 PDF: the notice in Swedish, then in English."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=int(compress), invariant=1)
    c.setTitle(f"SOT-punkt {point.name}")
    c.setAuthor("SOT-punkter")
    for lang in ("sv", "en"):
        _page(c, point, url, now, lang, fallbacks or Fallbacks())
    c.save()
    return buffer.getvalue()


def county_list(
    points: Sequence[PublicPoint], *, title: str, url: str, now: datetime
) -> bytes:
    """An A4 list of all points with state, address and coordinates (Swedish/English)."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(title)
    width, height = A4
    left = 18 * mm
    y = height - 22 * mm
    c.setFont("Helvetica-Bold", 20)
    c.drawString(left, y, title)
    y -= 8 * mm
    c.setFont("Helvetica", 10)
    c.drawString(left, y, f"Utskrivet / printed {words.clock(now, None)} · {url}")
    y -= 10 * mm
    for p in points:
        if y < 30 * mm:
            c.showPage()
            y = height - 22 * mm
        c.setFont("Helvetica-Bold", 13)
        mark = " (ÖVNING / EXERCISE)" if p.exercise else ""
        c.drawString(left, y, f"{p.name}{mark}")
        c.setFont("Helvetica", 11)
        state = f"{label(STATE_LABELS, p.state)} / {label(STATE_LABELS, p.state, 'en')}"
        c.drawRightString(width - left, y, state)
        y -= 5.5 * mm
        where = ", ".join(x for x in (p.address, p.village, p.municipality_name) if x)
        c.drawString(left, y, f"{where} · {p.lat:.5f}, {p.lon:.5f}")
        y -= 8 * mm
    c.showPage()
    c.save()
    return buffer.getvalue()
