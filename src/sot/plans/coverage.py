"""Coverage figures for the national overview: per county, the share of the
population within X minutes of an established or approved point.

A county's figure comes from its latest finished planning run (road network or
straight-line, at that run's minutes) when there is one, otherwise from the
straight-line model (`sot.planning.straightline`) over the bundled localities, their
population scaled to each municipality's figure in the register, at
``SOT_PLAN_COVERAGE_MINUTES``. A fixed number of queries, whatever the number of
points or runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from sot.planning.straightline import StraightLine
from sot.plans.conf import COVERAGE_MINUTES
from sot.plans.models import PlanningRun, RunStatus, TravelModel
from sot.plans.runner import localities_in
from sot.registry.models import PUBLIC_LIFECYCLES, Point


@dataclass(frozen=True)
class Coverage:
    minutes: float
    population: float
    covered: float
    #: "run" (the figure of planning run ``run_id``) or "straight-line"
    source: str
    run_id: int | None = None
    road: bool = False

    @property
    def share(self) -> float:
        return self.covered / self.population if self.population else 0.0

    @property
    def share_pct(self) -> float:
        return round(100 * self.share, 1)


def by_county(county_codes) -> dict[str, Coverage]:
    """The coverage of each county in ``county_codes`` (absent: no population)."""
    codes = set(county_codes)
    out: dict[str, Coverage] = {}
    latest = (
        PlanningRun.objects.filter(status=RunStatus.DONE, county_code__in=codes)
        .values("county_code")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    for run in PlanningRun.objects.filter(pk__in=list(latest)):
        county = next(
            (
                c
                for c in run.summary.get("counties", [])
                if c["code"] == run.county_code
            ),
            None,
        )
        if county is None or not county.get("population"):
            continue
        out[run.county_code] = Coverage(
            minutes=run.summary.get("minutes", run.minutes),
            population=county["population"],
            covered=county["covered"],
            source="run",
            run_id=run.pk,
            road=run.travel_model == TravelModel.ROAD,
        )
    rest = codes - set(out)
    if rest:
        out.update(straight_line(rest, minutes=COVERAGE_MINUTES.value()))
    return out


def straight_line(county_codes, *, minutes: float) -> dict[str, Coverage]:
    """Coverage on the straight-line model for the counties given."""
    units = localities_in(county_codes, totals=True)
    if not len(units):
        return {}
    points = np.array(
        Point.objects.filter(lifecycle__in=PUBLIC_LIFECYCLES).values_list("lon", "lat"),
        dtype=float,
    ).reshape(-1, 2)
    # the nearest point may lie in the next county: people cross county lines
    t, _ = StraightLine().nearest(points[:, 0], points[:, 1], units.lon, units.lat)
    within = t <= minutes * 60.0
    county = np.array([m[:2] for m in units.municipality])
    out = {}
    for code in sorted(set(county)):
        mask = county == code
        out[code] = Coverage(
            minutes=minutes,
            population=float(units.weight[mask].sum()),
            covered=float(units.weight[mask & within].sum()),
            source="straight-line",
        )
    return out


def total(rows: list[Coverage]) -> Coverage | None:
    """The sum over counties (None when they do not share one time)."""
    if not rows or len({c.minutes for c in rows}) != 1:
        return None
    return Coverage(
        minutes=rows[0].minutes,
        population=sum(c.population for c in rows),
        covered=sum(c.covered for c in rows),
        source="sum",
    )
