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


def _fan(activation, seq=1, template="point_opened"):
    return fanout.fan_out(
        activation=activation,
        seq=seq,
        template=template,
        offers={"food": True},
        when="12:00",
    )


def test_set_based_fan_out_picks_the_right_subscribers_and_texts(
    monkeypatch, kall_active, jamtland
):
    """Each subscriber gets the body of its channel and language, chosen in SQL;
    e-mail carries its own unsubscribe link; only active subscribers of the point
    or its municipality get anything."""
    from sot.registry.models import Municipality, Point

    monkeypatch.setattr(conf, "FAN_OUT_BATCH", 2)
    monkeypatch.setenv("SOT_SITE_URL", "https://sot.example.se")
    kall = kall_active.point
    krokom = Municipality.objects.get(code="2309")
    made = Subscription.objects.bulk_create(
        [
            Subscription(channel="sms", address="+46701", point=kall, state="active"),
            Subscription(
                channel="sms",
                address="+46702",
                municipality=kall.municipality,
                language="en",
                state="active",
            ),
            Subscription(
                channel="email",
                address="bo@example.se",
                point=kall,
                state="active",
                token="tok-bo",
            ),
            Subscription(
                channel="email",
                address="jo@example.se",
                point=kall,
                language="en",
                state="active",
                token="tok-jo",
            ),
            # none of these hears of Kall
            Subscription(channel="sms", address="+46703", point=kall, state="pending"),
            Subscription(channel="sms", address="+46704", point=kall, state="stopped"),
            Subscription(
                channel="sms", address="+46705", municipality=krokom, state="active"
            ),
            Subscription(
                channel="sms",
                address="+46706",
                point=Point.objects.get(slug="valsjobyn"),
                state="active",
            ),
        ]
    )
    assert _fan(kall_active) == 4
    messages = {m.to: m for m in Message.objects.filter(resident=True)}
    assert set(messages) == {"+46701", "+46702", "bo@example.se", "jo@example.se"}
    sv, en = messages["+46701"], messages["+46702"]
    assert sv.body.startswith("SOT-punkt Kall") and "Kall" in en.body
    assert sv.body != en.body and "open" in en.body.lower()
    assert sv.segments == 1 and sv.subject == "" and sv.state == "queued"
    assert sv.key == f"alert:{kall_active.pk}:1:sms:+46701"  # one per address
    assert made[0].address == "+46701"
    bo, jo = messages["bo@example.se"], messages["jo@example.se"]
    assert bo.body.startswith(sv.body) and bo.segments is None
    assert bo.body.endswith(
        "Avsluta: https://sot.example.se/prenumerera/avsluta/tok-bo/"
    )
    assert jo.body.startswith(en.body)
    assert jo.body.endswith(
        "Unsubscribe: https://sot.example.se/prenumerera/avsluta/tok-jo/"
    )
    assert bo.subject == sv.body[:80] and jo.subject == en.body[:80]
    assert {m.purpose for m in messages.values()} == {"point_opened"}


def test_the_hourly_limit_is_counted_per_recipient(monkeypatch, kall_active, jamtland):
    """A resident who had their hour's alerts gets a suppressed record; the others
    are queued (one correlated count per subscriber, in SQL)."""
    monkeypatch.setenv("SOT_NOTIFY_RESIDENT_MAX_PER_HOUR", "2")
    _subscribe(kall_active.point, 3)
    busy = "+46700000001"
    for n in range(2):
        Message.objects.create(
            key=f"earlier:{n}",
            channel="sms",
            to=busy,
            body="x",
            purpose="point_changed",
            resident=True,
        )
    # an old one and a failed one do not count
    Message.objects.create(
        key="failed",
        channel="sms",
        to="+46700000002",
        body="x",
        purpose="point_changed",
        resident=True,
        state="failed",
    )
    assert _fan(kall_active) == 3
    made = Message.objects.filter(key__startswith=f"alert:{kall_active.pk}:")
    states = dict(made.values_list("to", "state"))
    assert states == {
        "+46700000000": "queued",
        busy: "suppressed",
        "+46700000002": "queued",
    }
    assert made.get(to=busy).error == "rate limit per recipient"


def test_a_fan_out_cut_short_is_completed_without_duplicates(
    monkeypatch, kall_active, jamtland
):
    """A worker killed between batches: the next run inserts only what is
    missing; a new notice (seq) is a new alert."""
    monkeypatch.setattr(conf, "FAN_OUT_BATCH", 7)
    _subscribe(kall_active.point, 30)
    _fan(kall_active)
    alerts = Message.objects.filter(resident=True)
    keep = list(alerts.order_by("pk").values_list("pk", flat=True)[:10])
    alerts.exclude(pk__in=keep).delete()  # as if the worker died after batch 2
    assert _fan(kall_active) == 30
    assert alerts.count() == 30
    assert alerts.values("to").distinct().count() == 30
    assert set(alerts.filter(pk__in=keep).values_list("pk", flat=True)) == set(keep)
    _fan(kall_active, seq=2, template="point_closed")
    assert alerts.count() == 60
