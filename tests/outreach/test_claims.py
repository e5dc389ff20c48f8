"""A message claimed by a worker that died is sent once more, not twice; a worker
whose claim was taken back does not overwrite the record."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sot.outreach import conf, delivery
from sot.outreach.models import Message


def _queued(at=None) -> Message:
    message, _ = delivery.queue_message(
        key="test:1",
        channel="sms",
        to="+46701740601",
        body="Storm.",
        purpose="test",
        now=at or timezone.now() - timedelta(hours=1),
    )
    return message


def test_a_message_claimed_by_a_worker_that_died_is_sent_once_more(jamtland, outbox):
    message = _queued()
    claimed_at = timezone.now()
    # a worker claims it and dies before it hands it to the channel
    assert delivery._claim(message.pk, claimed_at)
    # the task retried at once, and the sweep: the claim still holds, nothing sent
    delivery.send_message.call(message.pk)
    assert delivery.deliver_due() == 0 and outbox == []
    # after the claim's time-out the sweep puts it back once and sends it
    later = claimed_at + timedelta(
        seconds=conf.get(conf.SEND_CLAIM_TIMEOUT_SECONDS) + 1
    )
    assert delivery.deliver_due(now=later) == 1
    assert [m["to"] for m in outbox] == ["+46701740601"]
    message.refresh_from_db()
    assert message.state == "delivered" and message.attempts == 2
    # a second sweep, the dead worker's task run again: still sent once
    assert delivery.deliver_due(now=later + timedelta(hours=1)) == 0
    delivery.send_message.call(message.pk)
    assert delivery.reclaim_stale(now=later + timedelta(hours=1)) == 0
    assert len(outbox) == 1


def test_two_sweeps_put_a_stale_claim_back_only_once(jamtland):
    message = _queued()
    claimed_at = timezone.now() - timedelta(hours=1)
    assert delivery._claim(message.pk, claimed_at)
    assert delivery.reclaim_stale() == 1
    assert delivery.reclaim_stale() == 0
    message.refresh_from_db()
    assert message.state == "queued" and "sent again" in message.error


def test_a_stale_claim_without_tries_left_fails_and_is_not_sent(
    monkeypatch, jamtland, outbox
):
    monkeypatch.setenv("SOT_SEND_MAX_ATTEMPTS", "1")
    message = _queued()
    assert delivery._claim(message.pk, timezone.now() - timedelta(hours=1))
    assert delivery.reclaim_stale() == 0
    assert delivery.deliver_due() == 0 and outbox == []
    message.refresh_from_db()
    assert message.state == "failed" and "outcome unknown" in message.error


def test_a_slow_worker_whose_claim_was_taken_back_does_not_overwrite(jamtland):
    """The outcome is written only while the claim holds: a worker that comes back
    after its claim was taken back and sent by another leaves the record alone."""
    message = _queued()
    assert delivery._claim(message.pk, timezone.now() - timedelta(hours=1))
    slow = Message.objects.get(pk=message.pk)  # what the slow worker holds
    delivery.reclaim_stale()
    delivery.deliver_due()  # another worker sends it
    slow.state, slow.error = "failed", "late"
    delivery._record(slow)
    message.refresh_from_db()
    assert message.state == "delivered" and message.error == ""


def test_a_batch_is_claimed_at_once_and_each_message_sent_once(jamtland, outbox):
    """The sweep claims its batch in one UPDATE; what another worker claimed first
    is not in it; the claim time is stored as any other time."""
    now = timezone.now()
    made = [
        delivery.queue_message(
            key=f"batch:{n}",
            channel="sms",
            to=f"+4670174060{n}",
            body="Storm.",
            purpose="test",
            now=now - timedelta(minutes=1),
        )[0]
        for n in range(5)
    ]
    assert delivery._claim(made[2].pk, now)  # another worker's
    assert delivery.deliver_due(now=now) == 4
    assert sorted(m["to"] for m in outbox) == [f"+4670174060{n}" for n in (0, 1, 3, 4)]
    first = Message.objects.get(pk=made[0].pk)
    assert first.sent_at == now and first.attempts == 1
    assert Message.objects.filter(sent_at=now).count() == 5
    assert Message.objects.get(pk=made[2].pk).state == "sending"
