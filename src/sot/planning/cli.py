"""``sot plan``: the planning steps on the command line.

Each step reads what earlier steps left in the work directory (``--workdir``, default
``./plan``), writes its own artefact there, prints its figures and, with ``--json
FILE``, writes the same figures as JSON. Bad input ends with a one-line message on
stderr and exit code 2. Run as ``python -m sot.planning.cli`` or ``sot plan``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from sot.planning import extra, results
from sot.planning.errors import PlanningError
from sot.planning.results import MODELS  # numpy only, as here


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--workdir", default="plan", help="work directory (default ./plan)")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="sot plan",
        description="Road-network reach and siting of SOT-punkter (see docs/planning.md).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("network", parents=[common], help="build the road network")
    p.add_argument("pbf", help="OpenStreetMap extract (.osm.pbf)")
    p.add_argument(
        "--speeds", help="JSON file {highway class: km/h} replacing defaults"
    )
    p.add_argument("--no-maxspeed", action="store_true", help="ignore maxspeed tags")
    p.add_argument(
        "--node-cache",
        default="flex_mem",
        help="libosmium node cache, e.g. sparse_file_array,/tmp/nodes.bin for Sweden",
    )

    p.add_argument(
        "--simplify-m",
        type=float,
        help="keep only junctions, way ends and one node per this many metres",
    )

    p = sub.add_parser("population", parents=[common], help="snap population to roads")
    p.add_argument(
        "file",
        nargs="?",
        help="SCB grid (CSV/GPKG), localities CSV or totals CSV (none with --kind nodes)",
    )
    p.add_argument(
        "--kind",
        choices=("auto", "grid", "points", "totals", "nodes"),
        default="auto",
        help="what the file holds (default: guess from the columns)",
    )
    p.add_argument("--municipalities", help="municipality polygons (GeoJSON, WGS84)")
    p.add_argument("--localities", help="with --kind totals: spread onto these places")
    p.add_argument("--population-column", help="population column of a totals file")
    p.add_argument("--cell-m", type=float, help="grid square size (default: inferred)")
    p.add_argument(
        "--max-snap-m", type=float, help="snap limit (grid 2000, points 5000)"
    )

    p = sub.add_parser(
        "reach", parents=[common], help="travel time to the nearest point"
    )
    p.add_argument(
        "--facilities", help="chosen points: CSV (name, lat, lon) or GeoJSON points"
    )
    p.add_argument("--minutes", type=float, default=15.0, help="threshold (default 15)")
    p.add_argument("--max-snap-m", type=float, default=1000.0)
    p.add_argument(
        "--only",
        metavar="COLUMN=V1,V2",
        help="keep the points whose COLUMN is one of the values, e.g. "
        "lifecycle=established,approved (sot export points columns)",
    )

    p = sub.add_parser("candidates", parents=[common], help="store + fuel candidates")
    p.add_argument("--pbf", help="read shops and fuel stations from this .osm.pbf")
    p.add_argument("--stores", help="CSV of grocery stores (name, lat, lon)")
    p.add_argument("--fuel", help="CSV of fuel stations (name, lat, lon)")
    p.add_argument("--pair-m", type=float, default=500.0, help="store-fuel distance")
    p.add_argument("--add", help="CSV of user-given candidates (name, lat, lon)")
    p.add_argument("--max-snap-m", type=float, default=1000.0)

    p = sub.add_parser("site", parents=[common], help="choose new points")
    p.add_argument("--model", choices=MODELS, required=True)
    p.add_argument("-p", type=int, default=3, help="new points to open (mclp, pmedian)")
    p.add_argument("--minutes", type=float, default=15.0, help="coverage threshold")
    p.add_argument("--method", choices=("exact", "heuristic"), default="exact")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds")
    p.add_argument("--no-existing", action="store_true", help="ignore existing points")

    p = sub.add_parser("what-if", parents=[common], help="points fail or are added")
    p.add_argument("--remove", action="append", default=[], metavar="NAME")
    p.add_argument("--add", help="CSV of points to add (name, lat, lon)")
    p.add_argument("--add-candidate", action="append", default=[], metavar="NAME")
    p.add_argument(
        "--close",
        action="append",
        default=[],
        metavar="LAT,LON,RADIUS_M",
        help="close every road within RADIUS_M of LAT,LON (repeatable)",
    )
    p.add_argument("--minutes", type=float, default=15.0)

    p = sub.add_parser("report", parents=[common], help="write the HTML and PDF report")
    p.add_argument("--out", help="output directory (default: the work directory)")
    p.add_argument("--title", default="Räckvidd för SOT-punkter")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    absent = extra.missing()
    if absent:
        print(f"error: {extra.message(absent)}", file=sys.stderr)
        return 2
    handler = {
        "network": cmd_network,
        "population": cmd_population,
        "reach": cmd_reach,
        "candidates": cmd_candidates,
        "site": cmd_site,
        "what-if": cmd_what_if,
        "report": cmd_report,
    }[args.command]
    # deferred: each step loads only its own part of the planning extra
    from sot.planning.workdir import Workdir

    wd = Workdir(args.workdir)
    try:
        result = handler(args, wd)
    except PlanningError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        Path(args.json).write_text(
            json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return 0


def _say(*parts) -> None:
    try:
        print(*parts)
    except BrokenPipeError:
        # the reader (`| head`) has gone: keep working, print nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# -- network ------------------------------------------------------------------------


def cmd_network(args, wd) -> dict:
    # deferred: each step loads only its own part of the planning extra
    from sot.planning.network import DEFAULT_SPEEDS_KMH, from_pbf

    speeds = dict(DEFAULT_SPEEDS_KMH)
    if args.speeds:
        try:
            speeds = {
                str(k): float(v)
                for k, v in json.loads(Path(args.speeds).read_text()).items()
            }
        except (OSError, ValueError, AttributeError) as exc:
            raise PlanningError(
                f"cannot read {args.speeds} as a JSON object of highway class to km/h "
                f"({exc})"
            ) from exc
    t0 = time.perf_counter()
    net = from_pbf(
        args.pbf,
        speeds=speeds,
        use_maxspeed=not args.no_maxspeed,
        progress=not args.quiet,
        node_cache=args.node_cache,
        simplify_m=args.simplify_m,
    )
    wd.ensure()
    net.save(wd.file("network.npz"))
    wd.update_state(
        pbf=str(Path(args.pbf).resolve()), speeds_kmh=speeds, simplify_m=args.simplify_m
    )
    result = {**net.summary(), "seconds": round(time.perf_counter() - t0, 2)}
    result["file"] = str(wd.file("network.npz"))
    _say(
        f"road network: {net.n_nodes} nodes, {net.n_arcs} arcs "
        f"(largest strongly connected component) -> {result['file']}"
    )
    return result


# -- population ---------------------------------------------------------------------


def _population_on_nodes(net, areas, wd) -> dict:
    """One person on every road node (for benchmarks and demonstrations)."""
    # deferred: each step loads only its own part of the planning extra
    from sot.planning import population as popmod

    pop = popmod.uniform_on_nodes(net)
    if areas:
        pop.municipality = popmod._municipality_of(pop.x, pop.y, areas, pop.ids.size)
    wd.ensure()
    pop.save(wd.file("population.npz"))
    names = {a.code: a.name for a in areas} if areas else {}
    wd.update_state(
        population="(one per road node)",
        population_kind="nodes",
        municipality_names=names,
    )
    _say(f"population (nodes): one person on each of {pop.ids.size} road nodes")
    return {"kind": "nodes", **pop.summary()}


def cmd_population(args, wd) -> dict:
    # deferred: each step loads only its own part of the planning extra
    from sot.planning import population as popmod
    from sot.planning.areas import read_areas

    net = wd.network()
    areas = read_areas(args.municipalities) if args.municipalities else None
    if args.kind == "nodes":
        return _population_on_nodes(net, areas, wd)
    if not args.file:
        raise PlanningError("give a population FILE, or --kind nodes for one per node")
    path = Path(args.file)
    if not path.exists():
        raise PlanningError(f"no such file: {path}")
    kind = popmod.guess_kind(path) if args.kind == "auto" else args.kind
    if kind == "grid":
        # deferred: each step loads only its own part of the planning extra
        from sot.planning.scb_grid import read_scb_grid

        pop = read_scb_grid(
            path,
            net,
            max_snap_m=args.max_snap_m or 2000.0,
            cell_m=args.cell_m,
            municipalities=areas,
        )
    elif kind == "points":
        pop = popmod.read_points(
            path, net, max_snap_m=args.max_snap_m or 5000.0, municipalities=areas
        )
    else:
        if not areas and not args.localities:
            raise PlanningError(
                "municipality totals need --municipalities FILE.geojson (polygons) "
                "and optionally --localities FILE.csv to spread them onto"
            )
        pop = popmod.read_municipality_totals(
            path,
            net,
            municipalities=areas or [],
            population_column=args.population_column,
            localities=args.localities,
        )
    wd.ensure()
    pop.save(wd.file("population.npz"))
    names = (
        {a.code: a.name for a in areas}
        if areas
        else popmod.municipality_names_in_file(path)
    )
    wd.update_state(
        population=str(path.resolve()),
        population_kind=kind,
        municipalities=str(Path(args.municipalities).resolve()) if areas else None,
        municipality_names=names,
    )
    s = pop.summary()
    un = s["unsnapped"]
    _say(f"population ({kind}): {s['units']} units, {s['population']:.0f} persons")
    _say(
        f"  snapped to roads within {s['max_snap_m']:.0f} m: {s['snapped_units']} units, "
        f"{s['snapped_population']:.0f} persons"
    )
    _say(
        f"  NOT snapped: {un['count']} units, {un['population']:.0f} persons"
        + (
            f" ({', '.join(un['ids'][:5])}{' ...' if un['count'] > 5 else ''})"
            if un["count"]
            else ""
        )
    )
    for note in s["notes"]:
        _say(f"  note: {note}")
    return {"kind": kind, **s}


# -- reach ----------------------------------------------------------------------------


def cmd_reach(args, wd) -> dict:
    # deferred: each step loads only its own part of the planning extra
    from sot.planning.analysis import reach_summary
    from sot.planning.candidates import read_sites_csv, require_snapped

    net = wd.network()
    pop = wd.population()
    if args.facilities:
        fac = read_sites_csv(
            args.facilities,
            net,
            source="chosen",
            max_snap_m=args.max_snap_m,
            where=_parse_only(args.only),
        )
        if not len(fac):
            raise PlanningError(
                f"{args.facilities} holds no points"
                + (f" with {args.only}" if args.only else "")
            )
        require_snapped(fac, "points", args.max_snap_m)
        fac.save_csv(wd.file("facilities.csv"))
        wd.update_state(facilities=str(Path(args.facilities).resolve()))
    else:
        fac = wd.facilities()
    names = wd.state().get("municipality_names") or {}
    res = reach_summary(net, pop, fac, threshold_min=args.minutes, names=names)
    wd.write_json("reach.json", res)
    _print_reach(res)
    out = {k: v for k, v in res.items() if k != "unit_time_s"}
    return out


def _parse_only(text: str | None) -> tuple[str, set[str]] | None:
    if not text:
        return None
    column, sep, values = text.partition("=")
    if not sep or not column.strip() or not values.strip():
        raise PlanningError(
            f"--only {text!r}: give COLUMN=V1,V2, e.g. lifecycle=established"
        )
    return column.strip(), {v.strip() for v in values.split(",")}


def _print_reach(res: dict) -> None:
    m = res["threshold_min"]
    _say(f"{res['facilities']} points; population {res['population']:.0f}")
    _say(f"within {m:g} min: {res['covered']:.0f} ({100 * res['share_covered']:.1f} %)")
    _say(
        "  "
        + "  ".join(
            f"{k} min: {100 * v / max(res['population'], 1e-9):.1f} %"
            for k, v in res["within"].items()
        )
    )
    if res["unsnapped_population"]:
        _say(
            f"  not on the road network (counted as not reached): "
            f"{res['unsnapped_population']:.0f} persons"
        )
    _say(f"{'municipality':<28}{'population':>12}{'covered':>10}{'share':>8}")
    for row in res["municipalities"]:
        _say(
            f"{row['name'][:27]:<28}{row['population']:>12.0f}{row['covered']:>10.0f}"
            f"{100 * row['share_covered']:>7.1f}%"
        )


# -- candidates -----------------------------------------------------------------------


def cmd_candidates(args, wd) -> dict:
    # deferred: each step loads only its own part of the planning extra
    from sot.planning import candidates as cand

    net = wd.network()
    pois: list = []
    if args.stores or args.fuel:
        if not (args.stores and args.fuel):
            raise PlanningError("give both --stores and --fuel CSVs, or --pbf")
        pois = cand.pois_from_csv(args.stores, "grocery") + cand.pois_from_csv(
            args.fuel, "fuel"
        )
        origin = f"{args.stores} + {args.fuel}"
    else:
        pbf = args.pbf or wd.state().get("pbf")
        if not pbf:
            raise PlanningError("give --pbf FILE.osm.pbf or --stores and --fuel CSVs")
        pois = cand.pois_from_pbf(pbf, progress=not args.quiet)
        origin = pbf
    extra = (
        cand.read_sites_csv(args.add, net, source="user", max_snap_m=args.max_snap_m)
        if args.add
        else None
    )
    sites = cand.candidate_sites(
        net, pois, pair_m=args.pair_m, max_snap_m=args.max_snap_m, extra=extra
    )
    if not len(sites):
        raise PlanningError(
            f"no grocery store has a fuel station within {args.pair_m:g} m in "
            f"{origin}; raise --pair-m or add candidates with --add FILE.csv"
        )
    wd.ensure()
    sites.save_csv(wd.file("candidates.csv"))
    n_store = sum(p.kind == "grocery" for p in pois)
    n_fuel = sum(p.kind == "fuel" for p in pois)
    un = sites.unsnapped()
    _say(f"{n_store} grocery stores, {n_fuel} fuel stations ({origin})")
    _say(
        f"{len(sites)} candidates ({sum(s == 'store+fuel' for s in sites.source)} store + "
        f"fuel within {args.pair_m:g} m, {sum(s == 'user' for s in sites.source)} given)"
    )
    if un["count"]:
        _say(
            f"  outside the road network (not used): {un['count']}: "
            + ", ".join(un["names"][:10])
        )
    for rec in sites.records()[:50]:
        _say(f"  {rec['name'][:60]:<60} {rec['lat']:.5f} {rec['lon']:.5f}")
    return {
        "grocery_stores": n_store,
        "fuel_stations": n_fuel,
        "pair_m": args.pair_m,
        "candidates": sites.records(),
        "count": len(sites),
        "outside_network": un,
    }


# -- site -----------------------------------------------------------------------------


def cmd_site(args, wd) -> dict:
    # deferred: each step loads only its own part of the planning extra
    from sot.planning.reach import ball_times, nearest_facility

    net = wd.network()
    pop = wd.population()
    cands = wd.candidates().only_snapped()
    if not len(cands):
        raise PlanningError(
            "no candidate lies on the road network; see 'sot plan candidates'"
        )
    if args.model != "lscp" and not 1 <= args.p <= len(cands):
        raise PlanningError(
            f"-p {args.p}: choose between 1 and {len(cands)} new points (the number "
            "of candidates on the network); add candidates with 'sot plan candidates "
            "--add FILE.csv'"
        )
    nodes, weight = pop.demand()
    cutoff = args.minutes * 60.0
    existing_t = np.full(nodes.size, np.inf)
    n_existing = 0
    if not args.no_existing and wd.has("facilities.csv"):
        fac = wd.facilities().only_snapped()
        n_existing = len(fac)
        if n_existing:
            t_node, _ = nearest_facility(net, fac.node)
            existing_t = t_node[nodes]
    t0 = time.perf_counter()
    times = ball_times(net, cands.node, cutoff, demand_nodes=nodes)
    t_matrix = time.perf_counter() - t0
    res, out = results.site(
        args.model,
        times,
        weight,
        existing_t,
        p=args.p,
        minutes=args.minutes,
        candidate_records=cands.records(),
        method=args.method,
        time_limit_s=args.time_limit,
    )
    out.update(
        existing_points=n_existing,
        population=float(weight.sum()) + pop.unsnapped()["population"],
        matrix_seconds=round(t_matrix, 3),
    )
    wd.write_json(f"site-{args.model}.json", out)
    gap = out["gap"]
    _say(
        f"{args.model} ({res.method}), {args.minutes:g} min, {len(cands)} candidates, "
        f"{nodes.size} demand nodes, {n_existing} existing points"
    )
    _say(
        f"objective {res.objective:.1f}, bound {res.bound:.1f} ({res.bound_source}), "
        f"proven gap {'n/a' if gap is None else f'{100 * gap:.3f} %'}, "
        f"{res.time_s:.2f} s (+ {t_matrix:.2f} s travel-time matrix)"
    )
    _say(
        f"covered within {args.minutes:g} min: {out['covered_before']:.0f} -> "
        f"{out['covered_after']:.0f} of {out['population']:.0f}"
    )
    for rec in out["chosen_sites"]:
        _say(f"  new: {rec['name']} ({rec['lat']:.5f}, {rec['lon']:.5f})")
    return out


# -- what-if --------------------------------------------------------------------------


def cmd_what_if(args, wd) -> dict:
    # deferred: each step loads only its own part of the planning extra
    from sot.planning.analysis import criticality, what_if
    from sot.planning.candidates import read_sites_csv

    net = wd.network()
    pop = wd.population()
    fac = wd.facilities()
    add = None
    if args.add:
        add = read_sites_csv(args.add, net, source="added")
    if args.add_candidate:
        cands = wd.candidates()
        missing = [n for n in args.add_candidate if n not in cands.name]
        if missing:
            raise PlanningError(
                f"no candidate named {', '.join(missing)}; see candidates.csv"
            )
        picked = cands.subset([cands.name.index(n) for n in args.add_candidate])
        add = picked if add is None else add.concat(picked)
    closed = [_parse_close(c) for c in args.close]
    res = what_if(
        net,
        pop,
        fac,
        remove=args.remove,
        add=add,
        closed=closed,
        threshold_min=args.minutes,
    )
    res["criticality"] = criticality(net, pop, fac, threshold_min=args.minutes)
    wd.write_json("whatif.json", res)
    m = args.minutes
    _say(
        f"within {m:g} min before: {res['covered_before']:.0f}, after: "
        f"{res['covered_after']:.0f}"
    )
    if closed:
        _say(f"  roads closed: {res['closed_arcs']} arcs removed")
    _say(
        f"  lose reach: {res['lost_population']:.0f} persons ({res['lost_units']} units)"
    )
    _say(
        f"  gain reach: {res['gained_population']:.0f} persons ({res['gained_units']} units)"
    )
    _say("population that only this point reaches (lost if it alone fails):")
    for row in res["criticality"][:20]:
        _say(f"  {row['name'][:50]:<50}{row['only_this_one']:>10.0f}")
    return res


def _parse_close(text: str) -> tuple[float, float, float]:
    try:
        lat, lon, radius = (float(v) for v in text.split(","))
    except ValueError:
        raise PlanningError(
            f"--close {text!r}: give LAT,LON,RADIUS_M, e.g. --close 63.17,14.64,200"
        ) from None
    return lon, lat, radius


# -- report ---------------------------------------------------------------------------


def cmd_report(args, wd) -> dict:
    # deferred: each step loads only its own part of the planning extra
    from sot.planning.report import write_report

    out = Path(args.out) if args.out else wd.path
    files = write_report(wd, out, title=args.title, progress=not args.quiet)
    for f in files.values():
        _say(f"wrote {f}")
    return {k: str(v) for k, v in files.items()}


if __name__ == "__main__":
    sys.exit(main())
