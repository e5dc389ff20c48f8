"""An SVG map of a county drawn from municipality boundaries, points coloured by state.

No tiles, no scripts, no network: the map is a few kilobytes of paths and works on
paper, offline and on an old phone. Coordinates are projected with a local
equirectangular projection (longitude scaled by the cosine of the middle latitude),
which at county scale (a few hundred km) distorts shapes by well under 1 %; then
each ring is simplified with Douglas-Peucker at ``tolerance_px`` and rounded to whole
units of the viewBox, and written with relative path commands to keep it small.

Colour is never the only cue (WCAG 1.4.1): each state has its own shape, the legend
names them, and every symbol has a ``<title>``. With ``point_href`` the symbols are
links (named by their ``<title>``) and the map is a ``group``, not an ``img``, since
an image may not contain interactive elements.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from sot.public.core.model import (
    STATE_COLOURS,
    STATE_LABELS,
    PublicPoint,
    PublicState,
    label,
)


@dataclass(frozen=True)
class Area:
    """A municipality (or any area): its code, name and GeoJSON geometry dict."""

    code: str
    name: str
    geometry: dict


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [list(map(tuple, ring)) for ring in geometry["coordinates"]]
    if kind == "MultiPolygon":
        return [
            list(map(tuple, ring)) for poly in geometry["coordinates"] for ring in poly
        ]
    if kind == "GeometryCollection":
        return [r for g in geometry.get("geometries", []) for r in _rings(g)]
    return []


def simplify(
    points: Sequence[tuple[float, float]], tolerance: float
) -> list[tuple[float, float]]:
    """Douglas-Peucker: keep the vertices farther than ``tolerance`` from the chord."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, worst_d = -1, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = math.hypot(px - x1, py - y1)
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if d > worst_d:
                worst, worst_d = i, d
        if worst > 0:
            keep[worst] = True
            stack.append((first, worst))
            stack.append((worst, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


class Projection:
    """Fit lon/lat into a ``width``-unit-wide box, north up, keeping the aspect."""

    def __init__(
        self, bbox: tuple[float, float, float, float], width: int, margin: int
    ):
        min_lon, min_lat, max_lon, max_lat = bbox
        self.kx = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = max((max_lon - min_lon) * self.kx, 1e-9)
        span_y = max(max_lat - min_lat, 1e-9)
        self.scale = (width - 2 * margin) / span_x
        self.min_lon, self.max_lat, self.margin = min_lon, max_lat, margin
        self.width = width
        self.height = math.ceil(span_y * self.scale + 2 * margin)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.min_lon) * self.kx * self.scale + self.margin
        y = (self.max_lat - lat) * self.scale + self.margin
        return x, y


def _path(
    ring: Sequence[tuple[float, float]], project: Projection, tolerance: float
) -> str:
    projected = [project(lon, lat) for lon, lat, *_ in ring]
    pts = simplify(projected, tolerance)
    ints: list[tuple[int, int]] = []
    for x, y in pts:
        p = (round(x), round(y))
        if not ints or ints[-1] != p:
            ints.append(p)
    if len(ints) < 3:
        return ""
    out = [f"M{ints[0][0]} {ints[0][1]}l"]
    px, py = ints[0]
    steps = []
    for x, y in ints[1:]:
        steps.append(f"{x - px} {y - py}")
        px, py = x, y
    out.append(" ".join(steps).replace(" -", "-"))
    out.append("z")
    return "".join(out)


def _symbol(state: str, x: float, y: float, r: float, title: str = "") -> str:
    """The map symbol of ``state``: circle open, triangle limited, square closed,
    hollow circle not activated or unknown."""
    colour = STATE_COLOURS.get(state, STATE_COLOURS[PublicState.UNKNOWN])
    x, y, r = round(x, 1), round(y, 1), round(r, 1)
    if state == PublicState.OPEN:
        tag = "circle"
        attrs = f'cx="{x}" cy="{y}" r="{r}" fill="{colour}" stroke="#fff"'
    elif state == PublicState.LIMITED:
        h = round(r * 1.25, 1)
        tag = "path"
        attrs = (
            f'd="M{x} {round(y - h, 1)}L{round(x + h, 1)} {round(y + h * 0.8, 1)}'
            f'H{round(x - h, 1)}z" fill="{colour}" stroke="#fff"'
        )
    elif state == PublicState.CLOSED:
        s = round(r * 0.9, 1)
        tag = "rect"
        attrs = (
            f'x="{round(x - s, 1)}" y="{round(y - s, 1)}" width="{round(2 * s, 1)}" '
            f'height="{round(2 * s, 1)}" fill="{colour}" stroke="#fff"'
        )
    else:
        tag = "circle"
        attrs = (
            f'cx="{x}" cy="{y}" r="{round(r * 0.8, 1)}" fill="#fff" '
            f'stroke="{colour}" stroke-width="{round(max(r / 3, 1), 1)}"'
        )
    if title:
        return f"<{tag} {attrs}><title>{escape(title)}</title></{tag}>"
    return f"<{tag} {attrs}/>"


def _bbox(areas: Iterable[Area], points: Iterable[PublicPoint]):
    lons, lats = [], []
    for area in areas:
        for ring in _rings(area.geometry):
            for lon, lat, *_ in ring:
                lons.append(lon)
                lats.append(lat)
    for p in points:
        lons.append(p.lon)
        lats.append(p.lat)
    if not lons:
        return (0.0, 0.0, 1.0, 1.0)
    return (min(lons), min(lats), max(lons), max(lats))


def render(
    areas: Sequence[Area],
    points: Sequence[PublicPoint],
    *,
    width: int = 240,
    large: bool = False,
    lang: str = "sv",
    title: str = "",
    point_href: str | None = None,
    outlines: dict | None = None,
) -> str:
    """The SVG document as a string (usable inline in HTML or as a file).

    ``large`` adds municipality and point names, a legend and finer outlines;
    ``point_href`` (e.g. ``"/punkt/{slug}/"``) makes each symbol a link.
    ``outlines`` (a dict the caller keeps while the areas stay the same) keeps the
    simplified outlines between calls: the Swedish and the English map share them.
    """
    margin = 14 if large else 6
    bbox = _bbox(areas, points)
    project = Projection(bbox, width, margin)
    tolerance = 0.6 if large else 1.2
    title = title or (
        "Karta över SOT-punkterna" if lang == "sv" else "Map of the points"
    )
    n_open = sum(1 for p in points if p.is_open)
    desc = (
        f"{len(points)} punkter, {n_open} öppna."
        if lang == "sv"
        else f"{len(points)} points, {n_open} open."
    )
    legend_h = 26 * 4 + 10 if large else 0
    height = project.height + legend_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="{"group" if point_href else "img"}" '
        f'aria-labelledby="maptitle mapdesc" class="map">',
        f'<title id="maptitle">{escape(title)}</title><desc id="mapdesc">{escape(desc)}</desc>',
        '<g fill="#eef0f2" stroke="#7b8590" stroke-width="1" fill-rule="evenodd">',
    ]
    key = (tuple(a.code for a in areas), tuple(bbox), width, margin, tolerance)
    paths = outlines.get(key) if outlines is not None else None
    if paths is None:
        paths = []
        for area in areas:
            d = "".join(_path(r, project, tolerance) for r in _rings(area.geometry))
            if d:
                paths.append(f'<path d="{d}"><title>{escape(area.name)}</title></path>')
        if outlines is not None:
            outlines[key] = paths
    parts.extend(paths)
    parts.append("</g>")
    if large:
        parts.append(
            '<g font-family="sans-serif" font-size="15" fill="#3d4650" text-anchor="middle">'
        )
        for area in areas:
            rings = _rings(area.geometry)
            if not rings:
                continue
            ring = max(rings, key=len)
            cx = sum(p[0] for p in ring) / len(ring)
            cy = sum(p[1] for p in ring) / len(ring)
            x, y = project(cx, cy)
            parts.append(
                f'<text x="{round(x)}" y="{round(y)}">{escape(area.name)}</text>'
            )
        parts.append("</g>")
    r = 7 if large else 4.5
    order: dict[str, int] = {
        PublicState.STANDBY: 0,
        PublicState.UNKNOWN: 0,
        PublicState.CLOSED: 1,
        PublicState.LIMITED: 2,
        PublicState.OPEN: 3,
    }
    for p in sorted(points, key=lambda p: order.get(p.state, 0)):
        x, y = project(p.lon, p.lat)
        state_text = label(STATE_LABELS, p.state, lang)
        name = f"{p.name}: {state_text}"
        if point_href:
            href = escape(point_href.format(slug=p.slug))
            symbol = f'<a href="{href}"><title>{escape(name)}</title>{_symbol(p.state, x, y, r)}</a>'
        else:
            symbol = _symbol(p.state, x, y, r, name)
        parts.append(symbol)
        if large:
            parts.append(
                f'<text x="{round(x + r + 3)}" y="{round(y + 4)}" font-family="sans-serif" '
                f'font-size="17" fill="#1d232a">{escape(p.name)}</text>'
            )
    if large:
        y0 = project.height + 8
        parts.append('<g font-family="sans-serif" font-size="17" fill="#1d232a">')
        for i, state in enumerate(
            (
                PublicState.OPEN,
                PublicState.LIMITED,
                PublicState.CLOSED,
                PublicState.STANDBY,
            )
        ):
            y = y0 + i * 26 + 10
            parts.append(_symbol(state, margin + 8, y, 7))
            parts.append(
                f'<text x="{margin + 22}" y="{y + 5}">{escape(label(STATE_LABELS, state, lang))}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
