"""Delivery records, retries with back-off, idempotency and rate limits (#7, 3)."""

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from sot.outreach import channels
from sot.outreach.channels import TwilioSms
from sot.outreach.core.twilio import ProviderError, SendResult, TwilioClient
from sot.outreach.delivery import (
    apply_status_update,
    deliver,
    deliver_due,
    queue_message,
)
from sot.outreach.models import Message

pytestmark = pytest.mark.django_db

T0 = timezone.now()


class Flaky:
    """Fails with the given errors first, then sends; counts real sends."""

    name = "flaky"

    def __init__(self, *errors: ProviderError):
        self.errors = list(errors)
        self.sent: list[str] = []

    def send(self, *, to, body, subject=""):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(body)
        return SendResult(
            provider_id=f"SM{len(self.sent)}",
            state="queued",
            provider_status="queued",
            segments=1,
            answer="{}",
        )


def retryable():
    return ProviderError("busy", retryable=True, http_status=503, answer="busy")


def test_retries_with_backoff_and_sends_once():
    backend = Flaky(retryable(), retryable())
    channels.use_backend("sms", backend)
    msg, created = queue_message(
        key="k1", channel="sms", to="+46701740605", body="hej", purpose="test", now=T0
    )
    assert created
    assert deliver(msg.pk, now=T0).state == "queued"
    msg.refresh_from_db()
    assert msg.attempts == 1 and msg.next_attempt_at == T0 + timedelta(seconds=30)
    # not due yet: nothing happens
    assert deliver(msg.pk, now=T0 + timedelta(seconds=29)).attempts == 1
    assert deliver(msg.pk, now=T0 + timedelta(seconds=30)).state == "queued"
    msg.refresh_from_db()
    assert msg.next_attempt_at == T0 + timedelta(seconds=90)  # 30 + 60
    done = deliver(msg.pk, now=T0 + timedelta(seconds=90))
    assert (done.state, done.attempts, done.provider_id) == ("sent", 3, "SM1")
    # running the task again, or the sweep, sends nothing more
    deliver(msg.pk, now=T0 + timedelta(hours=1))
    assert deliver_due(now=T0 + timedelta(hours=1)) == 0
    assert backend.sent == ["hej"]


def test_gives_up_after_max_attempts(monkeypatch):
    monkeypatch.setenv("SOT_SEND_MAX_ATTEMPTS", "2")
    channels.use_backend("sms", Flaky(retryable(), retryable(), retryable()))
    msg, _ = queue_message(
        key="k2", channel="sms", to="+46701740605", body="x", purpose="test", now=T0
    )
    deliver(msg.pk, now=T0)
    final = deliver(msg.pk, now=T0 + timedelta(minutes=5))
    assert (final.state, final.attempts) == ("failed", 2)
    assert final.provider_answer == "busy"


def test_ambiguous_failure_is_never_retried():
    backend = Flaky(ProviderError("read timeout", retryable=False, ambiguous=True))
    channels.use_backend("sms", backend)
    msg, _ = queue_message(
        key="k3", channel="sms", to="+46701740605", body="x", purpose="test", now=T0
    )
    final = deliver(msg.pk, now=T0)
    assert final.state == "failed"
    assert final.error.startswith("outcome unknown")
    assert deliver_due(now=T0 + timedelta(days=1)) == 0
    assert backend.sent == []


def test_same_key_is_one_message():
    a, created_a = queue_message(
        key="same", channel="sms", to="+46701740605", body="x", purpose="test"
    )
    b, created_b = queue_message(
        key="same", channel="sms", to="+46701740605", body="other text", purpose="test"
    )
    assert (created_a, created_b) == (True, False)
    assert a.pk == b.pk and Message.objects.count() == 1


def test_claim_prevents_a_second_send():
    backend = Flaky()
    channels.use_backend("sms", backend)
    msg, _ = queue_message(
        key="c", channel="sms", to="+46701740605", body="x", purpose="test", now=T0
    )
    Message.objects.filter(pk=msg.pk).update(state="sending")  # another worker has it
    deliver(msg.pk, now=T0)
    assert backend.sent == []


def test_resident_rate_limit(monkeypatch):
    monkeypatch.setenv("SOT_NOTIFY_RESIDENT_MAX_PER_HOUR", "2")
    states = [
        queue_message(
            key=f"r{i}",
            channel="sms",
            to="+46701740699",
            body="x",
            purpose="point_changed",
            resident=True,
            now=T0,
        )[0].state
        for i in range(3)
    ]
    assert states == ["queued", "queued", "suppressed"]
    # an hour later the resident can be told again
    later = queue_message(
        key="r9",
        channel="sms",
        to="+46701740699",
        body="x",
        purpose="point_changed",
        resident=True,
        now=T0 + timedelta(minutes=61),
    )[0]
    assert later.state == "queued"


def test_overall_rate_limit(monkeypatch):
    monkeypatch.setenv("SOT_NOTIFY_MAX_PER_HOUR", "3")
    states = [
        queue_message(
            key=f"o{i}",
            channel="sms",
            to="+46701740605",
            body="x",
            purpose="reply",
            now=T0,
        )[0].state
        for i in range(4)
    ]
    assert states == ["queued"] * 3 + ["suppressed"]


def test_status_callback_moves_forward_only():
    channels.use_backend("sms", Flaky())
    msg, _ = queue_message(
        key="s", channel="sms", to="+46701740605", body="x", purpose="test", now=T0
    )
    deliver(msg.pk, now=T0)
    assert (
        apply_status_update(
            provider_id="SM1", state="delivered", provider_status="delivered"
        ).state
        == "delivered"
    )
    assert (
        apply_status_update(
            provider_id="SM1", state="sent", provider_status="sent"
        ).state
        == "delivered"
    )
    assert (
        apply_status_update(provider_id="nope", state="sent", provider_status="sent")
        is None
    )


def test_twilio_channel_records_the_provider_answer():
    def handler(request):
        return httpx.Response(
            400, json={"code": 21211, "message": "Invalid 'To'", "status": 400}
        )

    client = TwilioClient(
        account_sid="AC1",
        auth_token="t",
        from_number="+46700000000",
        transport=httpx.MockTransport(handler),
    )
    channels.use_backend("sms", TwilioSms(client))
    msg, _ = queue_message(
        key="tw", channel="sms", to="+4612", body="x", purpose="test", now=T0
    )
    final = deliver(msg.pk, now=T0)
    assert final.state == "failed" and final.attempts == 1
    assert "21211" in final.provider_answer
    assert final.backend == "twilio"


def test_file_channel(tmp_path, monkeypatch):
    out = tmp_path / "sms.jsonl"
    monkeypatch.setenv("SOT_SMS_BACKEND", "file")
    monkeypatch.setenv("SOT_SMS_OUTBOX", str(out))
    msg, _ = queue_message(
        key="f",
        channel="sms",
        to="+46701740605",
        body="Kall öppen",
        purpose="test",
        now=T0,
    )
    assert deliver(msg.pk, now=T0).state == "delivered"
    assert '"body": "Kall öppen"' in out.read_text(encoding="utf-8")


def test_email_channel(mailoutbox):
    msg, _ = queue_message(
        key="e",
        channel="email",
        to="a@example.se",
        body="Hej",
        subject="Ämne",
        purpose="test",
        now=T0,
    )
    assert deliver(msg.pk, now=T0).state == "sent"
    assert mailoutbox[0].subject == "Ämne" and mailoutbox[0].to == ["a@example.se"]
