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
from datetime import datetime
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
    if point.fuel:
        rows.append(
            t["fuel"]
            + ": "
            + ", ".join(
                s.label(lang, FUEL_LABELS)
                + (
                    f" ({s.status_text(lang).lower()})"
                    if point.state in ("open", "limited")
                    else ""
                )
                for s in point.fuel
            )
        )
    if point.payment:
        rows.append(
            t["payment"]
            + ": "
            + ", ".join(label(PAYMENT_LABELS, k, lang) for k in point.payment)
        )
    return rows


def _page(
    c: canvas.Canvas, point: PublicPoint, url: str, now: datetime, lang: str
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
    c.setFont("Helvetica-Bold", 22)
    c.drawString(left, y, f"{t['state']}: {label(STATE_LABELS, point.state, lang)}")
    y -= 8 * mm
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
    size = 55 * mm
    c.drawImage(_qr_image(url), right - size, 30 * mm, size, size)
    _wrap(
        c, t["scan"], left, 50 * mm, right - left - size - 5 * mm, "Helvetica", 12, 16
    )
    c.setFont("Helvetica-Bold", 12)
    c.drawString(left, 40 * mm, url)
    c.showPage()


def point_notice(
    point: PublicPoint, *, url: str, now: datetime, compress: bool = True
) -> bytes:
    """A two-page A4 PDF: the notice in Swedish, then in English."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=int(compress), invariant=1)
    c.setTitle(f"SOT-punkt {point.name}")
    c.setAuthor("SOT-punkter")
    for lang in ("sv", "en"):
        _page(c, point, url, now, lang)
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
