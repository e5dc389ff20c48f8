"""Twilio client against httpx.MockTransport, and webhook signatures."""

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sot.outreach.core.phone import PhoneNumberError, mask_phone, normalize_phone
from sot.outreach.core.twilio import (
    ProviderError,
    TwilioClient,
    compute_signature,
    parse_inbound,
    parse_status_callback,
    verify_signature,
)

SID = "AC" + "0" * 32


def client(handler, **kw) -> TwilioClient:
    return TwilioClient(
        account_sid=SID,
        auth_token="secret",
        from_number="+46700000000",
        status_callback="https://sot.example/notify/sms/status/",
        transport=httpx.MockTransport(handler),
        **kw,
    )


def test_send_posts_the_documented_form():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["auth"] = request.headers["Authorization"]
        seen["form"] = dict(parse_qsl(request.content.decode()))
        return httpx.Response(
            201,
            json={
                "sid": "SM123",
                "status": "queued",
                "num_segments": "1",
                "error_code": None,
            },
        )

    result = client(handler).send(to="+46701234567", body="Kall öppen")
    assert (
        seen["url"] == f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
    )
    assert (
        seen["auth"] == "Basic " + base64.b64encode(f"{SID}:secret".encode()).decode()
    )
    assert seen["form"] == {
        "To": "+46701234567",
        "From": "+46700000000",
        "Body": "Kall öppen",
        "StatusCallback": "https://sot.example/notify/sms/status/",
    }
    assert (result.provider_id, result.state, result.segments) == ("SM123", "queued", 1)


def test_messaging_service_instead_of_from():
    def handler(request):
        form = dict(parse_qsl(request.content.decode()))
        assert "From" not in form and form["MessagingServiceSid"] == "MG1"
        return httpx.Response(201, json={"sid": "SM1", "status": "accepted"})

    c = TwilioClient(
        account_sid=SID,
        auth_token="t",
        messaging_service_sid="MG1",
        transport=httpx.MockTransport(handler),
    )
    assert c.send(to="+46701234567", body="x").state == "queued"


def test_invalid_number_is_permanent():
    def handler(request):
        return httpx.Response(
            400,
            json={
                "code": 21211,
                "message": "The 'To' number is not a valid phone number.",
                "more_info": "https://www.twilio.com/docs/errors/21211",
                "status": 400,
            },
        )

    with pytest.raises(ProviderError) as err:
        client(handler).send(to="+4612", body="x")
    assert not err.value.retryable and not err.value.ambiguous
    assert err.value.code == 21211
    assert "21211" in err.value.answer


@pytest.mark.parametrize("status", [429, 500, 503])
def test_overload_and_server_errors_are_retryable(status):
    with pytest.raises(ProviderError) as err:
        client(lambda r: httpx.Response(status, text="busy")).send(
            to="+46701234567", body="x"
        )
    assert err.value.retryable
    assert err.value.http_status == status


def test_connect_error_is_retryable_read_timeout_is_ambiguous():
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    def hang(request):
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ProviderError) as err:
        client(refuse).send(to="+46701234567", body="x")
    assert err.value.retryable and not err.value.ambiguous
    with pytest.raises(ProviderError) as err:
        client(hang).send(to="+46701234567", body="x")
    assert not err.value.retryable and err.value.ambiguous


def test_client_needs_credentials_and_sender():
    with pytest.raises(ValueError):
        TwilioClient(account_sid="", auth_token="x", from_number="+46700000000")
    with pytest.raises(ValueError):
        TwilioClient(account_sid=SID, auth_token="x")


def test_signature_known_answer_from_twilio_docs():
    # The worked example of Twilio's "Webhooks security" page.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert compute_signature(url, params, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert verify_signature(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", "12345")


def test_signature_by_hand():
    payload = "https://sot.example/sms/BodyKALL ÖPPENFrom+46701234567"
    expected = base64.b64encode(
        hmac.new(b"tok", payload.encode(), hashlib.sha1).digest()
    ).decode()
    params = {"From": "+46701234567", "Body": "KALL ÖPPEN"}
    assert verify_signature("https://sot.example/sms/", params, expected, "tok")


@pytest.mark.parametrize(
    ("url", "params", "signature", "token"),
    [
        (
            "https://sot.example/sms/",
            {"Body": "KALL STÄNGD", "From": "+46701234567"},
            None,
            "tok",
        ),
        (
            "http://sot.example/sms/",
            {"Body": "KALL ÖPPEN", "From": "+46701234567"},
            None,
            "tok",
        ),
        (
            "https://sot.example/sms/",
            {"Body": "KALL ÖPPEN", "From": "+46701234567"},
            "",
            "tok",
        ),
        (
            "https://sot.example/sms/",
            {"Body": "KALL ÖPPEN", "From": "+46701234567"},
            None,
            "other",
        ),
        (
            "https://sot.example/sms/",
            {"Body": "KALL ÖPPEN", "From": "+46701234567"},
            None,
            "",
        ),
    ],
)
def test_tampered_requests_do_not_verify(url, params, signature, token):
    good = compute_signature(
        "https://sot.example/sms/",
        {"Body": "KALL ÖPPEN", "From": "+46701234567"},
        "tok",
    )
    assert not verify_signature(
        url, params, good if signature is None else signature, token
    )


@given(
    st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=30), max_size=6),
    st.text(min_size=1, max_size=20),
)
def test_signature_round_trip(params, token):
    url = "https://sot.example/notify/sms/inbound/"
    sig = compute_signature(url, params, token)
    assert verify_signature(url, params, sig, token)
    assert not verify_signature(url + "x", params, sig, token)


def test_parse_webhooks():
    inbound = parse_inbound(
        {
            "MessageSid": "SM9",
            "From": "+46701234567",
            "To": "+46700000000",
            "Body": "JA",
        }
    )
    assert (inbound.provider_id, inbound.sender, inbound.body) == (
        "SM9",
        "+46701234567",
        "JA",
    )
    with pytest.raises(ValueError):
        parse_inbound({"Body": "JA"})
    update = parse_status_callback(
        {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    )
    assert (update.state, update.error_code) == ("failed", "30003")
    assert (
        parse_status_callback({"MessageSid": "SM1", "MessageStatus": "delivered"}).state
        == "delivered"
    )


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("070-123 45 67", "+46701234567"),
        ("+46 (0)70 123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("+358 40 1234567", "+358401234567"),
    ],
)
def test_normalize_phone(raw, e164):
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["", "112", "abc", "+0701234567"])
def test_bad_phone(raw):
    with pytest.raises(PhoneNumberError):
        normalize_phone(raw)


def test_mask_phone():
    assert mask_phone("+46701234567") == "+4670*****67"
