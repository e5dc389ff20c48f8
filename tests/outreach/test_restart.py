"""A worker that stops half-way through a fan-out: run again (the task retried, or
the sweep), it makes one message per recipient and alert."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sot.operations import services as ops
from sot.outreach import conf, fanout, subscriptions, tasks
from sot.outreach.models import Message, Subscription
from sot.registry.models import County, Point


class WorkerKilled(Exception):
    """Raised inside a statement, as if the worker process died there."""


def _kill_after(n_inserts: int):
    """A connection wrapper that lets ``n_inserts`` INSERTs into the messages
    through and stops the worker at the next one."""
    seen = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "outreach_message"'):
            if seen["n"] == n_inserts:
                raise WorkerKilled
            seen["n"] += 1
        return execute(sql, params, many, context)

    return wrapper


@pytest.fixture
def county_of_30(jamtland):
    """Jämtland with 30 SMS subscribers, 5 of them also subscribed to Kall."""
    county = County.objects.create(code="23", name="Jämtlands län")
    kall = Point.objects.get(slug="kall")
    Subscription.objects.bulk_create(
        [
            Subscription(
                channel="sms", address=f"+467000{i:05d}", county=county, state="active"
            )
            for i in range(30)
        ]
        + [
            Subscription(
                channel="sms",
                address=f"+467000{i:05d}",
                point=kall,
                state="active",
            )
            for i in range(0, 30, 6)
        ]
    )
    return county


def _per_recipient(warning) -> dict[str, int]:
    counts: dict[str, int] = {}
    for to in Message.objects.filter(
        key__startswith=f"warning:{warning.pk}:"
    ).values_list("to", flat=True):
        counts[to] = counts.get(to, 0) + 1
    return counts


def test_a_fan_out_killed_half_way_and_run_again_makes_one_message_each(
    monkeypatch, county_of_30
):
    monkeypatch.setattr(conf, "FAN_OUT_BATCH", 4)  # 9 batches
    warning = subscriptions.warn_county(by=None, county=county_of_30, text="Storm.")
    with connection.execute_wrapper(_kill_after(3)), pytest.raises(WorkerKilled):
        tasks.warn.call(warning.pk)
    half = _per_recipient(warning)
    assert 0 < len(half) < 30  # the batches before the kill are kept
    warning.refresh_from_db()
    assert warning.fanned_out_at is None  # so it is known to be unfinished
    # the task retried (a restarted worker), twice over
    assert tasks.warn.call(warning.pk) == 30
    assert tasks.warn.call(warning.pk) == 30
    counts = _per_recipient(warning)
    assert len(counts) == 30 and set(counts.values()) == {1}


def test_the_sweep_finishes_a_fan_out_a_stopped_worker_left(monkeypatch, county_of_30):
    monkeypatch.setattr(conf, "FAN_OUT_BATCH", 4)
    warning = subscriptions.warn_county(by=None, county=county_of_30, text="Storm.")
    with connection.execute_wrapper(_kill_after(2)), pytest.raises(WorkerKilled):
        subscriptions.send_warning(warning_id=warning.pk)
    # too early: the task may still be running somewhere
    assert subscriptions.finish_interrupted_warnings() == 0
    later = timezone.now() + timedelta(
        seconds=conf.get(conf.SEND_CLAIM_TIMEOUT_SECONDS) + 1
    )
    assert subscriptions.finish_interrupted_warnings(now=later) == 1
    counts = _per_recipient(warning)
    assert len(counts) == 30 and set(counts.values()) == {1}
    assert subscriptions.finish_interrupted_warnings(now=later) == 0  # finished


def test_a_point_alert_run_twice_stays_one_message_per_subscriber(
    monkeypatch,
    county_of_30,
    kall_active,
    kall_operator,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(conf, "FAN_OUT_BATCH", 4)
    for _ in range(2):
        with connection.execute_wrapper(_kill_after(2)), pytest.raises(WorkerKilled):
            fanout.fan_out(
                activation=kall_active,
                seq=1,
                template="point_opened",
                offers={"food": True},
                when="12:00",
            )
    fanout.fan_out(
        activation=kall_active,
        seq=1,
        template="point_opened",
        offers={"food": True},
        when="12:00",
    )
    tos = list(
        Message.objects.filter(
            key__startswith=f"alert:{kall_active.pk}:1:"
        ).values_list("to", flat=True)
    )
    assert len(tos) == len(set(tos)) == 30


def test_the_sweep_finishes_a_point_alert_a_stopped_worker_left(
    monkeypatch, county_of_30, kall_active, kall_operator
):
    monkeypatch.setattr(conf, "FAN_OUT_BATCH", 4)
    ops.submit_status_report(
        point=kall_active.point,
        event=kall_active.event,
        reported_by=kall_operator,
        source="web",
        state="open",
        services={"food": "yes"},
    )
    with connection.execute_wrapper(_kill_after(2)), pytest.raises(WorkerKilled):
        subscriptions.alert_residents(activation_id=kall_active.pk)
    alerts = Message.objects.filter(purpose="point_opened")
    assert 0 < alerts.count() < 30
    assert subscriptions.finish_interrupted_alerts() == 0  # may still be running
    later = timezone.now() + timedelta(
        seconds=conf.get(conf.SEND_CLAIM_TIMEOUT_SECONDS) + 1
    )
    assert subscriptions.finish_interrupted_alerts(now=later) == 1
    tos = list(alerts.values_list("to", flat=True))
    assert len(tos) == len(set(tos)) == 30
    assert subscriptions.finish_interrupted_alerts(now=later) == 0  # finished
    # the alert task run again has nothing new to tell
    assert subscriptions.alert_residents(activation_id=kall_active.pk) == 0
    assert alerts.count() == 30
