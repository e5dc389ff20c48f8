"""The map of a planning run: a small SVG of the county drawn with the public site's
projection and simplification (`sot.public.core.svgmap`), no matplotlib needed.

Population units are circles (area by population) coloured by minutes to the nearest
point, with a cross for those beyond the last class; existing points are black
triangles and proposed new ones red stars. Colour is never the only cue: each symbol
has a ``<title>`` with its name and minutes, and the legend names the shapes.
"""

from __future__ import annotations

import math
from html import escape

from sot.public.core.svgmap import Projection, simplify

CLASSES_MIN = (5, 10, 15, 20, 30, 45, 60)
COLOURS = ("#1a9850", "#66bd63", "#a6d96a", "#fee08b", "#fdae61", "#f46d43", "#d73027")
FAR = "#6a3d9a"


def _class(minutes: float | None) -> int:
    if minutes is None:
        return len(CLASSES_MIN)
    for k, limit in enumerate(CLASSES_MIN):
        if minutes <= limit:
            return k
    return len(CLASSES_MIN)


def _rings(geometry: dict | None):
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return geometry["coordinates"]
    if geometry.get("type") == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


def _star(x: float, y: float, r: float) -> str:
    pts = []
    for k in range(10):
        a = math.pi / 2 + k * math.pi / 5
        rr = r if k % 2 == 0 else r * 0.45
        pts.append(f"{x + rr * math.cos(a):.1f},{y - rr * math.sin(a):.1f}")
    return " ".join(pts)


def render(
    *,
    areas: list[dict],
    units: list[dict],
    facilities: list[dict],
    proposed: list[dict] = (),
    title: str,
    note: str = "",
    width: int = 560,
) -> str:
    """The SVG document. ``areas``: dicts with ``name`` and ``geometry`` (GeoJSON);
    ``units``: name, lon, lat, population, minutes (None: not reached);
    ``facilities``/``proposed``: name, lon, lat."""
    lons = [p["lon"] for p in (*units, *facilities, *proposed)]
    lats = [p["lat"] for p in (*units, *facilities, *proposed)]
    for a in areas:
        for ring in _rings(a.get("geometry")):
            lons += [c[0] for c in ring]
            lats += [c[1] for c in ring]
    bbox = (min(lons), min(lats), max(lons), max(lats)) if lons else (0, 0, 1, 1)
    project = Projection(bbox, width, 12)
    legend_h = 64
    height = project.height + legend_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="maptitle">'
        f'<title id="maptitle">{escape(title)}</title>'
    ]
    for a in areas:
        for ring in _rings(a.get("geometry")):
            pts = simplify([project(c[0], c[1]) for c in ring], 0.8)
            if len(pts) >= 3:
                d = "M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in pts) + "z"
                out.append(
                    f'<path d="{d}" fill="#f4f4f0" stroke="#999" stroke-width="0.7">'
                    f"<title>{escape(a.get('name', ''))}</title></path>"
                )
    w_max = max((u["population"] for u in units), default=0) or 1
    for u in sorted(units, key=lambda u: -u["population"]):
        x, y = project(u["lon"], u["lat"])
        r = 2 + 14 * math.sqrt(max(u["population"], 0) / w_max)
        k = _class(u.get("minutes"))
        when = (
            "når ingen punkt"
            if u.get("minutes") is None
            else f"{u['minutes']:.0f} min till närmaste punkt"
        )
        label = f"{u['name']}: {u['population']:.0f} inv., {when}"
        if k < len(CLASSES_MIN):
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{COLOURS[k]}" '
                f'fill-opacity="0.85" stroke="#333" stroke-width="0.4">'
                f"<title>{escape(label)}</title></circle>"
            )
        else:
            s = max(r * 0.7, 3)
            out.append(
                f'<path d="M{x - s:.1f} {y - s:.1f}L{x + s:.1f} {y + s:.1f}'
                f'M{x - s:.1f} {y + s:.1f}L{x + s:.1f} {y - s:.1f}" stroke="{FAR}" '
                f'stroke-width="2"><title>{escape(label)}</title></path>'
            )
    for f in facilities:
        x, y = project(f["lon"], f["lat"])
        out.append(
            f'<path d="M{x:.1f} {y - 7:.1f}L{x + 6:.1f} {y + 5:.1f}H{x - 6:.1f}z" '
            f'fill="#000" stroke="#fff"><title>SOT-punkt: {escape(f["name"])}'
            "</title></path>"
        )
    for f in proposed:
        x, y = project(f["lon"], f["lat"])
        out.append(
            f'<polygon points="{_star(x, y, 9)}" fill="#e41a1c" stroke="#000">'
            f"<title>Föreslagen ny punkt: {escape(f['name'])}</title></polygon>"
        )
    # legend: minute classes, then the shapes
    y0 = project.height + 8
    step = (width - 24) / (len(CLASSES_MIN) + 1)
    prev = 0
    for k, limit in enumerate(CLASSES_MIN):
        x = 12 + k * step
        out.append(
            f'<rect x="{x:.0f}" y="{y0}" width="14" height="10" fill="{COLOURS[k]}"/>'
            f'<text x="{x + 17:.0f}" y="{y0 + 9}" font-size="10">{prev}–{limit} min'
            "</text>"
        )
        prev = limit
    x = 12 + len(CLASSES_MIN) * step
    out.append(
        f'<text x="{x:.0f}" y="{y0 + 9}" font-size="10" fill="{FAR}">× över '
        f"{CLASSES_MIN[-1]} min</text>"
    )
    y1 = y0 + 26
    out.append(
        f'<path d="M18 {y1 - 7}L24 {y1 + 5}H12z" fill="#000"/>'
        f'<text x="30" y="{y1 + 4}" font-size="10">SOT-punkt</text>'
        f'<polygon points="{_star(110, y1, 8)}" fill="#e41a1c" stroke="#000"/>'
        f'<text x="122" y="{y1 + 4}" font-size="10">föreslagen ny punkt</text>'
    )
    if note:
        out.append(
            f'<text x="12" y="{y1 + 22}" font-size="10" font-style="italic">'
            f"{escape(note)}</text>"
        )
    out.append("</svg>")
    return "".join(out)
