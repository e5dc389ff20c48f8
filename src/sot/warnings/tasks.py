"""Background tasks of the warnings app (django-tasks, database backend).

``poll_due_sources`` polls every source that is due and expires old messages. With
``every_s`` it enqueues itself again that many seconds later, so one
``sot warnings poll --schedule`` keeps the worker polling (``sot serve`` runs the
worker). ``sot warnings poll --loop`` does the same in the foreground.

The queue stores a task by its dotted path, so the names these tasks had before #10
(``poll_due_feeds``, ``poll_feed``) stay as aliases: a task enqueued under the old
name before an upgrade still runs after it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from sot.warnings import polling
from sot.warnings.models import WarningSource

log = logging.getLogger("sot.warnings")


@task()
def poll_due_sources(every_s: int = 0) -> dict:
    """Poll the sources that are due; returns slug -> outcome."""

    try:
        return polling.poll_due()
    finally:
        if every_s > 0:
            schedule_polling(every_s=every_s, delay_s=every_s)


@task()
def poll_source(slug: str) -> str:
    """Poll one source now (unless it is backing off); returns the outcome."""

    source = WarningSource.objects.get(slug=slug)
    return polling.poll_source(source).outcome.value


def pending_polls() -> int:
    """How many scheduled ``poll_due_sources`` wait in the database queue (also
    under its old name, enqueued before an upgrade)."""

    return DBTaskResult.objects.filter(
        task_path__in=(poll_due_sources.module_path, f"{__name__}.poll_due_feeds"),
        status="READY",
    ).count()


def schedule_polling(*, every_s: int, delay_s: int = 0) -> bool:
    """Enqueue the self-repeating poll unless one is already waiting."""
    try:
        if pending_polls():
            return False
        t = poll_due_sources
        if delay_s:
            t = t.using(run_after=timezone.now() + timedelta(seconds=delay_s))
        t.enqueue(every_s=every_s)
        return True
    except Exception:  # polling by hand (`sot warnings poll`) still works
        log.exception("could not schedule polling the warning sources")
        return False


def keep_polling() -> bool:
    """The scheduler's job: keep one self-repeating poll (every 30 s) queued."""
    return schedule_polling(every_s=30)


#: the names before #10, for tasks enqueued under them before an upgrade
poll_due_feeds = poll_due_sources
poll_feed = poll_source
