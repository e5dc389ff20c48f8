"""Background tasks of the box app (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from sot.box import sync as box_sync


@task()
def sync() -> bool:
    """On a box: push and pull with central when it answers (a failure is logged
    and waits for the next round)."""
    return box_sync.scheduled_sync() is not None
