import gzip
import json
import xml.etree.ElementTree as ET

from sot.public.core import svgmap

SVG = "{http://www.w3.org/2000/svg}"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[13, 63], [14, 63], [14, 64], [13, 64], [13, 63]]],
}


def test_simplify_known_answer():
    line = [(0, 0), (1, 0.1), (2, -0.1), (3, 5), (4, 6), (5, 7), (6, 8.05), (7, 9)]
    assert svgmap.simplify(line, 0.5) == [(0, 0), (2, -0.1), (3, 5), (7, 9)]
    assert svgmap.simplify(line, 100) == [(0, 0), (7, 9)]


def test_projection_keeps_aspect_with_cosine():
    proj = svgmap.Projection((13, 63, 14, 64), width=100, margin=0)
    # at 63.5 degrees, one degree of longitude is cos(63.5) ~ 0.446 of one of latitude
    assert proj.height == 225
    assert proj(13, 64) == (0, 0)
    x, y = proj(14, 63)
    assert round(x) == 100 and round(y) == 224


def test_symbols_differ_by_state_not_only_colour(point_factory):
    points = [
        point_factory(slug=s, name=s, state=s, lon=13.1 + i / 10)
        for i, s in enumerate(["open", "limited", "closed", "standby"])
    ]
    svg = svgmap.render([svgmap.Area("2321", "Åre", SQUARE)], points, large=True)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "open: Öppen" in titles and "closed: Stängd" in titles
    assert len(list(root.iter(f"{SVG}rect"))) == 2  # closed point + legend


def test_point_links(point_factory):
    svg = svgmap.render([], [point_factory()], point_href="/punkt/{slug}/")
    assert '<a href="/punkt/kall/">' in svg


def test_jamtland_small_map_is_small(shared_data, point_factory):
    data = json.loads(
        (shared_data / "boundaries" / "jamtland_municipalities_scb.geojson").read_text()
    )
    areas = [
        svgmap.Area(
            f["properties"]["kommun_kod"], f["properties"]["kommun"], f["geometry"]
        )
        for f in data["features"]
    ]
    assert len(areas) == 8
    small = svgmap.render(areas, [point_factory()], width=240)
    large = svgmap.render(areas, [point_factory()], width=800, large=True)
    ET.fromstring(small)
    ET.fromstring(large)
    assert len(gzip.compress(small.encode())) < 4000
    assert len(large) > len(small)


def test_outlines_kept_between_calls_give_the_same_map(point_factory):
    areas = [svgmap.Area("2321", "Åre", SQUARE)]
    points = [point_factory(state="open")]
    outlines: dict = {}
    for lang in ("sv", "en"):
        kept = svgmap.render(areas, points, large=True, lang=lang, outlines=outlines)
        assert kept == svgmap.render(areas, points, large=True, lang=lang)
    assert len(outlines) == 1  # simplified once for both languages
    other = [svgmap.Area("2309", "Krokom", SQUARE)]
    assert "Krokom" in svgmap.render(other, points, large=True, outlines=outlines)
