"""Background tasks of the public app (django-tasks, database backend): publishing
the static snapshot, off the web workers.

A public change calls :func:`request_publish`, which writes the change down
(:class:`~sot.public.models.PendingPublish`) and enqueues one ``publish_pending``
task ``DEBOUNCE_S`` later unless one is already waiting. The task worker that
`sot serve` starts runs it; it publishes every pending change in one run, so a
burst of changes gives one publish. Nothing is published in the web process and
no thread is started there.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from sot.public import incremental, site
from sot.public.models import PendingPublish

log = logging.getLogger(__name__)

#: Seconds a publish task waits after the change that enqueued it, so that the
#: changes of a burst (a form saving a point and its services, several reports in
#: one go: their on-commit hooks run within milliseconds of each other) are
#: published together. Changes that come while a publish runs, or while a task
#: waits, are taken by that task or the next. 0.05 s since the change's own pages
#: take a quarter of a second at 3 000 points (it was 0.2 s, most of the wait).
DEBOUNCE_S = 0.05
#: Seconds the files that list every point (GeoJSON, CSV, the search index, the
#: localities pages: :func:`sot.public.incremental.publish_lists`) wait after the
#: first change's own pages are out: the changes of those seconds make them once.
#: They take seconds of CPU at national scale (the localities of all Sweden), and
#: their readers (feeds, search) are cached for 30 s anyway (docs/scaling.md).
LISTS_DEBOUNCE_S = 5.0
#: ``publish_lists`` runs in the slow queue, which `sot serve` gives a worker of
#: its own: seconds of work there never delay the next change's own pages (and a
#: worker taking every queue still runs ``publish_pending`` first).
LISTS_PRIORITY = -10


@task()
def publish_pending(directory: str = "") -> dict:
    """Publish every pending change to ``directory`` (default SOT_PUBLISH_DIR) in
    one run: only the files the changed points and municipalities affect, or
    everything when one of the changes asks for it."""
    target = directory or settings.PUBLISH_DIR
    if not target:
        return {"published": False, "reason": "SOT_PUBLISH_DIR is empty"}
    result = site.publish_pending(target)
    if result is None:
        return {"published": False, "reason": "nothing pending"}
    enqueue_lists(delay_s=LISTS_DEBOUNCE_S)
    return {"published": True, "changed": result.changed, "files": result.files}


@task(priority=LISTS_PRIORITY, queue_name=settings.SLOW_TASK_QUEUE)
def publish_lists(directory: str = "") -> dict:
    """The deferred part of an incremental publish: the files that list every
    point, made once for the changes published since the last run."""
    target = directory or settings.PUBLISH_DIR
    if not target:
        return {"published": False, "reason": "SOT_PUBLISH_DIR is empty"}
    result = site.publish_lists(target)
    if result is None:
        return {"published": False, "reason": "nothing pending"}
    site.push_to_storage(target)
    return {"published": True, "changed": result.changed, "files": result.files}


@task()
def publish_snapshot(
    directory: str = "", slugs: list[str] | None = None, municipalities: list = ()
) -> dict:
    """Publish the static site to ``directory`` (default SOT_PUBLISH_DIR): only what
    a change to ``slugs``/``municipalities`` affects, or everything without them."""
    target = directory or settings.PUBLISH_DIR
    if not target:
        return {"published": False, "reason": "SOT_PUBLISH_DIR is empty"}
    result = site.publish_changes(
        target, slugs=slugs, municipalities=list(municipalities)
    )
    return {
        "published": True,
        "changed": result.changed,
        "files": result.files,
        "build": str(result.build),
    }


def _task_path(t) -> str:
    return f"{t.func.__module__}.{t.func.__qualname__}"


def waiting_publish_tasks(t=publish_pending) -> int:
    """How many ``publish_pending`` (or ``t``) tasks wait in the database queue (not
    started)."""
    return DBTaskResult.objects.filter(task_path=_task_path(t), status="READY").count()


def enqueue_publish(*, delay_s: float = 0) -> bool:
    """Enqueue ``publish_pending`` unless one is already waiting (it will take the
    new changes too). A failure is logged: the changes stay pending for the next
    run or the scheduler's sweep."""
    return _enqueue_once(publish_pending, delay_s, "the publish task")


def enqueue_lists(*, delay_s: float = 0) -> bool:
    """Enqueue ``publish_lists`` unless one is already waiting. A failure is
    logged: the snapshot's marker keeps the lists pending for the sweep."""
    return _enqueue_once(publish_lists, delay_s, "the lists task")


def _enqueue_once(t, delay_s: float, what: str) -> bool:
    try:
        if waiting_publish_tasks(t):
            return False
        if delay_s > 0:
            t = t.using(run_after=timezone.now() + timedelta(seconds=delay_s))
        t.enqueue()
        return True
    except Exception:
        log.exception("could not enqueue %s", what)
        return False


def request_publish(
    *, slugs: list[str] | None = None, municipalities: list[str] | tuple = ()
) -> bool:
    """Have ``SOT_PUBLISH_DIR`` republished soon, by the task worker.

    ``slugs`` (and ``municipalities``) name what changed: only the files they
    affect are written. Without them the whole site is rebuilt. Returns False when
    no publish directory is configured.
    """
    if not settings.PUBLISH_DIR:
        return False
    if slugs is None:
        rows = [PendingPublish(everything=True)]
    else:
        rows = [PendingPublish(slug=s) for s in slugs] + [
            PendingPublish(municipality_code=c) for c in municipalities
        ]
        # a message for everyone (no point, no municipality): the common pages
        rows = rows or [PendingPublish()]
    try:
        PendingPublish.objects.bulk_create(rows)
    except Exception:  # never break the request whose change it was
        log.exception("could not write down the change to publish")
        return False
    enqueue_publish(delay_s=DEBOUNCE_S)
    return True


def sweep_pending() -> bool:
    """The scheduler's safety net: enqueue a publish when changes wait without a
    task (an enqueue that failed, a worker that died mid-run), and the deferred
    lists when a snapshot still asks for them."""
    if not settings.PUBLISH_DIR:
        return False
    lists = incremental.lists_marker(settings.PUBLISH_DIR).exists() and enqueue_lists()
    if PendingPublish.objects.exists():
        return enqueue_publish() or lists
    return lists
