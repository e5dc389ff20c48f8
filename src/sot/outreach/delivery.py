"""Queueing and sending messages: delivery records, rate limits, retries, no doubles.

* :func:`queue_message` creates the delivery record under an idempotency ``key``;
  the same key never makes a second message, so a repeated event, a webhook that
  arrives twice or a task that runs twice sends nothing new.
* :func:`deliver` sends one queued message. It first *claims* it (``queued`` ->
  ``sending`` in one conditional UPDATE that also counts the attempt), so two
  workers cannot both send it, and records the outcome only while its claim holds.
  A message whose worker died while it was claimed is put back in the queue by
  :func:`reclaim_stale` after ``SOT_SEND_CLAIM_TIMEOUT_SECONDS``, once per claim
  (one conditional UPDATE), and then sent once more.
  Connection errors and HTTP 429/5xx put it back in the queue with exponential
  back-off (``SOT_SEND_BACKOFF_SECONDS`` x 2^n, ``SOT_SEND_MAX_ATTEMPTS`` tries);
  permanent errors fail it; an answer that never came (the provider may have sent
  it) fails it as "outcome unknown", never retried.
* Sending runs in the background task queue: the tasks :func:`send_message` and
  :func:`send_queued` are defined here, beside what they run; :func:`deliver_due` is
  the sweep that also picks up retries whose time has come.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from sot.outreach import conf
from sot.outreach.channels import backend_for
from sot.outreach.core.gsm import segment_info
from sot.outreach.core.twilio import ProviderError
from sot.outreach.models import DeliveryState, Message

log = logging.getLogger("sot.outreach")

#: states that count against a recipient's rate limit
_COUNTED = [
    DeliveryState.QUEUED,
    DeliveryState.SENDING,
    DeliveryState.SENT,
    DeliveryState.DELIVERED,
]


def _over_limit(to: str, *, resident: bool, now: datetime) -> bool:
    hour_ago = now - timedelta(hours=1)
    recent = Message.objects.filter(to=to, created_at__gte=hour_ago, state__in=_COUNTED)
    if recent.count() >= conf.get(conf.RATE_PER_HOUR):
        return True
    if resident:
        limit = conf.get(conf.RESIDENT_RATE_PER_HOUR)
        return recent.filter(resident=True).count() >= limit
    return False


def queue_message(
    *,
    key: str,
    channel: str,
    to: str,
    body: str,
    purpose: str,
    subject: str = "",
    member=None,
    callout=None,
    resident: bool = False,
    now: datetime | None = None,
) -> tuple[Message, bool]:
    """Create the delivery record for one message; returns (message, created).

    If ``key`` exists already, the existing record is returned and nothing new is
    queued. A recipient over the hourly limit gets a ``suppressed`` record.
    Sending is enqueued on commit.
    """
    now = now or timezone.now()
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    state = DeliveryState.QUEUED
    error = ""
    if _over_limit(to, resident=resident, now=now):
        state = DeliveryState.SUPPRESSED
        error = "rate limit per recipient"
    segments = segment_info(body).segments if channel == "sms" else None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key,
                channel=channel,
                to=to,
                body=body,
                purpose=purpose,
                subject=subject,
                member=member,
                callout=callout,
                resident=resident,
                state=state,
                error=error,
                created_at=now,
                next_attempt_at=now,
                segments=segments,
            )
    except IntegrityError:
        # Same key created concurrently: the other one wins.
        return Message.objects.get(key=key), False
    if state == DeliveryState.QUEUED:
        transaction.on_commit(lambda: enqueue_delivery(message.pk))
    else:
        log.warning("message %s suppressed: %s", key, error)
    return message, True


def _claim(message_id: int, now: datetime) -> bool:
    return bool(
        Message.objects.filter(
            pk=message_id, state=DeliveryState.QUEUED, next_attempt_at__lte=now
        ).update(state=DeliveryState.SENDING, sent_at=now, attempts=F("attempts") + 1)
    )


_OUTCOME = [
    "backend",
    "state",
    "next_attempt_at",
    "provider_id",
    "provider_status",
    "provider_answer",
    "error",
    "segments",
    "delivered_at",
]


def _record(message: Message) -> None:
    """Write the outcome of a send while this worker's claim still holds (the same
    attempt in ``sending``); a claim taken back meanwhile is left alone."""
    kept = Message.objects.filter(
        pk=message.pk, state=DeliveryState.SENDING, attempts=message.attempts
    ).update(**{name: getattr(message, name) for name in _OUTCOME})
    if not kept:
        log.warning("message %s: claim taken back before the outcome", message.key)


def reclaim_stale(*, now: datetime | None = None) -> int:
    """Put back in the queue the messages a worker claimed and never finished (it
    died), so that they are sent once more; one that has had its tries fails."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.get(conf.SEND_CLAIM_TIMEOUT_SECONDS))
    stale = Message.objects.filter(state=DeliveryState.SENDING, sent_at__lt=cutoff)
    # one conditional UPDATE each: two sweeps cannot both put a message back
    again = stale.filter(attempts__lt=conf.get(conf.SEND_MAX_ATTEMPTS)).update(
        state=DeliveryState.QUEUED,
        next_attempt_at=now,
        error="claimed by a worker that stopped; sent again",
    )
    given_up = stale.update(
        state=DeliveryState.FAILED,
        error="claimed by a worker that stopped, tries used up; outcome unknown",
    )
    if again or given_up:
        log.warning("stale claims: %d queued again, %d failed", again, given_up)
    return again


def _claim_many(ids: list[int], now: datetime) -> list[int] | None:
    """Claim the queued ones of ``ids`` whose time has come, in one conditional
    UPDATE (one commit for a whole batch); returns the ids this worker claimed, or
    None where the database cannot say (SQLite before 3.35: no RETURNING)."""
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return None
    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {q(Message._meta.db_table)} SET {q('state')} = %s, "
        f"{q('sent_at')} = %s, {q('attempts')} = {q('attempts')} + 1 "
        f"WHERE {q('id')} IN ({marks}) AND {q('state')} = %s "
        f"AND {q('next_attempt_at')} <= %s RETURNING {q('id')}"
    )
    at = connection.ops.adapt_datetimefield_value(now)
    params = [DeliveryState.SENDING, at, *ids, DeliveryState.QUEUED, at]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def deliver(message_id: int, *, now: datetime | None = None) -> Message:
    """Send one queued message whose time has come (no-op otherwise)."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return Message.objects.get(pk=message_id)
    message = Message.objects.get(pk=message_id)  # attempts counted by the claim
    return _send_claimed(message, now=now)


def _send_claimed(message: Message, *, now: datetime) -> Message:
    """Hand a message this worker claimed to its channel and record the outcome."""
    backend = backend_for(message.channel)
    message.backend = backend.name
    try:
        result = backend.send(to=message.to, body=message.body, subject=message.subject)
    except ProviderError as exc:
        message.provider_answer = exc.answer[:2000]
        message.error = str(exc)[:300]
        if exc.retryable and message.attempts < conf.get(conf.SEND_MAX_ATTEMPTS):
            wait = conf.get(conf.SEND_BACKOFF_SECONDS) * 2 ** (message.attempts - 1)
            message.state = DeliveryState.QUEUED
            message.next_attempt_at = now + timedelta(seconds=wait)
            _record(message)
            enqueue_delivery(message.pk, run_after=message.next_attempt_at)
            return message
        if exc.ambiguous:
            message.error = (
                "outcome unknown, not retried to avoid a duplicate: " + message.error
            )[:300]
        message.state = DeliveryState.FAILED
        _record(message)
        log.warning("message %s failed: %s", message.key, message.error)
        return message
    message.provider_id = result.provider_id
    message.provider_status = result.provider_status
    message.provider_answer = result.answer[:2000]
    message.state = result.state if result.state != "queued" else DeliveryState.SENT
    message.error = ""
    if result.segments is not None:
        message.segments = result.segments
    if message.state == DeliveryState.DELIVERED:
        message.delivered_at = now
    _record(message)
    return message


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send every queued message whose time has come (and those a dead worker
    left claimed); returns how many were tried."""
    now = now or timezone.now()
    reclaim_stale(now=now)
    ids = list(
        Message.objects.filter(state=DeliveryState.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    claimed = _claim_many(ids, now)
    if claimed is None:
        for pk in ids:
            deliver(pk, now=now)
        return len(ids)
    # claimed in one commit, then each sent and recorded on its own
    for message in Message.objects.filter(pk__in=claimed).order_by(
        "next_attempt_at", "id"
    ):
        _send_claimed(message, now=now)
    return len(claimed)


_ORDER = {
    DeliveryState.QUEUED: 0,
    DeliveryState.SENDING: 1,
    DeliveryState.SENT: 2,
    DeliveryState.DELIVERED: 3,
    DeliveryState.FAILED: 3,
}


def apply_status_update(
    *,
    provider_id: str,
    state: str,
    provider_status: str,
    error_code: str | None = None,
    now: datetime | None = None,
) -> Message | None:
    """A provider's delivery report. Never moves a record backwards."""
    now = now or timezone.now()
    message = Message.objects.filter(provider_id=provider_id).first()
    if message is None:
        return None
    if _ORDER.get(DeliveryState(state), 0) < _ORDER.get(
        DeliveryState(message.state), 0
    ):
        return message
    message.state = state
    message.provider_status = provider_status
    if error_code:
        message.error = f"provider error {error_code}"
    if state == DeliveryState.DELIVERED:
        message.delivered_at = now
    message.save(update_fields=["state", "provider_status", "error", "delivered_at"])
    return message


# -- background tasks (django-tasks; the database backend in production) ----------


@task()
def send_message(message_id: int) -> None:
    """Send one queued message (a no-op if it was sent already)."""
    deliver(message_id)


@task()
def send_queued() -> int:
    """Deliver queued messages at the channel's rate and come back while any are
    left (a large alert drains this way, one task at a time)."""
    rate = max(1, conf.get(conf.CHANNEL_RATE_PER_SECOND))
    started = time.monotonic()
    sent = deliver_due(limit=rate * 10)
    spare = 10 - (time.monotonic() - started)
    if Message.objects.filter(state=DeliveryState.QUEUED).exists():
        if spare > 0:
            time.sleep(spare)  # hold the channel's rate: rate * 10 per 10 s
        enqueue(send_queued)
    return sent


def enqueue(t, *args, run_after: datetime | None = None) -> None:
    """Enqueue task ``t``; if the queue cannot take it, the record stays queued and
    the sweep (`sot notify_tick`, or the scheduler of `sot serve`) sends it."""
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
    enqueue(send_message, message_id, run_after=run_after)


def enqueue_sending() -> None:
    enqueue(send_queued)
