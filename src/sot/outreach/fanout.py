"""An alert or a county's warning to every subscriber, in batches, off the request
path.

:func:`fan_out` (a point's alert: subscribers of the point, its municipality and
its county) and :func:`fan_out_warning` (a county's warning: subscribers of the
county, its municipalities and its points) queue one
:class:`~sot.outreach.models.Message` per channel and address with set-based SQL:
for each range of ``FAN_OUT_BATCH`` subscription ids one ``INSERT ... SELECT``
from the subscription table, in its own short transaction (SQLite's write lock is
free between batches). Nothing is done per row in Python: the body for each
channel and language is rendered once and chosen in SQL, the e-mail unsubscribe
link is the token appended in SQL, and the recipients over their hourly limit are
found once per fan-out by one grouped scan of the last hour's messages.

The message key (``alert:<activation>:<seq>:<channel>:<address>``, or
``warning:<id>:<channel>:<address>``) is unique in the database, i.e. one message
per alert and recipient however many of their subscriptions cover it; every
insert is ``ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL), so running the
fan-out again (after a worker restart) adds only what is missing and never a
duplicate. Delivery is one task (:func:`sot.outreach.delivery.send_queued`) that
hands the channel at most ``SOT_NOTIFY_CHANNEL_RATE_PER_SECOND`` messages a second
and re-enqueues itself until the queue is empty.
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
from sot.outreach.delivery import _COUNTED, enqueue_sending
from sot.outreach.models import (
    Channel,
    DeliveryState,
    Language,
    Message,
    Subscription,
    SubscriptionState,
)
from sot.registry.models import County, Municipality, Point

_LIMIT_ERROR = "rate limit per recipient"


def _unsubscribe_parts() -> tuple[str, str]:
    """The e-mail unsubscribe URL before and after the token."""
    base = env.get("SOT_SITE_URL").rstrip("/")
    marker = "TOKEN0MARKER"
    url = base + reverse("outreach:unsubscribe", args=[marker])
    before, after = url.split(marker)
    return before, after


def _by_language(column: str, values: dict[str, object]) -> tuple[str, list]:
    """``CASE s.language WHEN 'en' THEN ... ELSE <sv> END`` with its parameters."""
    sql, params = "CASE " + column, []
    for language, value in values.items():
        if language != Language.SV:
            sql += " WHEN %s THEN %s"
            params += [language, value]
    sql += " ELSE %s END"
    params.append(values[Language.SV])
    return sql, params


def _statement(*, texts: dict, key_prefix: str, filters_sql: str) -> tuple:
    """The ``INSERT ... SELECT`` of one batch: (sql, parameters before those of
    ``filters_sql``)."""
    q = connection.ops.quote_name
    s = "s." + q("language")
    sms_body, sms_params = _by_language(s, texts["sms"])
    mail_body, mail_params = _by_language(s, texts["email"])
    subject, subject_params = _by_language(s, texts["subject"])
    segments, segment_params = _by_language(s, texts["segments"])
    before, after = _unsubscribe_parts()
    expressions = {
        # one message per channel and address, whichever of their subscriptions
        # (point, municipality, county) brought them in
        "key": ("%s || s.channel || ':' || s.address", [key_prefix]),
        "channel": ("s.channel", []),
        "to": ("s.address", []),
        "body": (
            f"CASE WHEN s.channel = %s THEN ({mail_body}) || %s || s.token || %s"
            f" ELSE {sms_body} END",
            [Channel.EMAIL, *mail_params, before, after, *sms_params],
        ),
        "subject": (
            f"CASE WHEN s.channel = %s THEN {subject} ELSE %s END",
            [Channel.EMAIL, *subject_params, ""],
        ),
        "segments": (
            f"CASE WHEN s.channel = %s THEN {segments} ELSE NULL END",
            [Channel.SMS, *segment_params],
        ),
    }
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    columns, selects, params = [], [], []
    for f in fields:
        columns.append(q(f.column))
        if f.name in expressions:
            sql, p = expressions[f.name]
        else:
            sql, p = (
                "%s",
                [
                    f.get_db_prep_save(
                        texts["row"].get(f.name, f.get_default()), connection
                    )
                ],
            )
        selects.append(sql)
        params += p
    table = q(Message._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {q(Subscription._meta.db_table)} s "
        f"WHERE {filters_sql} ON CONFLICT ({q('key')}) DO NOTHING"
    )
    return sql, params


def _over_limit(*, now, key_prefix: str) -> set[str] | None:
    """Recipients who had their hour's messages (all, or residents' alerts),
    counted once per fan-out in one grouped scan of the last hour; this alert's
    own messages (after a restart) do not count. None: everyone (a limit of 0)."""
    max_all = conf.get(conf.RATE_PER_HOUR)
    max_resident = conf.get(conf.RESIDENT_RATE_PER_HOUR)
    if min(max_all, max_resident) <= 0:
        return None
    recent = (
        Message.objects.filter(
            created_at__gte=now - timedelta(hours=1), state__in=_COUNTED
        )
        .exclude(key__startswith=key_prefix)
        .values("to")
        .annotate(n=Count("id"), resident=Count("id", filter=Q(resident=True)))
        .filter(Q(n__gte=max_all) | Q(resident__gte=max_resident))
    )
    return set(recent.values_list("to", flat=True))


def _point_scope(point) -> tuple[str, list]:
    """Subscribers of the point, of its municipality and of its county."""
    county_id = (
        County.objects.filter(code=point.municipality.county_code)
        .values_list("pk", flat=True)
        .first()
    )
    return (
        "(s.point_id = %s OR s.municipality_id = %s OR s.county_id = %s)",
        [point.pk, point.municipality_id, county_id],
    )


def _county_scope(county) -> tuple[str, list]:
    """Subscribers of the county, of its municipalities and of its points."""
    q = connection.ops.quote_name
    muni, pt = q(Municipality._meta.db_table), q(Point._meta.db_table)
    return (
        f"(s.county_id = %s OR s.municipality_id IN (SELECT m.id FROM {muni} m "
        f"WHERE m.county_code = %s) OR s.point_id IN (SELECT p.id FROM {pt} p "
        f"JOIN {muni} m ON p.municipality_id = m.id WHERE m.county_code = %s))",
        [county.pk, county.code, county.code],
    )


def _texts(bodies: dict[str, str], *, purpose: str, now) -> dict:
    """What the INSERT chooses from, per channel and language: each body once."""
    sms, email, subject, segments = {}, {}, {}, {}
    for language, body in bodies.items():
        word = "Unsubscribe" if language == "en" else "Avsluta"
        sms[language], subject[language] = body, body[:80]
        email[language] = f"{body}\n\n{word}: "
        segments[language] = segment_info(body).segments
    row = {
        "purpose": purpose,
        "resident": True,
        "state": DeliveryState.QUEUED,
        "created_at": now,
        "next_attempt_at": now,
    }
    return {
        "sms": sms,
        "email": email,
        "subject": subject,
        "segments": segments,
        "row": row,
    }


def _fan_out(*, key_prefix: str, scope: tuple[str, list], bodies, purpose) -> int:
    """Queue ``bodies`` (per language) to every active subscriber in ``scope``, one
    message per channel and address; returns how many recipients that is."""
    q = connection.ops.quote_name
    scope_sql, scope_params = scope
    with connection.cursor() as cursor:
        # ids, channels and addresses only (a few MB at 100 000): the batches are
        # id ranges, so no batch evaluates the whole scope again
        cursor.execute(
            f"SELECT s.id, s.channel, s.address FROM "
            f"{q(Subscription._meta.db_table)} s WHERE s.state = %s AND {scope_sql} "
            "ORDER BY s.id",
            [SubscriptionState.ACTIVE, *scope_params],
        )
        everyone = cursor.fetchall()
    if not everyone:
        return 0
    now = timezone.now()
    texts = _texts(bodies, purpose=purpose, now=now)
    limited = dict(
        texts,
        row=dict(texts["row"], state=DeliveryState.SUPPRESSED, error=_LIMIT_ERROR),
    )
    where_sql = f"s.state = %s AND s.id >= %s AND s.id <= %s AND {scope_sql}"
    queued_sql, queued_params = _statement(
        texts=texts, key_prefix=key_prefix, filters_sql=where_sql
    )
    over = _over_limit(now=now, key_prefix=key_prefix)
    for start in range(0, len(everyone), conf.FAN_OUT_BATCH):
        batch = everyone[start : start + conf.FAN_OUT_BATCH]
        where = [SubscriptionState.ACTIVE, batch[0][0], batch[-1][0], *scope_params]
        held = [pk for pk, _ch, address in batch if over is None or address in over]
        with transaction.atomic(), connection.cursor() as cursor:
            if held:
                # recipients over their hourly limit first, as suppressed records;
                # the unique key then skips them when everyone is inserted
                marks = ", ".join(["%s"] * len(held))
                sql, params = _statement(
                    texts=limited,
                    key_prefix=key_prefix,
                    filters_sql=f"{where_sql} AND s.id IN ({marks})",
                )
                cursor.execute(sql, params + where + held)
            cursor.execute(queued_sql, queued_params + where)
    transaction.on_commit(enqueue_sending)
    return len({(channel, address) for _pk, channel, address in everyone})


def fan_out(*, activation, seq: int, template: str, offers: dict, when: str) -> int:
    """Queue the alert for every active subscriber of the activation's point, its
    municipality or its county (one message per address); returns how many
    recipients it was made for."""
    point = activation.point
    prefix = "ÖVNING " if activation.event.is_exercise else ""
    url = (env.get("SOT_SITE_URL").rstrip("/") + f"/punkt/{point.slug}").split(
        "://", 1
    )[-1]
    bodies = {}
    for language in Language.values:
        values = {
            "point": point.name,
            "time": when,
            "url": url,
            "offers": describe_offers(language, offers),
        }
        bodies[language] = prefix + render(
            template, language, values, limit=160 - len(prefix)
        )
    return _fan_out(
        key_prefix=f"alert:{activation.pk}:{seq}:",
        scope=_point_scope(point),
        bodies=bodies,
        purpose=template,
    )


def fan_out_warning(*, warning) -> int:
    """Queue a county's warning to residents for every active subscriber of the
    county, of its municipalities and of its points (one message per address)."""
    bodies = {
        Language.SV: warning.sms_text("sv"),
        Language.EN: warning.sms_text("en"),
    }
    return _fan_out(
        key_prefix=f"warning:{warning.pk}:",
        scope=_county_scope(warning.county),
        bodies=bodies,
        purpose="county_warning",
    )
