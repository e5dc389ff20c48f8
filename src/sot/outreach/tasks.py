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
def alert(activation_id: int) -> int:
    """Decide whether residents hear of a point's change, and fan the alert out
    (off the request that caused it)."""
    from sot.outreach.subscriptions import alert_residents

    return alert_residents(activation_id=activation_id)


@task()
def send_queued() -> int:
    """Deliver queued messages at the channel's rate and come back while any are
    left (a large alert drains this way, one task at a time)."""
    import time

    from sot.outreach import conf
    from sot.outreach.delivery import deliver_due
    from sot.outreach.models import DeliveryState, Message

    rate = max(1, conf.get(conf.CHANNEL_RATE_PER_SECOND))
    started = time.monotonic()
    sent = deliver_due(limit=rate * 10)
    spare = 10 - (time.monotonic() - started)
    if Message.objects.filter(state=DeliveryState.QUEUED).exists():
        if spare > 0:
            time.sleep(spare)  # hold the channel's rate: rate * 10 per 10 s
        _enqueue(send_queued)
    return sent


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


def enqueue_alert(activation_id: int) -> None:
    _enqueue(alert, activation_id)


def enqueue_sending() -> None:
    _enqueue(send_queued)


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
