"""Background tasks of the operations app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from sot.operations.services import mark_stale


@task()
def mark_stale_points() -> int:
    """The freshness check: set *unknown* on points whose reports went stale."""

    return len(mark_stale())
