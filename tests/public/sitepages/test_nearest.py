"""Nearest open point: by name, gazetteer, postcode and coordinates."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from sot.public.core import nearest

DATA = Path(__file__).resolve().parents[1] / "data"


def test_haversine_known_answer():
    # one degree of latitude along a meridian is about 111.2 km on the mean sphere
    assert nearest.haversine_m(63, 13, 64, 13) == pytest.approx(111_195, abs=5)
    assert nearest.haversine_m(63, 13, 63, 13) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("63.47, 13.23", (63.47, 13.23)),
        ("63,47 13,23", (63.47, 13.23)),
        ("63.47;13.23", (63.47, 13.23)),
        ("-33.9 151.2", (-33.9, 151.2)),
        ("Kall", None),
        ("95.0, 13", (13.0, 95.0)),  # 95 cannot be a latitude: the order swaps
        ("95, 200", None),
        ("83005", None),
    ],
)
def test_parse_coordinates(text, expected):
    assert nearest.parse_coordinates(text) == expected


def test_parse_postcode():
    assert nearest.parse_postcode("830 05") == "83005"
    assert nearest.parse_postcode("83005") == "83005"
    assert nearest.parse_postcode("8300") is None


def test_match_places_exact_then_folded_then_prefix():
    places = [
        nearest.Place("Ottsjö", 63.2, 13.05),
        nearest.Place("Ottsjön", 60, 15),
        nearest.Place("Åre", 63.4, 13.1),
        nearest.Place("Are", 1, 1),
    ]
    assert [p.name for p in nearest.match_places("ottsjö", places)] == ["Ottsjö"]
    assert [p.name for p in nearest.match_places("OTTSJO", places)] == ["Ottsjö"]
    assert [p.name for p in nearest.match_places("Åre", places)] == ["Åre"]
    assert [p.name for p in nearest.match_places("Ott", places)] == [
        "Ottsjö",
        "Ottsjön",
    ]
    assert nearest.match_places("Xyz", places) == []


def test_search_by_point_name_gives_kall_first(client, kall_open):
    page = client.get("/nara/", {"q": "Kall"}).content.decode()
    assert "Närmaste öppna punkter från Kall" in page
    assert '<li><a href="/punkt/kall/">' in page and "0 m" in page


def test_search_by_gazetteer_place(client, kall_open):
    call_command("import_places", str(DATA / "places.csv"))
    page = client.get("/nara/", {"q": "Huså"}).content.decode()
    assert "från Huså" in page
    # Huså (63.4549, 13.3317) to Kall (63.4726, 13.2334): about 5.3 km
    assert "5,3 km" in page


def test_search_by_postcode_and_coordinates(client, kall_open):
    call_command("import_postcodes", str(DATA / "postcodes.csv"))
    page = client.get("/nara/", {"q": "830 05"}).content.decode()
    assert "830 05 Järpen" in page and "/punkt/kall/" in page
    page = client.get("/nara/", {"q": "63.4726, 13.2334"}).content.decode()
    assert "Närmaste öppna punkter från 63.4726, 13.2334" in page


def test_municipality_name_and_nothing_open(client, jamtland):
    page = client.get("/nara/", {"q": "Krokom"}).content.decode()
    assert "Ingen punkt är öppen. Närmaste punkter från Krokom" in page


def test_unknown_place(client, jamtland):
    page = client.get("/nara/", {"q": "Atlantis"}).content.decode()
    assert "Hittade ingen ort som heter ”Atlantis”" in page


def test_location_button_is_progressive_enhancement(client, jamtland):
    page = client.get("/nara/").content.decode()
    assert '<p id="locp" hidden>' in page  # hidden unless JavaScript shows it
    assert 'method="get"' in page  # the form works without JavaScript


def _distance_text(lat, lon, point):
    from sot.public.core import words

    return words.distance(nearest.haversine_m(lat, lon, point.lat, point.lon), "sv")


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("Jarpen", "Järpen"),
        ("830 05", "830 05 Järpen"),
        ("83005", "830 05 Järpen"),
        ("Undersaker", "Undersåker"),
    ],
)
def test_done_when_searches_by_name_and_postcode(client, kall_open, query, place):
    """The issue's searches give the nearest open point with its distance, from the
    locality's own position in the bundled gazetteer (no import needed)."""
    from sot.public.core import gazetteer

    town = place.split(" ")[-1]
    where = next(p for p in gazetteer.places() if p.name == town)
    page = client.get("/nara/", {"q": query}).content.decode()
    assert f"Närmaste öppna punkter från {place}" in page
    assert '<a href="/punkt/kall/">' in page
    assert _distance_text(where.lat, where.lon, kall_open) in page


@pytest.mark.parametrize(
    ("query", "lat", "lon"),
    [("13.5 63.2", 63.2, 13.5), ("63.2 13.5", 63.2, 13.5)],
)
def test_done_when_searches_by_coordinates(client, kall_open, query, lat, lon):
    page = client.get("/nara/", {"q": query}).content.decode()
    assert "Närmaste öppna punkter från 63.2000, 13.5000" in page
    assert _distance_text(lat, lon, kall_open) in page


def test_done_when_search_by_sweref99tm(client, kall_open):
    from sot.geo.crs import from_sweref99tm

    lon, lat = from_sweref99tm(420000, 7040000)
    page = client.get("/nara/", {"q": "7040000 420000"}).content.decode()
    assert f"från {lat:.4f}, {lon:.4f}" in page
    assert _distance_text(lat, lon, kall_open) in page


def test_place_outside_the_county_is_said_plainly(client, kall_open):
    page = client.get("/nara/", {"q": "Kiruna"}).content.decode()
    assert "Kiruna ligger utanför Jämtlands län" in page
    assert "/punkt/kall/" not in page  # 600 km away: no list
    page = client.get("/en/nara/", {"q": "Kiruna"}).content.decode()
    assert "Kiruna is outside Jämtland County" in page


def test_empty_query_asks_again(client, kall_open):
    page = client.get("/nara/", {"q": "  "}).content.decode()
    assert "Skriv namnet på din ort" in page and " autofocus" in page
    assert "Hittade ingen" not in page


def test_unknown_postcode(client, kall_open):
    page = client.get("/nara/", {"q": "999 99"}).content.decode()
    assert "Hittade inget postnummer 999 99" in page


def test_location_refusal_has_a_message(client, jamtland):
    page = client.get("/nara/").content.decode()
    assert '<p id="locmsg" role="status" hidden>Din position gick inte' in page
    assert "function(){m.hidden=false" in page  # the error callback shows it
