import pytest

from sot.public.core import tiles


def test_tile_xy_known_answers():
    assert tiles.tile_xy(0, 0, 1) == (1.0, 1.0)
    assert tiles.tile_xy(-180, 85.05112878, 0) == pytest.approx((0.0, 0.0), abs=1e-6)
    # Kall at zoom 8: x = (13.2334 + 180) / 360 * 256 = 137.41
    x, y = tiles.tile_xy(13.2334, 63.4726, 8)
    assert x == pytest.approx(137.4104, abs=1e-3)
    # y = (1 - ln(tan 63.4726° + sec 63.4726°) / pi) / 2 * 256
    #   = (1 - ln(2.0018 + 2.2366) / pi) / 2 * 256 = (1 - 0.45970) / 2 * 256 = 69.16
    assert y == pytest.approx(69.16, abs=0.05)


def test_mosaic_fits_the_points(point_factory):
    pts = [
        point_factory(slug="a", lon=13.2334, lat=63.4726),
        point_factory(slug="b", lon=14.0683, lat=61.851),
    ]
    m = tiles.mosaic(pts, "https://t.example/{z}/{x}/{y}.png", max_cols=4, max_rows=5)
    cols = m.width_px // 256
    rows = m.height_px // 256
    assert cols <= 4 and rows <= 5 and len(m.tiles) == cols * rows
    assert m.tiles[0][0].startswith(f"https://t.example/{m.zoom}/")
    for _point, left, top in m.markers:
        assert 0 <= left < m.width_px and 0 <= top < m.height_px
    # one zoom level deeper would not fit
    assert (
        tiles.mosaic(pts, "{z}/{x}/{y}", max_cols=cols - 1 or 1, max_rows=rows).zoom
        <= m.zoom
    )
    assert tiles.mosaic([], "{z}/{x}/{y}") is None
