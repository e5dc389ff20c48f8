"""The notify app's settings (declared once; listed in docs/configuration.md)."""

from __future__ import annotations

from sot.config import env

_S = env.Setting

SMS_BACKEND = env.register(
    _S(
        "SOT_SMS_BACKEND",
        "console",
        "Where SMS go: `console` (the log, for development and exercises), `file` (one "
        "JSON line per SMS in SOT_SMS_OUTBOX) or `twilio`.",
    )
)
SMS_OUTBOX = env.register(
    _S(
        "SOT_SMS_OUTBOX",
        "sms-outbox.jsonl",
        "File the `file` SMS backend appends to (relative to the working directory).",
    )
)
TWILIO_ACCOUNT_SID = env.register(
    _S(
        "SOT_TWILIO_ACCOUNT_SID",
        "",
        "Twilio Account SID (for SOT_SMS_BACKEND=twilio).",
    )
)
TWILIO_AUTH_TOKEN = env.register(
    _S(
        "SOT_TWILIO_AUTH_TOKEN",
        "",
        "Twilio Auth Token: authenticates sending and verifies webhook signatures.",
        secret=True,
    )
)
TWILIO_FROM = env.register(
    _S(
        "SOT_TWILIO_FROM",
        "",
        "Sender number (E.164) or alphanumeric sender id for Twilio.",
    )
)
TWILIO_MESSAGING_SERVICE_SID = env.register(
    _S(
        "SOT_TWILIO_MESSAGING_SERVICE_SID",
        "",
        "Twilio Messaging Service SID, used instead of SOT_TWILIO_FROM when set.",
    )
)
SMS_WEBHOOK_BASE_URL = env.register(
    _S(
        "SOT_SMS_WEBHOOK_BASE_URL",
        "",
        "Public base URL exactly as configured at the SMS provider, used to verify webhook "
        "signatures (empty: SOT_SITE_URL).",
    )
)
CALLOUT_FACTOR = env.register(
    _S(
        "SOT_CALLOUT_FACTOR",
        "3",
        "How many people a call-out asks for each one needed (the 3 x N rule).",
        kind="int",
    )
)
CALLOUT_REMINDER_MINUTES = env.register(
    _S(
        "SOT_CALLOUT_REMINDER_MINUTES",
        "20",
        "Minutes without an answer (or after LATER) before a call-out reminder is sent.",
        kind="int",
    )
)
CALLOUT_MAX_REMINDERS = env.register(
    _S(
        "SOT_CALLOUT_MAX_REMINDERS",
        "1",
        "Reminders per person and call-out.",
        kind="int",
    )
)
SEND_MAX_ATTEMPTS = env.register(
    _S(
        "SOT_SEND_MAX_ATTEMPTS",
        "5",
        "Tries per message before it is marked failed (connection errors, HTTP 429/5xx).",
        kind="int",
    )
)
SEND_CLAIM_TIMEOUT_SECONDS = env.register(
    _S(
        "SOT_SEND_CLAIM_TIMEOUT_SECONDS",
        "300",
        "A message a worker claimed for sending and did not finish in this time "
        "(the worker died) is put back in the queue once; keep it well above the "
        "SMS provider's request time-out (10 s).",
        kind="int",
    )
)
SEND_BACKOFF_SECONDS = env.register(
    _S(
        "SOT_SEND_BACKOFF_SECONDS",
        "30",
        "Wait before the first retry; doubled for each further try.",
        kind="int",
    )
)
RATE_PER_HOUR = env.register(
    _S(
        "SOT_NOTIFY_MAX_PER_HOUR",
        "30",
        "Most messages to one recipient (phone or e-mail) in an hour; more are not sent.",
        kind="int",
    )
)
RESIDENT_RATE_PER_HOUR = env.register(
    _S(
        "SOT_NOTIFY_RESIDENT_MAX_PER_HOUR",
        "4",
        "Most alerts to one subscribing resident in an hour.",
        kind="int",
    )
)


CHANNEL_RATE_PER_SECOND = env.register(
    _S(
        "SOT_NOTIFY_CHANNEL_RATE_PER_SECOND",
        "20",
        "Most messages a channel (SMS gateway, mail server) is handed per second "
        "when a large alert is delivered.",
        kind="int",
    )
)
#: Subscribers handled per transaction when an alert fans out.
FAN_OUT_BATCH = 5000


def get(setting: env.Setting):
    return env.get(setting.name)


def webhook_base_url() -> str:
    base = get(SMS_WEBHOOK_BASE_URL) or env.get("SOT_SITE_URL")
    return base.rstrip("/")
