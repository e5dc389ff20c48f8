"""The PDF notice, read back from an uncompressed rendering."""

import re
from datetime import UTC, datetime

from sot.public.core import notice


def pdf_text(pdf: bytes) -> str:
    """The strings drawn with Tj (reportlab writes WinAnsi (cp1252) literals)."""
    raw = [
        re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), r)
        for r in re.findall(rb"\((.*?)(?<!\\)\) Tj", pdf)
    ]
    return "\n".join(
        r.replace(b"\\(", b"(").replace(b"\\)", b")").decode("cp1252") for r in raw
    )


def test_notice_in_swedish_then_english(point_factory):
    point = point_factory(
        exercise=True,
        next_update="2026-11-30T07:00:00+00:00",
        contact="Kerstin, 070-123 45 67",
    )
    pdf = notice.point_notice(
        point,
        url="https://sot.example.se/punkt/kall/",
        now=datetime(2026, 11, 30, 3, 30, tzinfo=UTC),
        compress=False,
    )
    text = pdf_text(pdf)
    assert text.index("SOT-punkt") < text.index("Service point")
    assert "ÖVNING – inte en verklig händelse" in text
    assert "Läge\nÖppen" in text and "Status\nOpen" in text
    assert "Nästa uppdatering anslås senast 30 nov kl 08:00." in text
    assert "Next update will be posted by 30 Nov 08:00." in text
    assert "– Livsmedel: Finns" in text and "– Food: Available" in text
    assert "Kontakt: Kerstin, 070-123 45 67" in text
    assert "https://sot.example.se/punkt/kall/" in text
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2


def test_county_list_lists_every_point(point_factory):
    points = [point_factory(slug=f"p{i}", name=f"Punkt {i}") for i in range(40)]
    pdf = notice.county_list(
        points,
        title="SOT-punkter i Jämtlands län",
        url="https://x.se/",
        now=datetime(2026, 11, 30, tzinfo=UTC),
    )
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b", pdf)) >= 2
