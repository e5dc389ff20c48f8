"""The planning report: one HTML file with inline SVG maps, and the same as PDF.

Everything is drawn with matplotlib (the object API, no pyplot state): maps are SVG in
the HTML (dense layers rasterised inside the SVG to keep the file small) and pages of
a PDF through matplotlib's PDF backend. The text is Swedish, for a county analyst to
hand on; method, data sources and assumptions are stated in the report itself.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from sot.planning.analysis import unit_times
from sot.planning.network import DEFAULT_SPEEDS_KMH, RoadNetwork
from sot.planning.workdir import Workdir

_CLASSES_MIN = (0, 5, 10, 15, 20, 30, 45, 60)
_COLOURS = ("#1a9850", "#66bd63", "#a6d96a", "#fee08b", "#fdae61", "#f46d43", "#d73027")
_UNREACHED = "#6a3d9a"
_MAX_ARCS_DRAWN = 250_000
#: above this many units the map is an image of binned units, not one marker each
_MAX_UNITS_DRAWN = 50_000
_RASTER_PX = 700

METHOD_SV = (
    "Restid längs vägnätet beräknas med Dijkstras algoritm på OpenStreetMaps "
    "körbara vägar (största starkt sammanhängande komponent, enkelriktningar "
    "beaktade). Hastighet per vägklass enligt tabellen nedan, eller vägens skyltade "
    "hastighet (maxspeed) där den finns. Restiden till närmaste punkt räknas med en "
    "sökning från alla punkter samtidigt (virtuell gemensam startnod). Befolkningen "
    "(SCB:s rutnät, orter med folkmängd eller kommuntotaler) knyts till närmaste "
    "vägnod inom en gräns; det som inte kunde knytas redovisas och räknas som ej nått. "
    "Kandidatplatser är platser där en livsmedelsbutik och en drivmedelsstation ligger "
    "inom vald avstånd från varandra. Nya punkter väljs med maximal täckning (MCLP, "
    "Church & ReVelle 1974), minsta täckande mängd (LSCP, Toregas m.fl. 1971) eller "
    "p-median (Hakimi 1964), lösta med HiGHS eller heuristik; den bevisade "
    "optimalitetsluckan (gap) redovisas mot en undre/övre gräns, aldrig bara "
    "lösarens status."
)
ASSUMPTIONS_SV = (
    "Fri trafik utan köer, färjor eller svängtider. Sträckan mellan rutans mittpunkt "
    "och närmaste vägnod tidsätts inte. Befolkningen räknas vid sin vägnod. Avstånd för "
    "knytning mäts rätlinjigt i SWEREF 99 TM. Vägar med access=no/private och "
    "vägklasser utan hastighet i tabellen ingår inte. Resultaten gäller vägnätet i "
    "OSM-utdraget vid dess datum."
)


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", dpi=110)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _network_lines(ax, net: RoadNetwork) -> None:
    tail = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))
    head = net.indices
    keep = tail < head  # draw each two-way street once
    idx = np.nonzero(keep)[0]
    if idx.size > _MAX_ARCS_DRAWN:
        idx = np.random.default_rng(0).choice(idx, _MAX_ARCS_DRAWN, replace=False)
    if not idx.size:
        return
    # one path of move-to/line-to pairs: a LineCollection makes one Path object per
    # segment, which at 250 000 segments took most of the report's time
    verts = np.empty((2 * idx.size, 2))
    verts[0::2, 0], verts[0::2, 1] = net.x[tail[idx]], net.y[tail[idx]]
    verts[1::2, 0], verts[1::2, 1] = net.x[head[idx]], net.y[head[idx]]
    codes = np.tile(
        np.array([MplPath.MOVETO, MplPath.LINETO], dtype=MplPath.code_type), idx.size
    )
    patch = PathPatch(
        MplPath(verts, codes),
        fill=False,
        edgecolor="#bbbbbb",
        linewidth=0.4,
        rasterized=True,
    )
    # add_patch would walk every segment as a Bézier curve for the data limits
    ax.add_artist(patch)
    ax.update_datalim([verts.min(axis=0), verts.max(axis=0)])


def reach_map(
    net: RoadNetwork,
    unit_x,
    unit_y,
    unit_time_s,
    unit_weight,
    fac_xy,
    new_xy=None,
    title: str = "",
) -> Figure:
    """Population units coloured by minutes to the nearest point; points as triangles."""
    fig = Figure(figsize=(7.5, 7.5))
    ax = fig.add_subplot()
    _network_lines(ax, net)
    if isinstance(unit_time_s, np.ndarray):
        t = unit_time_s.astype(float) / 60
    else:  # from JSON: None where not reached
        t = np.array([np.inf if v is None else v for v in unit_time_s], float) / 60
    w = np.asarray(unit_weight, dtype=float)
    cmap = ListedColormap(_COLOURS)
    norm = BoundaryNorm(_CLASSES_MIN, cmap.N)
    fin = np.isfinite(t) & (t <= _CLASSES_MIN[-1])
    if w.size > _MAX_UNITS_DRAWN:
        _units_raster(ax, np.asarray(unit_x), np.asarray(unit_y), t, fin)
    else:
        _units_scatter(
            ax, np.asarray(unit_x), np.asarray(unit_y), t, w, fin, cmap, norm
        )
    if len(fac_xy[0]):
        ax.scatter(
            fac_xy[0],
            fac_xy[1],
            marker="^",
            s=70,
            c="black",
            edgecolors="white",
            label="SOT-punkt",
            zorder=5,
        )
    if new_xy is not None and len(new_xy[0]):
        ax.scatter(
            new_xy[0],
            new_xy[1],
            marker="*",
            s=220,
            c="#e41a1c",
            edgecolors="black",
            label="föreslagen ny punkt",
            zorder=6,
        )
    cb = fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7, ticks=_CLASSES_MIN
    )
    cb.set_label("minuter till närmaste punkt")
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=11)
    ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
    return fig


def _units_scatter(ax, x, y, t, w, fin, cmap, norm) -> None:
    """One marker per unit, sized by population (few units)."""
    # the largest marker shrinks as units multiply, so a dense grid stays readable
    s_max = float(np.clip(2000.0 / np.sqrt(max(w.size, 1)), 4.0, 120.0))
    size: Any = 2 + s_max * np.sqrt(w / w.max()) if w.size and w.max() > 0 else 6
    sz = size if np.ndim(size) == 0 else size[fin]
    ax.scatter(
        x[fin],
        y[fin],
        s=sz,
        c=t[fin],
        cmap=cmap,
        norm=norm,
        alpha=0.8,
        linewidths=0,
        rasterized=True,
    )
    far = ~fin
    if far.any():
        szf = size if np.ndim(size) == 0 else size[far]
        ax.scatter(
            x[far],
            y[far],
            s=szf,
            c=_UNREACHED,
            marker="x",
            linewidths=0.8,
            label=f"> {_CLASSES_MIN[-1]} min / ej nådd",
            rasterized=True,
        )


def _units_raster(ax, x, y, t, fin) -> None:
    """Many units: one image, each pixel showing the longest time of its units.

    A scatter of a million markers takes minutes to draw (twice: SVG and PDF) and
    hides itself anyway; binning them into about ``_RASTER_PX`` pixels across is
    linear in the units and the image costs the same whatever their number. The
    worst unit of a pixel wins, so a pixel with anyone beyond the time is shown so.
    """
    placed = np.isfinite(x) & np.isfinite(y)
    if not placed.any():
        return
    x, y, t, fin = x[placed], y[placed], t[placed], fin[placed]
    n_cls = len(_COLOURS)
    cls = np.full(t.size, n_cls, dtype=np.int8)  # beyond the last class / not reached
    cls[fin] = np.clip(
        np.searchsorted(_CLASSES_MIN, t[fin], side="right") - 1, 0, n_cls - 1
    )
    x0, x1 = float(x.min()), float(x.max())
    y0, y1 = float(y.min()), float(y.max())
    cell = max(x1 - x0, y1 - y0, 1.0) / _RASTER_PX
    nx = int((x1 - x0) // cell) + 1
    ny = int((y1 - y0) // cell) + 1
    pix = ((y - y0) // cell).astype(np.int64) * nx + ((x - x0) // cell).astype(np.int64)
    img = np.full(nx * ny, -1, dtype=np.int8)
    np.maximum.at(img, pix, cls)
    grid = np.ma.masked_less(img.reshape(ny, nx), 0)
    ax.imshow(
        grid,
        origin="lower",
        extent=(x0, x0 + nx * cell, y0, y0 + ny * cell),
        cmap=ListedColormap([*_COLOURS, _UNREACHED]),
        vmin=-0.5,
        vmax=n_cls + 0.5,
        interpolation="nearest",
        alpha=0.85,
        zorder=2,
    )
    if (cls == n_cls).any():
        ax.add_patch(
            Rectangle(
                (x0, y0),
                0,
                0,
                color=_UNREACHED,
                label=f"> {_CLASSES_MIN[-1]} min / ej nådd",
            )
        )


def _table_html(head: list[str], rows: list[list]) -> str:
    h = "".join(f"<th>{html.escape(str(c))}</th>" for c in head)
    if not any(head):
        h = ""
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
        for r in rows
    )
    thead = f"<thead><tr>{h}</tr></thead>" if h else ""
    return f"<table>{thead}<tbody>{body}</tbody></table>"


def _pct(a: float, b: float) -> str:
    return f"{100 * a / b:.1f} %" if b else "-"


def _muni_rows(reach: dict) -> list[list]:
    return [
        [
            m["code"],
            m["name"],
            f"{m['population']:.0f}",
            f"{m['covered']:.0f}",
            _pct(m["covered"], m["population"]),
            "-" if m["median_time_min"] is None else f"{m['median_time_min']:.1f}",
        ]
        for m in reach["municipalities"]
    ]


def write_report(wd: Workdir, out: Path, *, title: str, progress: bool = False) -> dict:
    """Write report.html and report.pdf into ``out`` from the work directory."""
    net = wd.network()
    pop = wd.population()
    reach = wd.read_json("reach.json", "reach")
    state = wd.state()
    fac = wd.facilities()
    sites = {
        m: wd.read_json(f"site-{m}.json", "site")
        for m in ("mclp", "lscp", "pmedian")
        if wd.has(f"site-{m}.json")
    }
    whatif = wd.read_json("whatif.json", "what-if") if wd.has("whatif.json") else None
    out.mkdir(parents=True, exist_ok=True)
    m = reach["threshold_min"]
    fac_ok = fac.only_snapped()
    fac_xy = (net.x[fac_ok.node], net.y[fac_ok.node])
    figs: list[tuple[str, Figure]] = []
    figs.append(
        (
            f"Restid till närmaste SOT-punkt ({reach['facilities']} punkter)",
            reach_map(
                net,
                pop.x,
                pop.y,
                reach["unit_time_s"],
                pop.weight,
                fac_xy,
                title="Restid till närmaste SOT-punkt",
            ),
        )
    )
    for model, res in sites.items():
        nodes = [r["node"] for r in res.get("chosen_sites", [])]
        new_xy = (net.x[nodes], net.y[nodes]) if nodes else None
        # travel times with the existing points and the proposed ones together
        t_after, _ = unit_times(net, pop, np.concatenate([fac_ok.node, nodes]))
        figs.append(
            (
                f"Restid med de föreslagna punkterna ({model.upper()}, "
                f"inom {res.get('minutes', m):g} min)",
                reach_map(
                    net,
                    pop.x,
                    pop.y,
                    t_after,
                    pop.weight,
                    fac_xy,
                    new_xy,
                    title=f"Restid med föreslagna nya punkter ({model.upper()})",
                ),
            )
        )
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    summary_rows = [
        ["Befolkning totalt", f"{reach['population']:.0f}"],
        [
            f"Inom {m:g} min",
            f"{reach['covered']:.0f} ({_pct(reach['covered'], reach['population'])})",
        ],
        ["Ej knuten till vägnätet", f"{reach['unsnapped_population']:.0f}"],
        ["Median restid (min)", str(reach["median_time_min"])],
        ["Vägnät", f"{net.n_nodes} noder, {net.n_arcs} bågar"],
    ] + [
        [f"Inom {k} min", _pct(v, reach["population"])]
        for k, v in reach["within"].items()
        if float(k) != float(m)
    ]
    site_rows = [
        [
            model.upper(),
            res["method"],
            ", ".join(s["name"] for s in res.get("chosen_sites", [])),
            f"{res['objective']:.1f}",
            f"{res['bound']:.1f}",
            "-" if res["gap"] is None else f"{100 * res['gap']:.3f} %",
            f"{res.get('covered_before', 0):.0f} → {res.get('covered_after', 0):.0f}",
            f"{res['time_s']:.2f} s",
        ]
        for model, res in sites.items()
    ]
    sources = [
        ["Vägnät", state.get("pbf", "?") + " (© OpenStreetMap contributors, ODbL)"],
        [
            "Befolkning",
            f"{state.get('population', '?')} ({state.get('population_kind', '?')}; {pop.source})",
        ],
        [
            "Kommungränser",
            state.get("municipalities") or "ingen (kommun enligt indata)",
        ],
        ["Valda punkter", state.get("facilities", "?")],
    ]
    speed_rows = [
        [k, f"{v:g}"]
        for k, v in (state.get("speeds_kmh") or DEFAULT_SPEEDS_KMH).items()
    ]
    uncovered_rows = [
        [
            u["id"],
            u["municipality"],
            f"{u['population']:.0f}",
            "ej nådd" if u["time_min"] is None else f"{u['time_min']:.1f}",
        ]
        for u in reach["uncovered_largest"][:30]
    ]
    parts = [
        f"<h1>{html.escape(title)}</h1><p class='meta'>Skapad {now} av sot plan report.</p>",
        "<h2>Sammanfattning</h2>",
        _table_html(["", ""], summary_rows),
    ]
    for caption, fig in figs:
        parts.append(
            f"<figure>{_svg(fig)}<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    parts += [
        f"<h2>Per kommun (inom {m:g} min)</h2>",
        _table_html(
            ["Kod", "Kommun", "Befolkning", "Nådda", "Andel", "Median min"],
            _muni_rows(reach),
        ),
        "<h2>Per län</h2>",
        _table_html(
            ["Län", "Befolkning", "Nådda", "Andel"],
            [
                [
                    c["code"] or "-",
                    f"{c['population']:.0f}",
                    f"{c['covered']:.0f}",
                    _pct(c["covered"], c["population"]),
                ]
                for c in reach["counties"]
            ],
        ),
        f"<h2>Största ej nådda befolkningsenheter (över {m:g} min)</h2>",
        _table_html(["Enhet", "Kommun", "Befolkning", "Restid min"], uncovered_rows),
    ]
    if site_rows:
        parts += [
            "<h2>Förslag på nya punkter</h2>",
            _table_html(
                [
                    "Modell",
                    "Metod",
                    "Valda",
                    "Målvärde",
                    "Gräns",
                    "Bevisad lucka",
                    f"Inom {m:g} min före → efter",
                    "Tid",
                ],
                site_rows,
            ),
        ]
        first = next(iter(sites.values()))
        gains = first.get("candidate_gains", [])
        if gains:
            mm = first.get("minutes", m)
            parts += [
                f"<h2>Kandidater: nya nådda inom {mm:g} min om bara den öppnas</h2>",
                _table_html(
                    ["Kandidat", "Nya nådda"],
                    [[g["name"], f"{g['gain']:.0f}"] for g in gains[:30]],
                ),
            ]
    if whatif:
        parts += [
            "<h2>Sårbarhet: befolkning som bara en punkt når</h2>",
            _table_html(
                ["Punkt", "Når", "Når ensam (förloras om den fallerar)"],
                [
                    [r["name"], f"{r['covers']:.0f}", f"{r['only_this_one']:.0f}"]
                    for r in whatif.get("criticality", [])
                ],
            ),
        ]
        if whatif.get("removed") or whatif.get("added") or whatif.get("closed"):
            parts += [
                f"<h2>Scenario (inom {whatif['threshold_min']:g} min)</h2>",
                _table_html(["", ""], _scenario_rows(whatif)),
            ]
    parts += [
        "<h2>Metod</h2>",
        f"<p>{html.escape(METHOD_SV)}</p>",
        "<h3>Hastighet per vägklass (km/h)</h3>",
        _table_html(["Vägklass", "km/h"], speed_rows),
        "<h2>Antaganden</h2>",
        f"<p>{html.escape(ASSUMPTIONS_SV)}</p>",
        "<h2>Datakällor</h2>",
        _table_html(["", ""], sources),
    ]
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:.2em .5em;text-align:left}figure{margin:1em 0}svg{max-width:100%;"
        "height:auto}.meta{color:#555}"
    )
    doc = (
        f"<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title><style>{style}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>"
    )
    html_path = out / "report.html"
    html_path.write_text(doc, encoding="utf-8")
    pdf_path = out / "report.pdf"
    _write_pdf(
        pdf_path,
        title,
        now,
        figs,
        [
            ("Sammanfattning", ["", ""], summary_rows),
            (
                f"Per kommun (inom {m:g} min)",
                ["Kod", "Kommun", "Befolkning", "Nådda", "Andel", "Median min"],
                _muni_rows(reach),
            ),
            (
                "Förslag på nya punkter",
                [
                    "Modell",
                    "Metod",
                    "Valda",
                    "Mål",
                    "Gräns",
                    "Lucka",
                    "Före → efter",
                    "Tid",
                ],
                site_rows,
            ),
            (
                "Största ej nådda enheter",
                ["Enhet", "Kommun", "Befolkning", "Restid min"],
                uncovered_rows,
            ),
            ("Datakällor", ["", ""], sources),
        ],
    )
    return {"html": html_path, "pdf": pdf_path}


def _scenario_rows(w: dict) -> list[list]:
    closed = "; ".join(f"{lat:.5f}, {lon:.5f} ({r:g} m)" for lon, lat, r in w["closed"])
    return [
        ["Punkter som fallerar", ", ".join(w["removed"]) or "-"],
        ["Punkter som läggs till", ", ".join(w["added"]) or "-"],
        ["Stängda vägar kring", closed or "-"],
        ["Nådda före → efter", f"{w['covered_before']:.0f} → {w['covered_after']:.0f}"],
        [
            "Förlorar räckvidd",
            f"{w['lost_population']:.0f} ({w['lost_units']} enheter)",
        ],
        ["Får räckvidd", f"{w['gained_population']:.0f} ({w['gained_units']} enheter)"],
    ]


def _text_page(pdf: PdfPages, heading: str, paragraphs: list[str]) -> None:
    fig = Figure(figsize=(8.27, 11.69))
    fig.text(0.08, 0.95, heading, fontsize=15, weight="bold", va="top")
    y = 0.91
    for para in paragraphs:
        for line in textwrap.wrap(para, 95) or [""]:
            fig.text(0.08, y, line, fontsize=9, va="top")
            y -= 0.017
        y -= 0.012
    pdf.savefig(fig)


def _write_pdf(path: Path, title: str, now: str, figs, tables) -> None:
    with PdfPages(path) as pdf:
        _text_page(
            pdf,
            title,
            [
                f"Skapad {now} av sot plan report.",
                "Metod: " + METHOD_SV,
                "Antaganden: " + ASSUMPTIONS_SV,
            ],
        )
        for caption, fig in figs:
            fig.suptitle(caption, fontsize=11)
            pdf.savefig(fig)
        for heading, head, rows in tables:
            if not rows:
                continue
            for start in range(0, len(rows), 40):
                chunk = rows[start : start + 40]
                fig = Figure(figsize=(8.27, 11.69))
                fig.text(0.08, 0.96, heading, fontsize=13, weight="bold", va="top")
                ax = fig.add_axes((0.05, 0.05, 0.9, 0.88))
                ax.axis("off")
                cells = [[str(c)[:48] for c in r] for r in chunk]
                tbl = ax.table(
                    cellText=cells,
                    colLabels=head if any(head) else None,
                    loc="upper left",
                    cellLoc="left",
                )
                tbl.auto_set_font_size(False)
                tbl.set_fontsize(7)
                tbl.scale(1, 1.2)
                tbl.auto_set_column_width(list(range(len(cells[0]))))
                pdf.savefig(fig)
        meta = pdf.infodict()
        meta["Title"] = title
        meta["Creator"] = "sot plan report"
