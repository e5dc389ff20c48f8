"""Demo: a first look at Jämtland on the straight-line model, so that /planering/
shows a real result at once: the eight points, the localities' population scaled to
each municipality's (SCB 2024), and three new points chosen by maximal covering
among the county's localities without a point. Idempotent: run once, kept."""

from __future__ import annotations

from sot.plans import runner
from sot.plans.models import (
    CandidateSource,
    PlanningRun,
    PopulationSource,
    RoadSource,
    RunStatus,
    SitingModel,
    TravelModel,
)
from sot.registry.demo import COUNTY_CODE


def load(stdout=None) -> PlanningRun | None:
    done = PlanningRun.objects.filter(
        county_code=COUNTY_CODE,
        travel_model=TravelModel.STRAIGHT,
        status=RunStatus.DONE,
    ).first()
    if done is not None:
        return done
    run = PlanningRun.objects.create(
        county_code=COUNTY_CODE,
        travel_model=TravelModel.STRAIGHT,
        road_source=RoadSource.NONE,
        population_source=PopulationSource.TOTALS,
        candidate_source=CandidateSource.LOCALITIES,
        minutes=15,
        model=SitingModel.MCLP,
        p=3,
    )
    runner.execute(run)
    if stdout is not None:
        s = run.summary
        if run.status == RunStatus.DONE:
            chosen = ", ".join((s.get("site") or {}).get("chosen", [])) or "–"
            stdout.write(
                f"Planering (fågelväg): {100 * s['share_covered']:.1f} % av "
                f"{s['population']:.0f} inom {s['minutes']:g} min; förslag: {chosen}"
            )
        else:
            stdout.write(f"Planering (fågelväg) misslyckades: {run.error}")
    return run
