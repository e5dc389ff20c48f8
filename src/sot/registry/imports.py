"""Imports as background jobs: the request stores the file, the task worker runs it.

An :class:`~sot.registry.models.ImportJob` row holds the file, the state, how many
rows are done of how many, and the errors by row and field. The point import
(admin, `sot import points`) and the roster import (API) go through here; each kind
registers a runner (the roster's from the outreach app), so this module names no
other app.

The job keeps the import's own rules: points are all or nothing (every row checked
first, then written in short transactions, see :func:`sot.registry.tables.import_points`),
the roster saves the good rows and reports the bad ones. While the rows are being
checked an official may cancel; once writing has begun the job runs to its end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sot.accounts import policy
from sot.errors import Conflict, Invalid, NotFound, Refused
from sot.registry import tables
from sot.registry.models import ImportJob, Municipality
from sot.validation import bounds, tabular

log = logging.getLogger("sot.registry")

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Kind:
    """How to check the right to start an import of one kind, and how to run it.

    ``run(job, progress)`` returns the result (a dict of counts) and the row errors
    that did not stop the import; it raises :class:`tables.ImportFailed` when nothing
    was kept.
    """

    authorize: Callable[[object, Municipality | None], None]
    run: Callable[[ImportJob, Progress], tuple[dict, list[tables.RowError]]]


KINDS: dict[str, Kind] = {}


def register(kind: str, *, authorize, run) -> None:
    """Make ``kind`` importable (the apps call this from ``AppConfig.ready``)."""
    KINDS[kind] = Kind(authorize=authorize, run=run)


class _Cancelled(Exception):
    pass


def start_import(
    *,
    actor,
    kind: str,
    data: bytes,
    filename: str,
    municipality: Municipality | None = None,
    options: dict | None = None,
    enqueue: bool = True,
) -> ImportJob:
    """Store the file as a queued job and hand it to the task worker (after commit).

    Checks the right to import and the file's size and name here, so a refusal is
    answered at once; the rows are read and checked by the worker.
    """
    if kind not in KINDS:
        raise Invalid(f"okänd import {kind!r}")
    if actor is not None:
        KINDS[kind].authorize(actor, municipality)
    try:
        tabular.check_size(len(data))
    except tabular.TableError as exc:
        raise Invalid(str(exc), code="file") from None
    name = bounds.strip_forbidden(filename or "", multiline=False)[:200] or "fil"
    if not name.lower().endswith((".csv", ".txt", ".xlsx")):
        raise Invalid("Okänt filformat: använd .csv eller .xlsx.", code="file")
    job = ImportJob.objects.create(
        kind=kind,
        filename=name,
        data=bytes(data),
        options=options or {},
        actor=actor,
        municipality=municipality,
    )
    if enqueue:
        transaction.on_commit(lambda: enqueue_job(job.pk))
    return job


@task()
def run_import(job_id: int) -> str:
    """The task: run one import job (points or roster); returns its final state."""
    return run_job(job_id).state


def enqueue_job(job_id: int) -> None:
    """Queue the task that runs the job; a failure leaves the job waiting (logged)."""
    try:
        run_import.enqueue(job_id)
    except Exception:
        log.exception("could not enqueue import job %s", job_id)


def _clean(text: object, limit: int = 1000) -> str:
    return bounds.strip_forbidden(str(text), multiline=False)[:limit]


def _error_rows(errors: list[tables.RowError]) -> list[list]:
    return [[e.row, _clean(e.field, 100), _clean(e.message)] for e in errors[:1000]]


def run_job(job_id: int, *, on_progress: Progress | None = None) -> ImportJob:
    """Run a queued job to its end (what the task does). A job that is no longer
    queued (run already, cancelled) is left as it is."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING,
        phase=ImportJob.Phase.READ,
        started_at=now,
        updated_at=now,
    )
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    if job.cancel_requested:
        return _finish(job, ImportJob.State.CANCELLED, {}, [])

    def progress(done: int, total: int, phase: str) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            rows_done=done, rows_total=total, phase=phase, updated_at=timezone.now()
        )
        job.rows_done, job.rows_total, job.phase = done, total, phase
        if on_progress is not None:
            on_progress(done, total, phase)
        if (
            phase != ImportJob.Phase.WRITE
            and ImportJob.objects.filter(pk=job_id, cancel_requested=True).exists()
        ):
            raise _Cancelled

    try:
        result, errors = KINDS[job.kind].run(job, progress)
    except _Cancelled:
        return _finish(job, ImportJob.State.CANCELLED, {}, [])
    except tables.ImportFailed as exc:
        return _finish(job, ImportJob.State.FAILED, {}, exc.errors)
    except Exception:
        log.exception("import job %s (%s) failed", job_id, job.filename)
        message = (
            "Ett oväntat fel stoppade importen; det är loggat. Rader som hann "
            "kontrolleras sparades inte."
            if job.phase != ImportJob.Phase.WRITE
            else "Ett oväntat fel stoppade importen efter %d av %d rader; det är "
            "loggat. Importera samma fil igen för att slutföra."
            % (job.rows_done, job.rows_total or 0)
        )
        return _finish(
            job, ImportJob.State.FAILED, {}, [tables.RowError(0, "fil", message)]
        )
    return _finish(job, ImportJob.State.DONE, result, errors)


def _finish(job: ImportJob, state, result: dict, errors) -> ImportJob:
    job.state = state
    job.result = result
    job.errors = _error_rows(errors)
    job.data = b""  # the file is not kept once the job has run
    job.finished_at = job.updated_at = timezone.now()
    job.save(
        update_fields=["state", "result", "errors", "data", "finished_at", "updated_at"]
    )
    return job


def cancel_job(*, actor, job: ImportJob) -> ImportJob:
    """Ask a waiting or checking job to stop; nothing of it is kept."""
    require_view(actor, job)
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.finished or current.phase == ImportJob.Phase.WRITE:
            raise Conflict(
                "Importen sparar redan rader och kan inte avbrytas."
                if not current.finished
                else "Importen är redan avslutad."
            )
        current.cancel_requested = True
        current.updated_at = timezone.now()
        current.save(update_fields=["cancel_requested", "updated_at"])
    return current


def require_view(actor, job: ImportJob) -> None:
    """The one who started a job sees it, and so does an administrator."""
    if job.actor_id is not None and job.actor_id == getattr(actor, "pk", None):
        return
    if policy.can(actor, policy.ADMINISTER):
        return
    raise Refused("not allowed: import.view")


def job_for(actor, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound("import not found")
    require_view(actor, job)
    return job


def recent_jobs(actor, *, kind: str, limit: int = 10):
    return ImportJob.objects.filter(kind=kind, actor=actor).defer("data")[:limit]


# The point import.


def _authorize_points(actor, municipality) -> None:
    policy.require(actor, policy.ADD_POINT)


def _run_points(job: ImportJob, progress: Progress):
    rows = tables.read_table(bytes(job.data), job.filename)
    progress(0, len(rows), ImportJob.Phase.CHECK)
    result = tables.import_points(
        actor=job.actor,
        rows=rows,
        source=job.options.get("source", "import"),
        confirm_outside=bool(job.options.get("confirm_outside")),
        dry_run=bool(job.options.get("dry_run")),
        progress=progress,
    )
    counts = {
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
    }
    return counts, []


register(ImportJob.Kind.POINTS, authorize=_authorize_points, run=_run_points)
