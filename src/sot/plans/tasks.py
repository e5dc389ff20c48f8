"""Background tasks of the planning app (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from sot.plans import runner
from sot.plans.models import PlanningRun


@task()
def execute_run(run_id: int) -> str:
    """Carry out one planning run; returns its final status."""

    run = PlanningRun.objects.filter(pk=run_id).first()
    if run is None or run.is_finished:
        return "gone" if run is None else run.status
    return runner.execute(run).status
