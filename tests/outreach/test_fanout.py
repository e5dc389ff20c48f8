"""An alert to many subscribers: enqueued by the request, fanned out in batches,
never duplicated, delivered at the channel's rate."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from sot.operations import services as ops
from sot.outreach import conf, fanout, tasks
from sot.outreach.models import DeliveryState, Message, PointNotice, Subscription


def _open(activation, user):
    ops.submit_status_report(
        point=activation.point,
        event=activation.event,
        reported_by=user,
        source="web",
        state="open",
        services={"food": "yes"},
    )


def _subscribe(point, n: int) -> None:
    Subscription.objects.bulk_create(
        [
            Subscription(
                channel="sms",
                address=f"+467000{i:05d}",
                municipality=point.municipality,
                state="active",
                token=f"t{i:06d}",
            )
            for i in range(n)
        ]
    )


def test_the_request_only_enqueues_one_task(
    queued_alerts, kall_active, kall_operator, django_capture_on_commit_callbacks
):
    _subscribe(kall_active.point, 50)
    with django_capture_on_commit_callbacks(execute=True):
        _open(kall_active, kall_operator)
    assert not Message.objects.filter(resident=True).exists()
    queued = DBTaskResult.objects.filter(task_path__endswith=".alert")
    assert queued.count() == 1
    # the worker runs it
    assert tasks.alert.call(kall_active.pk) == 50
    assert Message.objects.filter(resident=True, purpose="point_opened").count() == 50


def test_fan_out_in_batches_without_duplicates(
    monkeypatch, kall_active, kall_operator, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(conf, "FAN_OUT_BATCH", 40)
    _subscribe(kall_active.point, 130)
    with django_capture_on_commit_callbacks(execute=True):
        _open(kall_active, kall_operator)
    alerts = Message.objects.filter(resident=True, purpose="point_opened")
    assert alerts.count() == 130
    assert alerts.values("to").distinct().count() == 130
    # a worker restarted mid-way runs the same fan-out again: nothing new
    notice = PointNotice.objects.get(activation=kall_active)
    kall_active.refresh_from_db()
    again = fanout.fan_out(
        activation=kall_active,
        seq=notice.seq,
        template="point_opened",
        offers=notice.offers,
        when="12:00",
    )
    assert again == 130
    assert alerts.count() == 130


def test_a_resident_over_the_hourly_limit_is_suppressed(
    monkeypatch, kall_active, kall_operator, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("SOT_NOTIFY_RESIDENT_MAX_PER_HOUR", "0")
    _subscribe(kall_active.point, 3)
    with django_capture_on_commit_callbacks(execute=True):
        _open(kall_active, kall_operator)
    states = set(Message.objects.filter(resident=True).values_list("state", flat=True))
    assert states == {DeliveryState.SUPPRESSED}


@pytest.mark.parametrize("rate", [2])
def test_delivery_holds_the_channel_rate(
    monkeypatch, rate, kall_active, kall_operator, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("SOT_NOTIFY_CHANNEL_RATE_PER_SECOND", str(rate))
    monkeypatch.setattr("time.sleep", lambda s: None)
    _subscribe(kall_active.point, 45)
    with django_capture_on_commit_callbacks(execute=True):
        _open(kall_active, kall_operator)
    before = DBTaskResult.objects.filter(task_path__endswith=".send_queued").count()
    sent = tasks.send_queued.call()
    assert sent == rate * 10  # one run hands the channel ten seconds' worth
    assert Message.objects.filter(resident=True, state="queued").count() == 45 - 20
    after = DBTaskResult.objects.filter(task_path__endswith=".send_queued").count()
    assert after == before + 1  # and comes back for the rest
