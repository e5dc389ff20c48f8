"""Starting a planning run: check, store the inputs, queue the task."""

from __future__ import annotations

import shutil

from django.db import transaction

from sot.accounts import policy
from sot.errors import Invalid
from sot.plans import conf
from sot.plans.models import (
    CandidateSource,
    PlanningRun,
    PopulationSource,
    RoadSource,
    TravelModel,
)
from sot.plans.permissions import RUN_PLANNING
from sot.plans.runner import execute_run


def start_run(
    *,
    actor,
    county_code: str,
    road_source: str,
    population_source: str,
    candidate_source: str,
    minutes: float,
    model: str,
    p: int,
    files: dict | None = None,
) -> PlanningRun:
    """Store a run and queue it. ``files`` maps ``roads``, ``population``,
    ``stores`` and ``fuel`` to uploaded files (objects with ``chunks()``)."""
    files = {k: v for k, v in (files or {}).items() if v}
    run = PlanningRun(
        created_by=actor,
        county_code=county_code,
        road_source=road_source,
        population_source=population_source,
        candidate_source=candidate_source,
        minutes=minutes,
        model=model,
        p=p,
    )
    policy.require(actor, RUN_PLANNING, run)
    road = road_source != RoadSource.NONE
    run.travel_model = TravelModel.ROAD if road else TravelModel.STRAIGHT
    if road_source == RoadSource.UPLOAD:
        if "roads" not in files:
            raise Invalid("ladda upp en vägfil (.osm.pbf)", code="no_road_file")
        run.road_name = files["roads"].name[:300]
    elif road_source == RoadSource.URL:
        run.road_name = conf.ROAD_URL.value()
        if not run.road_name:
            raise Invalid("ingen adress till en vägfil är inställd (SOT_PLAN_ROAD_URL)")
    if not road and population_source == PopulationSource.NODES:
        raise Invalid("en person per vägnod kräver en vägfil")
    if not road and candidate_source == CandidateSource.ROAD:
        raise Invalid("butiker ur vägfilen kräver en vägfil")
    if population_source == PopulationSource.FILE and "population" not in files:
        raise Invalid("ladda upp befolkningsfilen")
    if candidate_source == CandidateSource.FILES and not {"stores", "fuel"} <= set(
        files
    ):
        raise Invalid("ladda upp både butiker och drivmedelsstationer (CSV)")
    with transaction.atomic():
        run.save()
        inputs = run.directory() / "input"
        if inputs.exists():  # a folder left by an earlier database: start clean
            shutil.rmtree(run.directory())
        inputs.mkdir(parents=True)
        names = {
            "roads": "roads.osm.pbf",
            "population": "population.csv",
            "stores": "stores.csv",
            "fuel": "fuel.csv",
        }
        for key, upload in files.items():
            with (inputs / names[key]).open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    execute_run.enqueue(run_id)
