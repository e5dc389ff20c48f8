"""Outreach's background tasks (django-tasks; the database backend in production).

Each task is defined beside the service it runs: sending in
:mod:`sot.outreach.delivery`, call-out reminders in :mod:`sot.outreach.callouts`,
residents' alerts and county warnings in :mod:`sot.outreach.subscriptions`. This module names them all
(tasks queued under these paths before they moved still run) and holds the sweep,
which uses both sending and call-outs.
"""

from __future__ import annotations

from django_tasks import task

from sot.outreach.callouts import callout_reminders, enqueue_reminders, send_reminders
from sot.outreach.core.callout import CallOutState
from sot.outreach.delivery import (
    deliver_due,
    enqueue_delivery,
    enqueue_sending,
    send_message,
    send_queued,
)
from sot.outreach.models import CallOut
from sot.outreach.subscriptions import (
    alert,
    enqueue_alert,
    finish_interrupted_alerts,
    finish_interrupted_warnings,
    warn,
)

__all__ = [
    "alert",
    "callout_reminders",
    "enqueue_alert",
    "enqueue_delivery",
    "enqueue_reminders",
    "enqueue_sending",
    "send_message",
    "send_queued",
    "sweep",
    "warn",
]


@task()
def sweep() -> dict:
    """Send queued messages whose time has come and call-out reminders that are due,
    and finish alerts and county warnings whose fan-out a stopped worker left half-done (what
    `sot notify_tick` does; the scheduler of `sot serve` enqueues it)."""
    finish_interrupted_alerts()
    finish_interrupted_warnings()
    reminded = sum(
        send_reminders(callout_id=pk)
        for pk in CallOut.objects.filter(state=CallOutState.OPEN).values_list(
            "pk", flat=True
        )
    )
    return {"reminders": reminded, "sent": deliver_due()}
