"""The inbound-SMS and status webhooks with Twilio signatures (#7, 5 and 7)."""

import pytest

from sot.operations.models import StatusReport
from sot.outreach.core.twilio import compute_signature
from sot.outreach.models import InboundSms, Message

BASE = "https://sot.example.se"
TOKEN = "test-auth-token"
INBOUND = "/notify/sms/twilio/inbound/"


@pytest.fixture(autouse=True)
def twilio_settings(monkeypatch):
    """The webhook URL and token as configured at Twilio."""
    monkeypatch.setenv("SOT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("SOT_SMS_WEBHOOK_BASE_URL", BASE)


def post(client, path, form, *, token=TOKEN, signature=None):
    sig = (
        signature
        if signature is not None
        else compute_signature(BASE + path, form, token)
    )
    return client.post(path, form, HTTP_X_TWILIO_SIGNATURE=sig)


def form(body, sender, sid="SM1"):
    return {
        "MessageSid": sid,
        "AccountSid": "AC1",
        "From": sender,
        "To": "+46700000000",
        "Body": body,
        "NumMedia": "0",
    }


def test_signed_status_sms_is_applied(client, kall_active, frg):
    response = post(client, INBOUND, form("KALL ÖPPEN DIESEL NEJ", frg.OPERATOR_PHONE))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response>" in response.content
    assert StatusReport.objects.get().source == "sms"


@pytest.mark.parametrize(
    "case", ["missing", "wrong token", "tampered body", "other url"]
)
def test_bad_signatures_are_refused_and_change_nothing(client, kall_active, frg, case):
    data = form("KALL ÖPPEN", frg.OPERATOR_PHONE)
    if case == "missing":
        response = client.post(INBOUND, data)
    elif case == "wrong token":
        response = post(client, INBOUND, data, token="guess")
    elif case == "tampered body":
        sig = compute_signature(BASE + INBOUND, data, TOKEN)
        response = post(client, INBOUND, {**data, "Body": "KALL STÄNGD"}, signature=sig)
    else:
        sig = compute_signature("https://evil.example" + INBOUND, data, TOKEN)
        response = post(client, INBOUND, data, signature=sig)
    assert response.status_code == 403
    assert InboundSms.objects.count() == 0
    assert StatusReport.objects.count() == 0


def test_no_token_configured_refuses_everything(client, kall_active, frg, monkeypatch):
    monkeypatch.setenv("SOT_TWILIO_AUTH_TOKEN", "")
    data = form("KALL ÖPPEN", frg.OPERATOR_PHONE)
    response = post(
        client, INBOUND, data, signature=compute_signature(BASE + INBOUND, data, "")
    )
    assert response.status_code == 403


def test_get_is_not_allowed(client):
    assert client.get(INBOUND).status_code == 405


def test_status_callback_updates_the_delivery_record(client, db):
    Message.objects.create(
        key="k",
        channel="sms",
        to="+46701740605",
        body="x",
        purpose="test",
        state="sent",
        provider_id="SM9",
    )
    path = "/notify/sms/twilio/status/"
    data = {"MessageSid": "SM9", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert post(client, path, data).status_code == 204
    msg = Message.objects.get()
    assert (msg.state, msg.provider_status, msg.error) == (
        "failed",
        "undelivered",
        "provider error 30003",
    )


def test_a_huge_message_id_is_refused_not_a_server_error(client, db):
    """A signed webhook with a 5 000-character MessageSid gets 400, nothing stored
    (the column holds 64; PostgreSQL would fail) (#12)."""
    data = form("KALL ÖPPEN", "+46701234567", sid="S" * 5000)
    assert post(client, INBOUND, data).status_code == 400
    status = {"MessageSid": "S" * 5000, "MessageStatus": "delivered"}
    assert post(client, "/notify/sms/twilio/status/", status).status_code == 400
    assert InboundSms.objects.count() == 0
