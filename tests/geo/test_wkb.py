import struct

import pytest

from sot.geo.wkb import WKBError, wkb_to_geojson


def _polygon_wkb(rings, order="<"):
    flag = 1 if order == "<" else 0
    out = struct.pack(order + "BII", flag, 3, len(rings))
    for ring in rings:
        out += struct.pack(order + "I", len(ring))
        for x, y in ring:
            out += struct.pack(order + "dd", x, y)
    return out


@pytest.mark.parametrize("order", ["<", ">"])
def test_polygon_either_byte_order(order):
    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    geom = wkb_to_geojson(_polygon_wkb([ring], order))
    assert geom == {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
    }


def test_multipolygon_and_truncation():
    poly = _polygon_wkb([[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 0.0)]])
    multi = struct.pack("<BII", 1, 6, 2) + poly + poly
    geom = wkb_to_geojson(multi)
    assert geom["type"] == "MultiPolygon" and len(geom["coordinates"]) == 2
    with pytest.raises(WKBError):
        wkb_to_geojson(multi[:-5])
    with pytest.raises(WKBError):
        wkb_to_geojson(struct.pack("<BIdd", 1, 1, 0.0, 0.0))  # a Point
