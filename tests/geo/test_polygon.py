import pytest

from sot.geo.polygon import GeometryError, bbox, point_in_geometry, validate_geometry

SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
    ],
}
TWO_SQUARES = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
        [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]],
    ],
}


@pytest.mark.parametrize(
    ("lon", "lat", "inside"),
    [
        (1, 1, True),  # in the shell
        (5, 5, False),  # in the hole
        (10, 5, True),  # on the outer edge counts as inside
        (0, 0, True),  # on a vertex
        (4, 5, True),  # on the hole's edge: the boundary belongs to the area
        (11, 5, False),  # outside
        (-0.000001, 5, False),
    ],
)
def test_square_with_hole(lon, lat, inside):
    assert point_in_geometry(lon, lat, SQUARE_WITH_HOLE) is inside


def test_multipolygon_members():
    assert point_in_geometry(0.5, 0.5, TWO_SQUARES)
    assert point_in_geometry(5.5, 5.5, TWO_SQUARES)
    assert not point_in_geometry(3, 3, TWO_SQUARES)


def test_bbox_and_validation():
    assert bbox(TWO_SQUARES) == (0, 0, 6, 6)
    with pytest.raises(GeometryError):
        point_in_geometry(0, 0, {"type": "Point", "coordinates": [0, 0]})
    with pytest.raises(GeometryError):
        validate_geometry(
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}
        )
    with pytest.raises(GeometryError):
        validate_geometry(
            {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}
        )


def test_real_boundaries_hold_the_sot_villages(shared_data):
    import json

    features = json.loads(
        (shared_data / "boundaries" / "jamtland_municipalities_scb.geojson").read_text()
    )["features"]
    by_code = {f["properties"]["kommun_kod"]: f["geometry"] for f in features}
    assert point_in_geometry(13.2334, 63.4726, by_code["2321"])  # Kall in Åre
    assert not point_in_geometry(13.2334, 63.4726, by_code["2309"])  # not in Krokom
    assert point_in_geometry(14.1390, 64.0680, by_code["2309"])  # Valsjöbyn in Krokom
