"""A static mosaic of XYZ map tiles (Web Mercator) with the points on top.

Used only when a tile URL is configured: the background map is then a grid of
ordinary ``<img>`` tiles with the points as links placed over them, so it works
without JavaScript (it does not pan or zoom). Tile maths from the OpenStreetMap
"slippy map tilenames" convention: at zoom ``z`` the world is 2^z × 2^z tiles of
256 px, x from longitude -180°, y from latitude +85.0511° down.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sot.public.core.model import PublicPoint

TILE_PX = 256


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Fractional tile coordinates of (lon, lat) at ``zoom``."""
    n = 2**zoom
    lat = max(min(lat, 85.05112878), -85.05112878)
    phi = math.radians(lat)
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(phi)) / math.pi) / 2.0 * n
    return x, y


@dataclass(frozen=True)
class Mosaic:
    zoom: int
    width_px: int
    height_px: int
    tiles: tuple[tuple[str, int, int], ...]  # (url, left px, top px)
    markers: tuple[tuple[PublicPoint, int, int], ...]  # (point, left px, top px)


def mosaic(
    points: Sequence[PublicPoint],
    url_template: str,
    *,
    max_cols: int = 4,
    max_rows: int = 5,
    margin_px: int = 24,
) -> Mosaic | None:
    """The highest zoom at which all ``points`` fit in ``max_cols`` × ``max_rows``
    tiles, and the tiles and marker positions for it (None without points)."""
    if not points:
        return None
    for zoom in range(16, -1, -1):
        xs, ys = zip(*(tile_xy(p.lon, p.lat, zoom) for p in points), strict=True)
        left = min(xs) * TILE_PX - margin_px
        top = min(ys) * TILE_PX - margin_px
        right = max(xs) * TILE_PX + margin_px
        bottom = max(ys) * TILE_PX + margin_px
        first_col, last_col = int(left // TILE_PX), int(right // TILE_PX)
        first_row, last_row = int(top // TILE_PX), int(bottom // TILE_PX)
        if last_col - first_col < max_cols and last_row - first_row < max_rows:
            break
    n = 2**zoom
    tiles = tuple(
        (
            url_template.format(z=zoom, x=col % n, y=row),
            (col - first_col) * TILE_PX,
            (row - first_row) * TILE_PX,
        )
        for row in range(max(first_row, 0), min(last_row, n - 1) + 1)
        for col in range(first_col, last_col + 1)
    )
    markers = tuple(
        (
            p,
            round(tile_xy(p.lon, p.lat, zoom)[0] * TILE_PX - first_col * TILE_PX),
            round(tile_xy(p.lon, p.lat, zoom)[1] * TILE_PX - first_row * TILE_PX),
        )
        for p in points
    )
    return Mosaic(
        zoom=zoom,
        width_px=(last_col - first_col + 1) * TILE_PX,
        height_px=(last_row - first_row + 1) * TILE_PX,
        tiles=tiles,
        markers=markers,
    )
