"""Which municipalities and points a message touches (plain records, no database)."""

from __future__ import annotations

import json

import pytest

from sot.warnings.core import cap, krisinformation, outage, smhi, vma
from sot.warnings.core.match import (
    MunicipalityRecord,
    PointRecord,
    geometries_intersect,
    match_areas,
    match_message,
)
from sot.warnings.core.model import Area

# The eight SOT villages (../shared/data/places/sot_places_jamtland.csv).
POINTS = [
    PointRecord(1, "2321", 13.23335, 63.47262, village="Kall"),
    PointRecord(2, "2309", 14.139, 64.068, village="Valsjöbyn"),
    PointRecord(3, "2309", 14.164161, 63.97374, village="Rötviken"),
    PointRecord(4, "2313", 14.10755, 64.83205, village="Stora Blåsjön"),
    PointRecord(5, "2361", 14.06833, 61.851045, village="Lillhärdal"),
    PointRecord(6, "2303", 15.8275, 63.4268, village="Borgvattnet"),
    PointRecord(7, "2321", 13.05019, 63.21535, village="Ottsjö", postcode="83796"),
    PointRecord(8, "2321", 14.093612, 63.17593, village="Hallen"),
]
NAMES = {
    "2303": "Ragunda",
    "2305": "Bräcke",
    "2309": "Krokom",
    "2313": "Strömsund",
    "2321": "Åre",
    "2326": "Berg",
    "2361": "Härjedalen",
    "2380": "Östersund",
}
MUNICIPALITIES = [
    MunicipalityRecord(code, name, "23") for code, name in NAMES.items()
] + [MunicipalityRecord("1280", "Malmö", "12")]


@pytest.fixture(scope="module")
def municipalities_with_boundaries(shared_data):
    """Jämtland's municipalities with their SCB boundaries."""
    path = shared_data / "boundaries" / "jamtland_municipalities_scb.geojson"
    features = json.loads(path.read_text())["features"]
    return [
        MunicipalityRecord(
            f["properties"]["kommun_kod"],
            f["properties"]["kommun"],
            "23",
            f["geometry"],
        )
        for f in features
    ]


def test_orange_wind_polygon_marks_the_mountain_villages(written):
    (msg,) = smhi.parse_warnings(
        (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()
    ).messages
    result = match_message(msg, MUNICIPALITIES, POINTS)
    assert result.point_ids == {1, 2, 3, 7}  # Kall, Valsjöbyn, Rötviken, Ottsjö
    assert result.municipality_codes == {"2321", "2309"}


def test_polygon_also_touches_municipalities_by_boundary(
    written, municipalities_with_boundaries
):
    (msg,) = smhi.parse_warnings(
        (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()
    ).messages
    result = match_message(msg, municipalities_with_boundaries, POINTS)
    # Åre and Krokom hold touched points; Härjedalen and Berg reach into the
    # mountains; Östersund, Ragunda and Bräcke lie well east of the polygon.
    assert {"2321", "2309", "2361", "2326"} <= result.municipality_codes
    assert not {"2380", "2303", "2305"} & result.municipality_codes


def test_hole_edge_and_multipolygon(written):
    first, second, third = smhi.parse_warnings(
        (written / "smhi_ibww_several_areas_hole_edge.json").read_bytes()
    ).messages
    # Ottsjö lies in the hole of the first area; nothing else is inside it.
    assert match_message(first, MUNICIPALITIES, POINTS).point_ids == set()
    # Kall lies exactly on the west edge of the second area: the edge counts.
    assert match_message(second, MUNICIPALITIES, POINTS).point_ids == {1}
    # The MultiPolygon's two parts hold Hallen and Lillhärdal.
    result = match_message(third, MUNICIPALITIES, POINTS)
    assert result.point_ids == {8, 5}
    assert result.municipality_codes == {"2321", "2361"}


def test_county_code_touches_every_municipality_of_the_county(recorded):
    doc = krisinformation.parse(
        (recorded / "krisinformation_v3_news_2023-03.json").read_bytes()
    )
    jamtland = next(m for m in doc.messages if m.identifier == "18435")
    result = match_message(jamtland, MUNICIPALITIES, POINTS)
    assert result.municipality_codes == set(NAMES)
    assert result.point_ids == {1, 2, 3, 4, 5, 6, 7, 8}


def test_municipality_geocode_and_nuts3(written):
    first, second = vma.parse(
        (written / "sr_vma_v3_exercise_alert.json").read_bytes()
    ).messages
    assert match_message(first, MUNICIPALITIES, POINTS).point_ids == {1, 7, 8}
    assert match_message(second, MUNICIPALITIES, POINTS).municipality_codes == set(
        NAMES
    )


def test_cap_circle_around_kall(written):
    (msg,) = cap.parse_xml((written / "cap_sv_wind_update.xml").read_bytes()).messages
    assert match_message(msg, MUNICIPALITIES, POINTS).point_ids == {1}


def test_outage_localities_postcodes_and_polygon(written):
    poly, villages = outage.parse_geojson(
        (written / "outage_jamtland.geojson").read_bytes()
    ).messages
    assert match_message(poly, MUNICIPALITIES, POINTS).point_ids == {8}  # Hallen
    assert match_message(villages, MUNICIPALITIES, POINTS).point_ids == {7}  # Ottsjö
    by_postcode = Area(postcodes=("83796",))
    assert match_areas([by_postcode], MUNICIPALITIES, POINTS).point_ids == {7}


def test_locality_is_narrowed_by_municipality_code():
    homonym = PointRecord(99, "1484", 12.0, 57.6, village="Hallen")
    area = Area(localities=("HALLEN",), municipality_codes=("2321",))
    assert match_areas([area], MUNICIPALITIES, [*POINTS, homonym]).point_ids == {8}
    unnarrowed = Area(localities=("hallen",))
    assert match_areas([unnarrowed], MUNICIPALITIES, [*POINTS, homonym]).point_ids == {
        8,
        99,
    }


def test_municipality_name_from_krisinformation():
    area = Area(municipality_names=("Åre kommun",))
    assert match_areas([area], MUNICIPALITIES, POINTS).municipality_codes == {"2321"}


def square(x0, y0, x1, y1):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
    }


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (square(0, 0, 2, 2), square(1, 1, 3, 3), True),  # overlap
        (square(0, 0, 4, 4), square(1, 1, 2, 2), True),  # containment
        (square(0, 0, 1, 1), square(1, 0, 2, 1), True),  # shared edge
        (square(0, 0, 1, 1), square(2, 2, 3, 3), False),
        (square(0, 1, 3, 2), square(1, 0, 2, 3), True),  # a cross: no vertex inside
    ],
)
def test_geometries_intersect(a, b, expected):
    assert geometries_intersect(a, b) is expected
    assert geometries_intersect(b, a) is expected
