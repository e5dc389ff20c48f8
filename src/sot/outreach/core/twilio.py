"""Client for Twilio's Programmable Messaging REST API, and webhook verification.

Documented API (Twilio, API version 2010-04-01):

* Send: ``POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json``, HTTP basic
  auth (Account SID, Auth Token), form fields ``To``, ``From`` or
  ``MessagingServiceSid``, ``Body``, optional ``StatusCallback``. Answer ``201``
  with the Message resource as JSON (``sid``, ``status``, ``num_segments``,
  ``error_code``, ``error_message``); errors as JSON ``{"code", "message",
  "more_info", "status"}``.
* Inbound SMS and status callbacks are form-encoded POSTs to our URL, signed in the
  ``X-Twilio-Signature`` header: base64 of HMAC-SHA1, keyed with the Auth Token, over
  the full URL followed by every POST parameter sorted by name, each as name+value.

See ``docs/decisions/0007-sms-provider-twilio.md`` for why Twilio.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

API_BASE = "https://api.twilio.com"
SIGNATURE_HEADER = "X-Twilio-Signature"

#: Twilio message status -> our delivery state
STATUS_MAP = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}


class ProviderError(Exception):
    """Sending failed.

    ``retryable``: the provider certainly did not accept the message and a later
    try may work (connection refused, HTTP 429 or 5xx).
    ``ambiguous``: the request may have reached the provider (time-out while
    reading the answer); retrying could send the SMS twice, so the caller must not.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        ambiguous: bool = False,
        http_status: int | None = None,
        code: int | str | None = None,
        answer: str = "",
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.ambiguous = ambiguous
        self.http_status = http_status
        self.code = code
        self.answer = answer


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    #: our delivery state: "queued" | "sent" | "delivered" | "failed"
    state: str
    provider_status: str
    segments: int | None
    answer: str


@dataclass(frozen=True)
class InboundSms:
    provider_id: str
    sender: str
    recipient: str
    body: str


@dataclass(frozen=True)
class StatusUpdate:
    provider_id: str
    state: str
    provider_status: str
    error_code: str | None


class TwilioClient:
    """Send SMS through Twilio. Pass ``transport`` (``httpx.MockTransport``) in tests."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        status_callback: str = "",
        base_url: str = API_BASE,
        timeout_s: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not account_sid or not auth_token:
            raise ValueError("Twilio needs an account SID and an auth token")
        if not from_number and not messaging_service_sid:
            raise ValueError("Twilio needs a From number or a messaging service SID")
        self.account_sid = account_sid
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback
        self._client = httpx.Client(
            base_url=base_url,
            auth=(account_sid, auth_token),
            timeout=timeout_s,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    def close(self) -> None:
        self._client.close()

    def send(self, *, to: str, body: str) -> SendResult:
        """Create one outbound message. Raises :class:`ProviderError`."""
        form = {"To": to, "Body": body}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.from_number
        if self.status_callback:
            form["StatusCallback"] = self.status_callback
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        try:
            response = self._client.post(path, data=form)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ProviderError(
                f"could not connect to Twilio: {exc}", retryable=True
            ) from exc
        except httpx.TransportError as exc:
            raise ProviderError(
                f"no answer from Twilio after sending: {exc}",
                retryable=False,
                ambiguous=True,
            ) from exc
        return _result(response)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _result(response: httpx.Response) -> SendResult:
    answer = response.text[:1000]
    data = _json(response)
    if response.status_code >= 400:
        retryable = response.status_code == 429 or response.status_code >= 500
        raise ProviderError(
            f"Twilio answered {response.status_code}: "
            f"{data.get('message') or response.reason_phrase}",
            retryable=retryable,
            http_status=response.status_code,
            code=data.get("code"),
            answer=answer,
        )
    sid = data.get("sid")
    if not isinstance(sid, str) or not sid:
        raise ProviderError(
            "Twilio answered without a message sid",
            retryable=False,
            ambiguous=True,
            http_status=response.status_code,
            answer=answer,
        )
    status = str(data.get("status") or "queued")
    segments = data.get("num_segments")
    try:
        segments_n = int(segments) if segments not in (None, "") else None
    except (TypeError, ValueError):
        segments_n = None
    return SendResult(
        provider_id=sid,
        state=STATUS_MAP.get(status, "queued"),
        provider_status=status,
        segments=segments_n,
        answer=answer,
    )


# --- webhooks ------------------------------------------------------------------------


def compute_signature(
    url: str, params: Mapping[str, str] | Iterable[tuple[str, str]], auth_token: str
) -> str:
    """The ``X-Twilio-Signature`` Twilio would send for this URL and form."""
    items = list(params.items()) if isinstance(params, Mapping) else list(params)
    payload = url + "".join(k + v for k, v in sorted(items))
    digest = hmac.new(
        auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(
    url: str,
    params: Mapping[str, str] | Iterable[tuple[str, str]],
    signature: str | None,
    auth_token: str,
) -> bool:
    """True if ``signature`` is Twilio's for this request. Constant-time compare.

    ``url`` must be the URL exactly as configured at Twilio (scheme, host, port,
    path and query string). A missing signature or empty token never verifies.
    """
    if not signature or not auth_token:
        return False
    expected = compute_signature(url, params, auth_token)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8"))


def parse_inbound(params: Mapping[str, str]) -> InboundSms:
    """The fields of an inbound-SMS webhook. Raises ``ValueError`` if incomplete."""
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    sender = params.get("From") or ""
    if not sid or not sender:
        raise ValueError("inbound SMS without MessageSid or From")
    return InboundSms(
        provider_id=sid,
        sender=sender,
        recipient=params.get("To") or "",
        body=params.get("Body") or "",
    )


def parse_status_callback(params: Mapping[str, str]) -> StatusUpdate:
    """The fields of a message status callback. Raises ``ValueError`` if incomplete."""
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    status = params.get("MessageStatus") or params.get("SmsStatus") or ""
    if not sid or not status:
        raise ValueError("status callback without MessageSid or MessageStatus")
    return StatusUpdate(
        provider_id=sid,
        state=STATUS_MAP.get(status, "queued"),
        provider_status=status,
        error_code=params.get("ErrorCode") or None,
    )


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
