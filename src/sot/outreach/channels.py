"""Channels behind one interface: SMS (console, file, Twilio) and e-mail.

A channel's ``send(to=, body=, subject=)`` returns a
:class:`sot.outreach.core.twilio.SendResult` or raises
:class:`sot.outreach.core.twilio.ProviderError`; delivery records, retries and
idempotency are :mod:`sot.outreach.delivery`'s job, not the channel's.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Protocol

from django.core.mail import EmailMessage
from django.utils import timezone

from sot.outreach import conf
from sot.outreach.core.gsm import segment_info
from sot.outreach.core.phone import mask_phone
from sot.outreach.core.twilio import ProviderError, SendResult, TwilioClient

log = logging.getLogger("sot.outreach")

#: SMS "sent" by the console channel in this process (like django.core.mail.outbox);
#: tests and the demo read it.
OUTBOX: list[dict] = []


class ChannelBackend(Protocol):
    name: str

    def send(self, *, to: str, body: str, subject: str = "") -> SendResult: ...


class ConsoleSms:
    """Writes each SMS to the log and to :data:`OUTBOX`. For development and exercises."""

    name = "console"

    def send(self, *, to: str, body: str, subject: str = "") -> SendResult:
        sid = f"console-{uuid.uuid4().hex[:16]}"
        OUTBOX.append({"id": sid, "to": to, "body": body})
        log.info("SMS to %s: %s", mask_phone(to), body)
        return SendResult(
            provider_id=sid,
            state="delivered",
            provider_status="console",
            segments=segment_info(body).segments,
            answer="",
        )


class FileSms:
    """Appends each SMS as a JSON line to ``SOT_SMS_OUTBOX``."""

    name = "file"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or conf.get(conf.SMS_OUTBOX))

    def send(self, *, to: str, body: str, subject: str = "") -> SendResult:
        sid = f"file-{uuid.uuid4().hex[:16]}"
        line = {"id": sid, "at": timezone.now().isoformat(), "to": to, "body": body}
        try:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise ProviderError(
                f"cannot write {self.path}: {exc}", retryable=True
            ) from exc
        return SendResult(
            provider_id=sid,
            state="delivered",
            provider_status="file",
            segments=segment_info(body).segments,
            answer=str(self.path),
        )


class TwilioSms:
    """SMS through Twilio's REST API (settings SOT_TWILIO_*)."""

    name = "twilio"

    def __init__(self, client: TwilioClient | None = None) -> None:
        self.client = client or TwilioClient(
            account_sid=conf.get(conf.TWILIO_ACCOUNT_SID),
            auth_token=conf.get(conf.TWILIO_AUTH_TOKEN),
            from_number=conf.get(conf.TWILIO_FROM),
            messaging_service_sid=conf.get(conf.TWILIO_MESSAGING_SERVICE_SID),
            status_callback=conf.webhook_base_url() + "/notify/sms/twilio/status/",
        )

    def send(self, *, to: str, body: str, subject: str = "") -> SendResult:
        return self.client.send(to=to, body=body)


class DjangoEmail:
    """E-mail through Django's configured mail backend."""

    name = "email"

    def send(self, *, to: str, body: str, subject: str = "") -> SendResult:
        try:
            EmailMessage(subject=subject or "SOT", body=body, to=[to]).send()
        except OSError as exc:  # SMTP connection problems
            raise ProviderError(f"e-mail not sent: {exc}", retryable=True) from exc
        return SendResult(
            provider_id="",
            state="sent",
            provider_status="accepted",
            segments=None,
            answer="",
        )


_SMS_BACKENDS = {"console": ConsoleSms, "file": FileSms, "twilio": TwilioSms}
_override: dict[str, ChannelBackend] = {}


def sms_backend() -> ChannelBackend:
    if "sms" in _override:
        return _override["sms"]
    name = conf.get(conf.SMS_BACKEND)
    try:
        return _SMS_BACKENDS[name]()
    except KeyError:
        raise ValueError(f"unknown SOT_SMS_BACKEND {name!r}") from None


def email_backend() -> ChannelBackend:
    return _override.get("email") or DjangoEmail()


def backend_for(channel: str) -> ChannelBackend:
    return sms_backend() if channel == "sms" else email_backend()


def use_backend(channel: str, backend: ChannelBackend | None) -> None:
    """Replace a channel's backend (tests, exercises); ``None`` restores settings."""
    if backend is None:
        _override.pop(channel, None)
    else:
        _override[channel] = backend
