"""Carrying out a planning run (called by the background task).

The inputs come from the install (the county's established and approved points, the
bundled localities, the municipalities' population and boundaries) or from files the
coordinator uploaded. A run with a road file goes through the same steps as ``sot plan``
(network, population, candidates, reach, site, report) in its own folder; a run
without one uses the straight-line model (`sot.planning.straightline`). Either way the
folder ends up holding ``reach.json`` and ``site-MODEL.json`` with the same keys,
``map.svg``, and for road runs ``report.html``/``report.pdf`` when matplotlib is
installed. Progress is written to the run's row as it goes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
from pathlib import Path

import numpy as np
from django.utils import timezone
from django_tasks import task

from sot.geo.crs import from_sweref99tm
from sot.planning import cli as planning_cli
from sot.planning import extra, firstlook
from sot.planning.errors import ExtraMissing, PlanningError
from sot.planning.firstlook import Places
from sot.planning.straightline import StraightLine, great_circle_m
from sot.plans import maps
from sot.plans.fetch import fetch_road_file
from sot.plans.models import (
    CandidateSource,
    PlanningRun,
    PopulationSource,
    RoadSource,
    RunStatus,
)
from sot.public.core.gazetteer import places
from sot.registry.models import PUBLIC_LIFECYCLES, Municipality, Point

log = logging.getLogger(__name__)

#: A locality within this distance of an existing point is not a candidate.
CANDIDATE_MIN_DISTANCE_M = 2000.0


def progress(run: PlanningRun, pct: int, step: str) -> None:
    """Record how far the run has come (its page shows it while it runs)."""
    run.progress_pct, run.step = pct, step
    PlanningRun.objects.filter(pk=run.pk).update(progress_pct=pct, step=step)


# -- inputs from the install ----------------------------------------------------------


def facilities(county_code: str):
    """The county's established and approved points."""
    rows = Point.objects.filter(
        municipality__county_code=county_code, lifecycle__in=PUBLIC_LIFECYCLES
    ).values_list("name", "lon", "lat", "municipality__code")
    return Places.from_rows(
        [
            {"name": n, "lon": lon, "lat": lat, "municipality": code}
            for n, lon, lat, code in rows
        ]
    )


def municipality_names(county_code: str) -> dict[str, str]:
    return dict(
        Municipality.objects.filter(county_code=county_code).values_list("code", "name")
    )


def localities(county_code: str, *, totals: bool = False):
    """The county's localities with their population (bundled gazetteer).

    With ``totals`` each municipality's population (the register's figure) is spread
    over its localities in proportion to theirs, so the rural population counts too.
    """
    return localities_in({county_code}, totals=totals)


def localities_in(county_codes, *, totals: bool = False):
    """`localities` for several counties at once (two queries at most)."""
    codes = set(county_codes)
    rows = [
        {
            "name": p.name,
            "lon": p.lon,
            "lat": p.lat,
            "population": float(p.population),
            "municipality": p.municipality_code,
        }
        for p in places()
        if p.municipality_code[:2] in codes and p.population > 0
    ]
    if totals:
        sums: dict[str, float] = {}
        for r in rows:
            sums[r["municipality"]] = sums.get(r["municipality"], 0) + r["population"]
        factor = {
            code: pop / sums[code]
            for code, pop in Municipality.objects.filter(
                county_code__in=codes, population__isnull=False
            ).values_list("code", "population")
            if sums.get(code)
        }
        for r in rows:
            r["population"] *= factor.get(r["municipality"], 1.0)
    return Places.from_rows(rows)


def _areas(county_code: str) -> list[dict]:
    return [
        {"name": name, "geometry": geometry}
        for name, geometry in Municipality.objects.filter(
            county_code=county_code
        ).values_list("name", "boundary")
    ]


# -- the run --------------------------------------------------------------------------


def execute(run: PlanningRun) -> PlanningRun:
    """Carry out ``run``; ends DONE with its summary or FAILED with a message."""
    run.status, run.started_at = RunStatus.RUNNING, timezone.now()
    run.error = ""
    run.save(update_fields=["status", "started_at", "error"])
    directory = run.directory()
    directory.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            if run.straight_line:
                summary = _straight_line(run, directory)
            else:
                summary = _road(run, directory)
    except PlanningError as exc:
        return _fail(run, str(exc))
    except Exception as exc:  # a bug: keep the run's row honest, log the traceback
        log.exception("planning run %s failed", run.pk)
        return _fail(run, f"internt fel: {type(exc).__name__}: {exc}")
    finally:
        (directory / "log.txt").write_text(buf.getvalue(), encoding="utf-8")
    run.summary = summary
    run.status, run.progress_pct, run.step = RunStatus.DONE, 100, "klar"
    run.finished_at = timezone.now()
    run.save(update_fields=["summary", "status", "progress_pct", "step", "finished_at"])
    return run


def _fail(run: PlanningRun, message: str) -> PlanningRun:
    run.status, run.error, run.finished_at = RunStatus.FAILED, message, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


def _summary(reach: dict, site: dict | None) -> dict:
    keep = ("code", "name", "population", "covered", "share_covered")
    return {
        "minutes": reach["threshold_min"],
        "population": reach["population"],
        "covered": reach["covered"],
        "share_covered": reach["share_covered"],
        "facilities": reach["facilities"],
        "travel_model": reach.get("travel_model", {"model": "road"}),
        "counties": reach["counties"],
        "municipalities": [
            {k: m[k] for k in keep if k in m} for m in reach["municipalities"]
        ],
        "site": None
        if site is None
        else {
            "model": site["model"],
            "chosen": [c["name"] for c in site.get("chosen_sites", [])],
            "gap": site.get("gap"),
            "covered_before": site.get("covered_before"),
            "covered_after": site.get("covered_after"),
        },
    }


def _write(directory: Path, name: str, data) -> None:
    (directory / name).write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _inputs(directory: Path) -> Path:
    return directory / "input"


def _straight_line(run: PlanningRun, directory: Path) -> dict:
    model = StraightLine()
    progress(run, 10, "befolkning och punkter")
    if run.population_source == PopulationSource.FILE:
        units = firstlook.read_places_csv(
            _inputs(directory) / "population.csv", with_population=True
        )
    elif run.population_source == PopulationSource.NODES:
        raise PlanningError("en person per vägnod kräver en vägfil")
    else:
        units = localities(
            run.county_code, totals=run.population_source == PopulationSource.TOTALS
        )
    if not len(units):
        raise PlanningError("ingen befolkning i länet att räkna på")
    fac = facilities(run.county_code)
    names = municipality_names(run.county_code)
    progress(run, 30, "räckvidd (fågelväg)")
    reach = firstlook.reach(units, fac, minutes=run.minutes, model=model, names=names)
    _write(directory, "reach.json", reach)
    progress(run, 50, "kandidatplatser")
    cands = _candidates(run, directory, fac)
    progress(run, 60, f"val av nya punkter ({run.get_model_display()})")
    site = None
    unavailable = ""
    if len(cands):
        try:
            site = firstlook.site(
                run.model,
                units,
                fac,
                cands,
                p=min(run.p, len(cands)),
                minutes=run.minutes,
                model=model,
            )
        except ExtraMissing:  # reach and the map need numpy only; say what is missing
            unavailable = extra.INSTALL
        else:
            _write(directory, f"site-{run.model}.json", site)
    progress(run, 85, "karta")
    chosen = site["chosen_sites"] if site else []
    after = firstlook.times_after(units, fac, chosen, model) if chosen else None
    _write(
        directory,
        "places.json",
        {
            "units": [
                {**u, "population": float(w)}
                for u, w in zip(units.records(), units.weight, strict=True)
            ],
            "facilities": fac.records(),
            "candidates": cands.records(),
        },
    )
    note = (
        f"Fågelvägsmodell: avstånd × {model.detour:g} ÷ {model.speed_kmh:g} km/h, "
        "inte vägnätet."
    )
    _map(run, directory, units, reach["unit_time_s"], fac, chosen, "map.svg", note)
    if after is not None:
        _map(run, directory, units, list(after), fac, chosen, "map-after.svg", note)
    summary = _summary(reach, site)
    if unavailable:
        summary["siting_needs"] = unavailable
    return summary


def _candidates(run: PlanningRun, directory: Path, fac):
    if run.candidate_source == CandidateSource.FILES:
        stores = firstlook.read_places_csv(_inputs(directory) / "stores.csv")
        fuel = firstlook.read_places_csv(_inputs(directory) / "fuel.csv")
        cands = firstlook.pair_sites(stores, fuel)
        if not len(cands):
            raise PlanningError(
                "ingen butik har en drivmedelsstation inom 500 m i de uppladdade filerna"
            )
        return cands
    if run.candidate_source == CandidateSource.ROAD:
        raise PlanningError("butiker ur vägfilen kräver en vägfil")
    places = localities(run.county_code)
    keep = [
        i
        for i in range(len(places))
        if not len(fac)
        or great_circle_m(places.lon[i], places.lat[i], fac.lon, fac.lat).min()
        > CANDIDATE_MIN_DISTANCE_M
    ]
    return firstlook.Places.from_rows([places.records()[i] for i in keep])


def _map(run, directory, units, times_s, fac, chosen, name, note) -> None:
    rows = [
        {
            "name": units.name[i],
            "lon": float(units.lon[i]),
            "lat": float(units.lat[i]),
            "population": float(units.weight[i]),
            "minutes": None
            if times_s[i] is None or times_s[i] == float("inf")
            else times_s[i] / 60,
        }
        for i in range(len(units))
    ]
    title = (
        "Restid till närmaste SOT-punkt"
        if name == "map.svg"
        else "Restid med de föreslagna nya punkterna"
    )
    svg = maps.render(
        areas=_areas(run.county_code),
        units=rows,
        facilities=fac.records(),
        proposed=chosen,
        title=title,
        note=note,
    )
    (directory / name).write_text(svg, encoding="utf-8")


# -- with a road file -----------------------------------------------------------------


def _step(directory: Path, argv: list[str]) -> dict:
    """One ``sot plan`` step in the run's folder (the same code as the CLI)."""
    # deferred: the work directory reads roads and population with scipy (the
    # planning extra, which may be absent)
    from sot.planning.workdir import Workdir

    args = planning_cli.build_parser().parse_args(
        [*argv, "--workdir", str(directory), "--quiet"]
    )
    handler = getattr(planning_cli, "cmd_" + args.command.replace("-", "_"))
    return handler(args, Workdir(directory))


def _road_file(run: PlanningRun, directory: Path) -> Path:
    path = _inputs(directory) / "roads.osm.pbf"
    if run.road_source == RoadSource.URL and not path.exists():
        progress(run, 2, "hämtar vägfilen")
        fetch_road_file(run.road_name, path)
    if not path.exists():
        raise PlanningError("ingen vägfil: ladda upp en .osm.pbf eller välj adressen")
    return path


def _csv(path: Path, header: list[str], rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _road(run: PlanningRun, directory: Path) -> dict:
    inputs = _inputs(directory)
    pbf = _road_file(run, directory)
    progress(run, 5, "vägnät")
    _step(directory, ["network", str(pbf)])
    areas = inputs / "municipalities.geojson"

    features = [
        {
            "type": "Feature",
            "properties": {"kommun_kod": code, "kommun": name},
            "geometry": geometry,
        }
        for code, name, geometry in Municipality.objects.filter(
            county_code=run.county_code, boundary__isnull=False
        ).values_list("code", "name", "boundary")
    ]
    muni_args: list[str] = []
    if features:
        areas.write_text(
            json.dumps({"type": "FeatureCollection", "features": features}),
            encoding="utf-8",
        )
        muni_args = ["--municipalities", str(areas)]
    progress(run, 30, "befolkning")
    if run.population_source == PopulationSource.NODES:
        _step(directory, ["population", "--kind", "nodes", *muni_args])
    elif run.population_source == PopulationSource.FILE:
        _step(directory, ["population", str(inputs / "population.csv"), *muni_args])
    else:
        units = localities(
            run.county_code, totals=run.population_source == PopulationSource.TOTALS
        )
        path = _csv(
            inputs / "localities.csv",
            ["name", "lat", "lon", "population", "kommun_kod"],
            (
                (units.name[i], units.lat[i], units.lon[i], units.weight[i], m)
                for i, m in enumerate(units.municipality)
            ),
        )
        _step(directory, ["population", str(path), "--kind", "points", *muni_args])
    progress(run, 45, "SOT-punkter och räckvidd")
    fac = facilities(run.county_code)
    points = _csv(
        inputs / "points.csv",
        ["name", "lat", "lon"],
        zip(fac.name, fac.lat, fac.lon, strict=True),
    )
    _step(
        directory,
        ["reach", "--facilities", str(points), "--minutes", f"{run.minutes:g}"],
    )
    progress(run, 55, "kandidatplatser")
    if run.candidate_source == CandidateSource.FILES:
        _step(
            directory,
            [
                "candidates",
                "--stores",
                str(inputs / "stores.csv"),
                "--fuel",
                str(inputs / "fuel.csv"),
            ],
        )
    else:
        _step(directory, ["candidates", "--pbf", str(pbf)])
    progress(run, 65, f"val av nya punkter ({run.get_model_display()})")
    site = _step(
        directory,
        [
            "site",
            "--model",
            run.model,
            "-p",
            str(run.p),
            "--minutes",
            f"{run.minutes:g}",
        ],
    )
    progress(run, 80, "karta och rapport")
    _road_map(run, directory, fac, site.get("chosen_sites", []))
    try:
        _step(directory, ["report", "--title", "Räckvidd för SOT-punkter"])
    except ImportError:  # matplotlib is in the planning extra; the map above stays
        log.info("planning run %s: no report (matplotlib not installed)", run.pk)
    reach_full = json.loads((directory / "reach.json").read_text(encoding="utf-8"))
    return _summary(reach_full, site)


def _road_map(run, directory, fac, chosen) -> None:
    # deferred: the work directory reads roads and population with scipy (the
    # planning extra, which may be absent)
    from sot.planning.workdir import Workdir

    wd = Workdir(directory)
    pop = wd.population()
    reach = wd.read_json("reach.json", "reach")
    lon, lat = from_sweref99tm(pop.x, pop.y)
    units = Places(name=[str(i) for i in pop.ids], lon=lon, lat=lat, weight=pop.weight)
    if len(units) > 5000:  # a map of the largest units; the report has them all
        keep = np.argsort(-units.weight)[:5000]
        times = [reach["unit_time_s"][i] for i in keep]
        units = Places(
            name=[units.name[i] for i in keep],
            lon=units.lon[keep],
            lat=units.lat[keep],
            weight=units.weight[keep],
        )
    else:
        times = reach["unit_time_s"]
    _map(run, directory, units, times, fac, chosen, "map.svg", "Restid längs vägnätet.")


@task()
def execute_run(run_id: int) -> str:
    """The background task (django-tasks) beside the work it runs: carry out one
    planning run; returns its final status."""
    run = PlanningRun.objects.filter(pk=run_id).first()
    if run is None or run.is_finished:
        return "gone" if run is None else run.status
    return execute(run).status
