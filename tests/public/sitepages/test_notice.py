"""Printable notices (PDF, A4)."""

from __future__ import annotations

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
