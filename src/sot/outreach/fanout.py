"""An alert to every subscriber of a point, in batches, off the request path.

:func:`fan_out` makes one queued :class:`~sot.outreach.models.Message` per
subscriber, ``FAN_OUT_BATCH`` subscribers per short transaction, with
``bulk_create``; the message key (``alert:<activation>:<seq>:<subscription>``) is
unique in the database, so running the fan-out again for the same notice (after a
worker restart) inserts only what is missing and never a duplicate. The hourly
limit per resident is checked for a whole batch in one query. Delivery is one task
(:func:`sot.outreach.delivery.send_queued`) that hands the channel at most
``SOT_NOTIFY_CHANNEL_RATE_PER_SECOND`` messages a second and re-enqueues itself
until the queue is empty.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from sot.config import env
from sot.outreach import conf
from sot.outreach.core.gsm import segment_info
from sot.outreach.core.templates import describe_offers, render
from sot.outreach.delivery import enqueue_sending
from sot.outreach.models import (
    Channel,
    DeliveryState,
    Message,
    Subscription,
    SubscriptionState,
)

_COUNTED = (DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.SENT)


def _recent(addresses: list[str], now) -> tuple[dict[str, int], dict[str, int]]:
    """Messages per address in the last hour: all, and residents' alerts."""
    rows = (
        Message.objects.filter(
            to__in=addresses,
            created_at__gte=now - timedelta(hours=1),
            state__in=_COUNTED,
        )
        .values("to")
        .annotate(n=Count("id"), resident=Count("id", filter=Q(resident=True)))
    )
    every, resident = {}, {}
    for r in rows:
        every[r["to"]], resident[r["to"]] = r["n"], r["resident"]
    return every, resident


def _unsubscribe_url(token: str) -> str:
    base = env.get("SOT_SITE_URL").rstrip("/")
    return base + reverse("outreach:unsubscribe", args=[token])


def _insert(rows: list[dict]) -> None:
    """INSERT the messages, skipping keys that exist (``ON CONFLICT DO NOTHING``,
    SQLite and PostgreSQL): ``bulk_create`` spends most of its time preparing
    values field by field, which at 100 000 messages is most of the fan-out. Every
    other column gets its model default, prepared once."""
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(Message._meta.db_table)
    key = connection.ops.quote_name(Message._meta.get_field("key").column)
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT ({key}) DO NOTHING"
    )
    prepared: dict = {}

    def value(field, raw):
        cache_key = (field.name, raw if not isinstance(raw, dict) else id(raw))
        if cache_key not in prepared:
            prepared[cache_key] = field.get_db_prep_save(raw, connection)
        return prepared[cache_key]

    defaults = {f.name: f.get_default() for f in fields}
    varying = {"key", "to", "body"}
    params = []
    for row in rows:
        params.append(
            tuple(
                row[f.name]
                if f.name in varying
                else value(f, row.get(f.name, defaults[f.name]))
                for f in fields
            )
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def fan_out(*, activation, seq: int, template: str, offers: dict, when: str) -> int:
    """Queue the alert for every active subscriber of the activation's point (or
    its municipality); returns how many subscribers it was made for."""
    point = activation.point
    prefix = "ÖVNING " if activation.event.is_exercise else ""
    url = (env.get("SOT_SITE_URL").rstrip("/") + f"/punkt/{point.slug}").split(
        "://", 1
    )[-1]
    subscribers = (
        Subscription.objects.filter(state=SubscriptionState.ACTIVE)
        .filter(Q(point=point) | Q(municipality_id=point.municipality_id))
        .order_by("pk")
        .values_list("pk", "channel", "address", "language", "token")
    )
    max_all = conf.get(conf.RATE_PER_HOUR)
    max_resident = conf.get(conf.RESIDENT_RATE_PER_HOUR)
    bodies: dict[str, str] = {}
    segments: dict[str, int] = {}
    total = 0
    # one read of every subscriber (a few tens of MB at 100 000), then batches: a
    # keyset query per batch would scan the OR of point and municipality each time
    everyone = list(subscribers)
    for start in range(0, len(everyone), conf.FAN_OUT_BATCH):
        batch = everyone[start : start + conf.FAN_OUT_BATCH]
        now = timezone.now()
        every, resident = _recent([b[2] for b in batch], now)
        rows = []
        for pk, channel, address, language, token in batch:
            if language not in bodies:
                values = {
                    "point": point.name,
                    "time": when,
                    "url": url,
                    "offers": describe_offers(language, offers),
                }
                bodies[language] = prefix + render(
                    template, language, values, limit=160 - len(prefix)
                )
            body, subject = bodies[language], ""
            if channel == Channel.EMAIL:
                subject = body[:80]
                word = "Unsubscribe" if language == "en" else "Avsluta"
                body = f"{body}\n\n{word}: {_unsubscribe_url(token)}"
            if channel == "sms" and body not in segments:
                segments[body] = segment_info(body).segments
            over = (
                every.get(address, 0) >= max_all
                or resident.get(address, 0) >= max_resident
            )
            rows.append(
                {
                    "key": f"alert:{activation.pk}:{seq}:{pk}",
                    "channel": channel,
                    "to": address,
                    "body": body,
                    "subject": subject,
                    "purpose": template,
                    "resident": True,
                    "state": DeliveryState.SUPPRESSED if over else DeliveryState.QUEUED,
                    "error": "rate limit per recipient" if over else "",
                    "created_at": now,
                    "next_attempt_at": now,
                    "segments": segments.get(body) if channel == "sms" else None,
                }
            )
        with transaction.atomic():
            _insert(rows)
        total += len(batch)
    if total:
        transaction.on_commit(enqueue_sending)
    return total
