"""Background tasks of the operations app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def mark_stale_points() -> int:
    """The freshness check: set *unknown* on points whose reports went stale."""
    from sot.operations.services import mark_stale

    return len(mark_stale())
