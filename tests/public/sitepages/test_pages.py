"""The server-rendered public pages: content, language, weight and caching."""

from __future__ import annotations

import gzip
import json
import re
from datetime import timedelta

from django.utils import timezone

BUDGET_BYTES = 14 * 1024


def html(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_start_page_lists_open_points_first_and_marks_the_exercise(client, kall_open):
    page = html(client, "/")
    assert '<html lang="sv">' in page
    assert "ÖVNING" in page
    assert "Långvarigt strömavbrott i västra Åre." in page
    assert "1 av 8 punkter öppna" in page
    names = re.findall(r'<li><a href="/punkt/([a-z-]+)/">', page)
    assert names[0] == "kall" and len(set(names)) == 8
    # a real heading, then the search, then the open points, then the events
    assert "<h1>Service- och trygghetspunkter i Jämtlands län</h1>" in page
    order = [
        page.index("<h1>"),
        page.index('<form class="find"'),
        page.index("Öppna punkter just nu"),
        page.index('<a href="/punkt/kall/">'),
        page.index("Pågående händelser"),
        page.index("Långvarigt strömavbrott"),
    ]
    assert order == sorted(order)
    assert "<svg" in page and 'href="/punkt/kall/"' in page
    assert 'href="/en/"' in page


def test_start_page_without_event(client, jamtland):
    page = html(client, "/")
    assert "Ingen pågående händelse" in page
    assert "0 av 8 punkter öppna" in page
    assert "Ingen punkt är öppen just nu." in page
    assert "ÖVNING" not in page


def test_point_page_shows_what_works_now(client, kall_open):
    page = html(client, "/punkt/kall/")
    assert "<h1>Kall" in page
    assert "Öppen" in page and "uppdaterad just nu" in page
    assert re.search(r"Livsmedel</th><td class=\"yes\">Finns<", page)
    assert re.search(r"Laddning av telefon</th><td class=\"lim\">Begränsat<", page)
    assert re.search(r"Dricksvatten</th><td class=\"no\">Finns inte<", page)
    assert re.search(r"Drivmedel: Diesel</th><td class=\"yes\">Finns<", page)
    assert re.search(r"Drivmedel: Bensin 95</th><td class=\"no\">Finns inte<", page)
    assert "Kort, Kontanter" in page
    assert "Välkomna in, det finns kaffe." in page
    assert "63.47260, 13.23340" in page and 'href="geo:63.47260,13.23340"' in page
    assert "Nästa uppdatering senast" in page


def test_updated_25_minutes_ago(client, exercise, kall, kall_operator, are_officer):
    from sot.operations import services as ops

    ops.activate_point(event=exercise, point=kall, activated_by=are_officer)
    ops.submit_status_report(
        point=kall,
        event=exercise,
        reported_by=kall_operator,
        source="sms",
        state="open",
        observed_at=timezone.now() - timedelta(minutes=25, seconds=5),
    )
    assert "uppdaterad för 25 min sedan" in html(client, "/punkt/kall/")
    assert "updated 25 min ago" in html(client, "/en/punkt/kall/")


def test_english_pages(client, kall_open):
    page = html(client, "/en/punkt/kall/")
    assert '<html lang="en">' in page
    assert "What works now" in page and 'Food</th><td class="yes">Available' in page
    assert "EXERCISE" in page
    assert 'href="/punkt/kall/"' in page  # the link back to Swedish
    assert "1 of 8 points open" in html(client, "/en/")


def test_municipality_page(client, kall_open):
    page = html(client, "/kommun/2321/")
    assert "SOT-punkter i Åre kommun" in page
    assert set(re.findall(r'href="/punkt/([a-z-]+)/"', page)) == {
        "kall",
        "ottsjo",
        "hallen",
    }
    assert client.get("/kommun/9999/").status_code == 404
    assert client.get("/punkt/nope/").status_code == 404


def test_standby_point_shows_what_it_can_offer(client, jamtland):
    page = html(client, "/punkt/valsjobyn/")
    assert "Inte aktiverad" in page and "Det här kan punkten erbjuda" in page


def test_pages_fit_in_the_first_round_trip_and_load_nothing_else(client, kall_open):
    """Start and point page, CSS included (inline), at most 14 KB gzipped; no page
    loads fonts, scripts, styles or images from anywhere."""
    for url in ["/", "/punkt/kall/", "/en/", "/en/punkt/kall/"]:
        body = client.get(url).content
        assert len(gzip.compress(body, 9)) <= BUDGET_BYTES, url
    for url in [
        "/",
        "/punkt/kall/",
        "/karta/",
        "/nara/?q=Kall",
        "/kommun/2321/",
        "/meddelanden/",
        "/oppna-data/",
        "/en/",
    ]:
        page = html(client, url)
        assert "@font-face" not in page and "fonts.googleapis" not in page
        assert not re.search(r'(src|srcset)="(https?:)?//', page), url
        assert not re.search(r"<link[^>]+rel=\"stylesheet\"", page), url
        assert "<script src" not in page and "<img" not in page, url


def test_cache_headers_etag_and_304(client, kall_open):
    first = client.get("/punkt/kall/")
    etag = first["ETag"]
    assert "max-age=30" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = client.get("/punkt/kall/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""


def test_gzip_when_accepted(client, kall_open):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"Kall" in gzip.decompress(response.content)


def test_map_page_has_large_map_with_names(client, kall_open):
    page = html(client, "/karta/")
    assert page.count("<svg") == 1 and ">Kall</text>" in page and ">Åre</text>" in page


def test_closed_point_and_limited_state(
    client, kall_open, exercise, kall, kall_operator
):
    from sot.operations import services as ops

    ops.submit_status_report(
        point=kall,
        event=exercise,
        reported_by=kall_operator,
        source="sms",
        state="closed",
        state_reason="Elverket trasigt",
    )
    page = html(client, "/punkt/kall/")
    assert "Stängd" in page and "Nästa uppdatering" not in page
    assert "0 av 8 punkter öppna" in html(client, "/")


def test_tiled_background_only_when_configured(client, kall_open, monkeypatch):
    assert "<img" not in html(client, "/karta/")
    monkeypatch.setenv("SOT_TILE_URL", "https://tiles.example.se/{z}/{x}/{y}.png")
    monkeypatch.setenv("SOT_TILE_ATTRIBUTION", "© Exempel")
    page = html(client, "/karta/")
    assert re.search(
        r'<img src="https://tiles\.example\.se/\d+/\d+/\d+\.png" alt=""', page
    )
    assert 'href="/punkt/kall/" style="left:' in page and "© Exempel" in page
    assert "<img" not in html(client, "/")  # the start page stays third-party free


def test_point_page_has_tel_links_map_links_fallbacks_and_subscription(
    client, kall_open
):
    page = html(client, "/punkt/kall/")
    assert re.search(r'<a href="tel:\+4600000000\d+">\+46 0000 000 00\d</a>', page)
    assert (
        'href="https://www.openstreetmap.org/?mlat=63.47260&amp;mlon=13.23340' in page
    )
    assert "Lyssna på P4 Jämtland 100,4 MHz" in page
    assert '<a href="tel:11313">113 13</a>' in page and 'href="tel:112"' in page
    assert '<a href="sms:0701740680">070-174 06 80</a>' in page
    assert '<a href="/prenumerera/?punkt=kall">' in page
    assert client.get("/prenumerera/?punkt=kall").status_code == 200
    page = html(client, "/en/punkt/kall/")
    assert (
        "Listen to P4 Jämtland 100,4 MHz" in page and "Subscribe to this point" in page
    )


def test_a_note_the_data_contradicts_is_flagged_on_the_point_page(
    client, kall_open, exercise, kall_operator, tmp_path
):
    """A note that reached the report without the web form's check (API, a box, a
    queued offline report) and says "Bensin finns" while petrol is reported not
    available: the page says which part the data contradicts and that the table
    holds, in Swedish, English and the snapshot."""
    from sot.operations import services as ops
    from sot.public import site

    ops.submit_status_report(
        point=kall_open,
        event=exercise,
        reported_by=kall_operator,
        source="api",
        state="open",
        public_note="Bensin finns. Vi har stängt.",
    )
    page = client.get("/punkt/kall/").content.decode()
    assert "Bensin finns. Vi har stängt." in page
    assert (
        "Texten ovan stämmer inte med rapporten om: Bensin 95, läget. "
        "Det som står nedan gäller." in page
    )
    english = client.get("/en/punkt/kall/").content.decode()
    assert "The text above does not match the report on: Petrol 95, the state." in (
        english
    )
    site.publish(tmp_path / "site")
    snap = (tmp_path / "site" / "punkt" / "kall" / "index.html").read_text()
    assert "Texten ovan stämmer inte med rapporten om: Bensin 95" in snap
    # the same flag in the open data: GeoJSON and the point's newest CAP message
    geo = json.loads((tmp_path / "site" / "punkter.geojson").read_text())
    kall = next(f for f in geo["features"] if f["id"] == "kall")
    assert kall["properties"]["note_conflicts"] == ["fuel_petrol95", "state"]
    caps = sorted(
        (tmp_path / "site" / "cap").glob("sot.*.kall.*.xml"),
        key=lambda f: int(f.stem.rsplit(".", 1)[1]),
    )
    newest = caps[-1].read_text()
    assert "Bensin finns. Vi har stängt." in newest
    assert "Texten ovan stämmer inte med rapporten; uppgifterna ovanför" in newest
    # a note that agrees with the data: no caveat
    ops.submit_status_report(
        point=kall_open,
        event=exercise,
        reported_by=kall_operator,
        source="api",
        state="open",
        public_note="Diesel finns.",
    )
    assert "stämmer inte" not in client.get("/punkt/kall/").content.decode()
