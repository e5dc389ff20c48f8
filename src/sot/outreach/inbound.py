"""Inbound SMS: status from operators, call-out answers, START/STOPP (issue #7, 5-6).

:func:`handle_inbound_sms` is what the provider webhook (after its signature is
verified), the exercise console and ``sot sms_in`` call. It stores each message once
per provider id (a webhook delivered twice does nothing the second time), then:

* status commands (``KALL ÖPPEN DIESEL NEJ ...``) only from a user whose phone
  matches and who may report for that point; they go through
  :func:`sot.operations.services.submit_status_report` with ``source="sms"``. A
  message with any word that was not understood changes nothing; the reply lists
  those words.
* ``JA`` / ``NEJ`` / ``SENARE`` only from people in the roster who were asked;
* ``START`` / ``STOPP`` and ``SOT <place or point>`` from anyone (residents; see
  :mod:`sot.outreach.residents`);
* anything else from an unknown number: logged, no reply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from sot.accounts.models import User
from sot.accounts.policy import can
from sot.errors import Refused
from sot.operations import services as ops
from sot.operations.core.status import TransitionRefused
from sot.operations.core.vocabulary import Availability, PowerSource
from sot.operations.permissions import REPORT_STATUS
from sot.operations.queries import current_activation
from sot.outreach import callouts, residents, subscriptions
from sot.outreach.core.commands import Command, Kind, Service, parse
from sot.outreach.core.phone import PhoneNumberError, mask_phone, normalize_phone
from sot.outreach.core.templates import describe_status, render
from sot.outreach.delivery import queue_message
from sot.outreach.models import InboundSms, Member
from sot.outreach.subscriptions import point_keywords
from sot.registry.models import Point
from sot.validation import bounds
from sot.vocabulary import FuelProduct

log = logging.getLogger("sot.outreach")

#: parser service names -> (report field, key in that field)
_SERVICE_FIELDS = {
    Service.DIESEL: ("fuel_products", FuelProduct.DIESEL),
    Service.PETROL: ("fuel_products", FuelProduct.PETROL),
    Service.FOOD: ("services", "food"),
    Service.WATER: ("services", "drinking_water"),
    Service.CHARGING: ("services", "phone_charging"),
    Service.HEATING: ("services", "heating"),
    Service.TOILET: ("services", "toilets"),
}


@dataclass
class InboundResult:
    inbound: InboundSms
    duplicate: bool
    kind: str
    outcome: str
    reply: str = ""
    #: a second reply (the receipt of a status report fits one SMS on its own)
    also: str = ""


def _operator_for(phone: str) -> User | None:
    for user in User.objects.filter(is_active=True).exclude(phone=""):
        try:
            if normalize_phone(user.phone) == phone:
                return user
        except PhoneNumberError:
            continue
    return None


#: SMS one number may send in SMS_WINDOW before further ones are ignored.
SMS_PER_WINDOW = 20
SMS_WINDOW = timedelta(minutes=10)


def handle_inbound_sms(
    *, provider_id: str, sender: str, body: str, received_at: datetime | None = None
) -> InboundResult:
    """Act on one inbound SMS. Never raises for bad input."""
    received_at = received_at or timezone.now()
    # PostgreSQL text cannot hold NUL; other control characters are noise in an SMS.
    body = bounds.strip_forbidden(body)
    sender = bounds.strip_forbidden(sender, multiline=False)
    provider_id = bounds.strip_forbidden(provider_id, multiline=False)
    provider_id = provider_id[: bounds.MESSAGE_ID_LEN]
    try:
        phone = normalize_phone(sender)
    except PhoneNumberError:
        phone = sender[:20]
    try:
        with transaction.atomic():
            inbound = InboundSms.objects.create(
                provider_id=provider_id,
                sender=phone,
                body=body[:1600],
                received_at=received_at,
            )
    except IntegrityError:
        existing = InboundSms.objects.get(provider_id=provider_id)
        return InboundResult(existing, True, existing.kind, existing.outcome)

    recent = InboundSms.objects.filter(
        sender=phone, received_at__gte=received_at - SMS_WINDOW
    ).count()
    if recent > SMS_PER_WINDOW:
        # kept for the record, but not acted on and not answered: a flood (or two
        # machines answering each other) must not drive the system or the SMS bill
        inbound.outcome = "rate limited; ignored"
        inbound.save(update_fields=["outcome"])
        log.warning("SMS from %s over the rate limit; ignored", mask_phone(phone))
        return InboundResult(inbound, False, "", inbound.outcome)
    keywords = point_keywords()
    cmd = parse(body, point_keywords=keywords.keys())
    user = _operator_for(phone)
    member = Member.objects.filter(phone=phone).order_by("-id").first()
    inbound.known_sender = user is not None or member is not None
    result = InboundResult(inbound, False, cmd.kind.value, "")

    if cmd.kind is Kind.SUBSCRIBE:
        result.outcome, result.reply = subscriptions.sms_subscribe(
            phone=phone, target=cmd.target, keywords=keywords
        )
    elif cmd.kind is Kind.UNSUBSCRIBE:
        result.outcome, result.reply = subscriptions.sms_unsubscribe(
            phone=phone, target=cmd.target, keywords=keywords
        )
    elif cmd.kind is Kind.FIND:
        result.outcome, result.reply = residents.answer(
            cmd.target, lang=_lang(user, member)
        )
    elif not inbound.known_sender:
        result.outcome = "unknown sender; ignored"
        log.warning("SMS from unknown number %s ignored", mask_phone(phone))
    elif cmd.kind is Kind.HELP:
        result.outcome = "help"
        result.reply = render("help", _lang(user, member), {})
    elif cmd.kind is Kind.ANSWER:
        result.outcome = _answer(cmd, member, inbound)
    elif cmd.kind is Kind.STATUS and user is not None:
        result.outcome, reply = _status(cmd, user, keywords, received_at)
        result.reply, result.also = reply if isinstance(reply, tuple) else (reply, "")
    elif cmd.kind is Kind.STATUS and cmd.point is not None:
        # a volunteer in the roster, not an operator: may not report
        result.outcome = "not allowed"
        result.reply = render(
            "status_not_allowed",
            _lang(user, member),
            {"point": keywords[cmd.point].name},
        )
    else:
        lang = _lang(user, member)
        words = " ".join(cmd.unknown) or body.strip()[:30]
        result.outcome = "not understood"
        result.reply = render("status_not_understood", lang, {"unknown": words})

    inbound.kind = result.kind
    inbound.outcome = result.outcome[:300]
    inbound.save(update_fields=["known_sender", "kind", "outcome"])
    if result.reply:
        queue_message(
            key=f"reply:{provider_id}",
            channel="sms",
            to=phone,
            body=result.reply,
            purpose="reply",
            member=member,
        )
    if result.also:
        queue_message(
            key=f"reply:{provider_id}:2",
            channel="sms",
            to=phone,
            body=result.also,
            purpose="reply",
            member=member,
        )
    return result


#: How an outcome (kept in English in ``InboundSms.outcome`` for the logs) reads on
#: the officials' pages: its English start -> the Swedish text.
_OUTCOMES = {
    "status report for ": gettext_lazy("Lägesrapport för "),
    "answer yes to call-out ": gettext_lazy("Svar JA på utrop "),
    "answer no to call-out ": gettext_lazy("Svar NEJ på utrop "),
    "answer later to call-out ": gettext_lazy("Svar SENARE på utrop "),
    "answer but no call-out; ignored": gettext_lazy(
        "Svar men inget utrop; inget gjort"
    ),
    "answer from someone not in the roster; ignored": gettext_lazy(
        "Svar från någon som inte finns i rullan; inget gjort"
    ),
    "unknown sender; ignored": gettext_lazy("Okänd avsändare; inget gjort"),
    "rate limited; ignored": gettext_lazy("För många SMS; inget gjort"),
    "not understood: ": gettext_lazy("Inte förstått: "),
    "not understood": gettext_lazy("Inte förstått"),
    "not allowed": gettext_lazy("Får inte rapportera för punkten"),
    "point not activated": gettext_lazy("Punkten är inte larmad"),
    "status without point": gettext_lazy("Läge utan punkt"),
    "refused: ": gettext_lazy("Avvisat: "),
    "help": gettext_lazy("Hjälp skickad"),
}


def describe_outcome(outcome: str) -> str:
    """An inbound SMS's outcome in the user's language (the rest of it verbatim)."""
    for start, text in _OUTCOMES.items():
        if outcome == start.strip() or (start[-1] == " " and outcome.startswith(start)):
            return str(text) + outcome[len(start) :]
    return outcome


def _short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters ending in "." (SMS receipts)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "."


def _lang(user, member) -> str:
    if member is not None:
        return member.language
    return "sv"


def _answer(cmd: Command, member: Member | None, inbound: InboundSms) -> str:
    if member is None:
        return "answer from someone not in the roster; ignored"
    callout = callouts.record_answer(
        member=list(Member.objects.filter(phone=member.phone)),
        answer=cmd.answer,
        sent_at=inbound.received_at,
        message_id=inbound.provider_id,
        ref=cmd.ref,
    )
    if callout is None:
        return "answer but no call-out; ignored"
    return f"answer {cmd.answer.value} to call-out {callout.ref}"


def _merge(previous: dict | None, updates: dict[str, str]) -> dict:
    merged = dict(previous or {})
    merged.update(updates)
    return merged


def _status(
    cmd: Command, user: User, keywords: dict[str, Point], at: datetime
) -> tuple[str, str | tuple[str, str]]:
    lang = "sv"
    if cmd.point is not None:
        point = keywords[cmd.point]
    else:
        own = list(user.points.all()[:2])
        if len(own) != 1:
            return "status without point", render(
                "status_not_understood", lang, {"unknown": "<PUNKT>?"}
            )
        point = own[0]
    if cmd.unknown:
        return "not understood: " + " ".join(cmd.unknown), render(
            "status_not_understood", lang, {"unknown": " ".join(cmd.unknown)}
        )
    unsupported = [
        k for k in cmd.services if k not in _SERVICE_FIELDS and k != Service.GENERATOR
    ]
    if unsupported or cmd.services.get(Service.GENERATOR) is False:
        words = " ".join(unsupported) or "RESERVKRAFT NEJ"
        return "not understood: " + words, render(
            "status_not_understood", lang, {"unknown": words}
        )

    if not can(user, REPORT_STATUS, point):
        return "not allowed", render("status_not_allowed", lang, {"point": point.name})
    activation = current_activation(point, at)
    if activation is None:
        return "point not activated", render(
            "status_not_active", lang, {"point": point.name}
        )
    previous = activation.last_report
    fields: dict = {}
    updates: dict[str, dict[str, str]] = {"services": {}, "fuel_products": {}}
    for name, on in cmd.services.items():
        if name == Service.GENERATOR:
            fields["power_source"] = PowerSource.GENERATOR
            continue
        field, key = _SERVICE_FIELDS[name]
        updates[field][key] = Availability.YES if on else Availability.NO
    for field, values in updates.items():
        if values:
            fields[field] = _merge(getattr(previous, field, None), values)
    if cmd.fuel_percent is not None:
        fields["generator_fuel_pct"] = float(cmd.fuel_percent)
    if cmd.fuel_l is not None:
        fields["generator_fuel_l"] = float(cmd.fuel_l)
    if cmd.note:
        fields["note"] = cmd.note
    state = cmd.status or activation.state
    # The public note is not carried over: the operator cannot see it on a basic
    # phone, so a report by SMS withdraws it (and the receipt says so).
    withdrawn = previous.public_note if previous is not None else ""
    try:
        ops.submit_status_report(
            point=point,
            event=activation.event,
            reported_by=user,
            source="sms",
            state=state,
            observed_at=at,
            state_reason=cmd.note if cmd.status == "closed" else "",
            **fields,
        )
    except Refused:
        return "not allowed", render("status_not_allowed", lang, {"point": point.name})
    except (TransitionRefused, ops.OperationRefused) as exc:
        reason = gettext(getattr(exc, "message", str(exc)))
        return f"refused: {reason}", render(
            "status_refused", lang, {"point": point.name, "reason": reason}
        )
    summary = describe_status(
        lang, status=cmd.status, services=cmd.services, fuel_percent=cmd.fuel_percent
    )
    if cmd.fuel_l is not None:
        summary = (summary + ", " if summary else "") + f"bränsle {cmd.fuel_l} l"
    reply = render(
        "status_receipt",
        lang,
        {
            "time": timezone.localtime(at).strftime("%H:%M"),
            "point": point.name,
            "event": _short(str(activation.event), 32),
            "summary": summary or "inget nytt",
        },
    )
    if withdrawn:
        # a second SMS, so that the receipt still fits one
        reply = (reply, render("status_note_withdrawn", lang, {}))
    return f"status report for {point.slug}", reply
