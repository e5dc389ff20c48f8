"""Printable notices (PDF, A4)."""

from __future__ import annotations

import io
import re


def test_point_notice_is_two_a4_pages(client, kall_open):
    response = client.get("/punkt/kall/anslag.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    # A4 is 595.2756 x 841.8898 points
    assert re.search(rb"/MediaBox \[ 0 0 595\.2756 841\.8898 \]", pdf)
    assert b"/Subtype /Image" in pdf  # the QR code


def test_county_list(client, kall_open):
    response = client.get("/anslag/lista.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def _pdf(content: bytes):
    import io

    from pypdf import PdfReader

    return PdfReader(io.BytesIO(content))


def test_kall_notice_has_qr_to_the_site_url_state_and_fallbacks(client, kall_open):
    """The notice for the shop door: read back with pypdf, its QR image compared
    pixel by pixel with the code of the configured SOT_SITE_URL."""
    from django.conf import settings
    from PIL import Image, ImageChops

    from sot.public.core import notice

    reader = _pdf(client.get("/punkt/kall/anslag.pdf").content)
    sv, en = (" ".join(page.extract_text().split()) for page in reader.pages)
    url = f"{settings.SITE_URL}/punkt/kall/"
    assert url in sv and "127.0.0.1" not in sv
    assert "Öppen" in sv and "Open" in en
    assert "Lyssna på P4 Jämtland 100,4 MHz" in sv
    assert "ring 113 13" in sv and "ring 112" in sv
    assert "skicka SOT och din ort till 070-174 06 80, t.ex. SOT KALL" in sv
    assert "Listen to P4 Jämtland 100,4 MHz" in en and "call 112" in en
    # no hours set for the event: the register's plan is not printed as hours
    assert "Öppet: Öppnar när" not in sv and "Öppet i dag" not in sv
    image = reader.pages[0].images[0].image.convert("L")
    expected = Image.open(io.BytesIO(notice.qr_png(url))).convert("L")
    assert image.size == expected.size
    assert ImageChops.difference(image, expected).getbbox() is None


def test_notice_state_is_large_enough_to_read_at_two_metres(client, kall_open):
    """The state is drawn at 48 pt or more (capitals about 17 mm and more)."""
    reader = _pdf(client.get("/punkt/kall/anslag.pdf").content)
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[text.strip()] = max(sizes.get(text.strip(), 0), size * tm[0])

    reader.pages[0].extract_text(visitor_text=visit)
    assert sizes.get("Öppen", 0) >= 48


def test_notice_shows_the_fuel_restriction_per_product(client, kall_open, exercise):
    """A restriction on diesel in force is printed on the door in its own words,
    per product, with its end; the other products keep their state."""
    from datetime import timedelta

    from django.utils import timezone

    from sot.public.core.model import STOCKHOLM
    from sot.public.models import PublicMessage

    now = timezone.now()
    until = now + timedelta(hours=3)
    PublicMessage.objects.create(
        municipality=kall_open.municipality,
        event=exercise,
        point=kall_open,
        text="max 20 l per kund",
        service_code="fuel_diesel",
        restriction="other",
        published_at=now - timedelta(minutes=1),
        expires_at=until,
    )
    reader = _pdf(client.get("/punkt/kall/anslag.pdf").content)
    sv, en = (" ".join(page.extract_text().split()) for page in reader.pages)
    local = until.astimezone(STOCKHOLM)
    assert f"– Diesel: max 20 l per kund till {local:%H:%M}" in sv
    assert "– Bensin 95: Finns inte" in sv
    assert f"– Diesel: max 20 l per kund until {local:%H:%M}" in en
    assert "– Petrol 95: Not available" in en
