"""Background tasks (django-tasks; the database backend in production)."""

from __future__ import annotations

import logging
from datetime import datetime

from django_tasks import task

log = logging.getLogger("sot.outreach")


@task()
def send_message(message_id: int) -> None:
    """Send one queued message (a no-op if it was sent already)."""
    from sot.outreach.delivery import deliver

    deliver(message_id)


@task()
def callout_reminders(callout_id: int) -> None:
    """Send the reminders that are due for a call-out, and come back later."""
    from sot.outreach.callouts import send_reminders

    send_reminders(callout_id=callout_id)


def _enqueue(t, *args, run_after: datetime | None = None) -> None:
    try:
        backend = t.get_backend()
        if run_after is not None:
            if not backend.supports_defer:
                return  # the sweep (`sot notify_tick`) picks it up when due
            t = t.using(run_after=run_after)
        t.enqueue(*args)
    except Exception:  # the record stays queued; the sweep sends it
        log.exception("could not enqueue %s%r", t.name, args)


def enqueue_delivery(message_id: int, *, run_after: datetime | None = None) -> None:
    _enqueue(send_message, message_id, run_after=run_after)


def enqueue_reminders(callout_id: int, *, run_after: datetime) -> None:
    _enqueue(callout_reminders, callout_id, run_after=run_after)


@task()
def sweep() -> dict:
    """Send queued messages whose time has come and call-out reminders that are due
    (what `sot notify_tick` does; the scheduler of `sot serve` enqueues it)."""
    from sot.outreach.callouts import send_reminders
    from sot.outreach.core.callout import CallOutState
    from sot.outreach.delivery import deliver_due
    from sot.outreach.models import CallOut

    reminded = sum(
        send_reminders(callout_id=pk)
        for pk in CallOut.objects.filter(state=CallOutState.OPEN).values_list(
            "pk", flat=True
        )
    )
    return {"reminders": reminded, "sent": deliver_due()}
