"""Residents' subscriptions and the alerts they get (issue #7, point 6).

By SMS: ``START KALL`` (a point), ``START ÅRE`` (every point in a municipality) or
``START JÄMTLAND`` (every point in the county, and the county's warnings to
residents), ``STOPP`` (everything) or ``STOPP KALL``. By e-mail on the public site, with double
opt-in: :func:`subscribe_email` sends a confirmation link, and only
:func:`confirm_email` makes the subscription active.

:func:`alert_residents` runs when the public state of a point changes. It compares
the point's state and offers with what residents were last told
(:class:`~sot.outreach.models.PointNotice`) and sends one message per subscriber only
when the point opened, closed, or changed what it offers.
:func:`warn_county` sends a county coordinator's warning to every subscriber in the
county. Both fan out off the request, in a task (:mod:`sot.outreach.fanout`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from sot import errors
from sot.accounts import policy
from sot.config import env
from sot.operations.models import Activation, LogKind, Source
from sot.operations.services import add_log_entry
from sot.outreach import conf, fanout
from sot.outreach import permissions as perm
from sot.outreach.core.commands import Service, fold
from sot.outreach.core.gsm import segment_info
from sot.outreach.core.templates import render
from sot.outreach.delivery import enqueue, queue_message
from sot.outreach.models import (
    Channel,
    ConsentMethod,
    PointNotice,
    ResidentWarning,
    Subscription,
    SubscriptionState,
)
from sot.public.state import point_public_state
from sot.registry.models import County, Lifecycle, Municipality, Point
from sot.vocabulary import PublicState

log = logging.getLogger("sot.outreach")


# --- resolving "KALL", "Åre" or "Jämtland" ---------------------------------------------------


def point_keywords() -> dict[str, Point]:
    """SMS keyword -> point: the slug (with spaces for dashes), the name, the village."""
    out: dict[str, Point] = {}
    for point in Point.objects.exclude(
        lifecycle=Lifecycle.DECOMMISSIONED
    ).select_related("municipality"):
        for word in {point.slug.replace("-", " "), point.name, point.village}:
            if word and word.strip():
                out.setdefault(word.strip(), point)
    return out


def resolve_target(text: str, keywords: dict[str, Point] | None = None):
    """A point (by keyword), a municipality (by name or code) or a county (by name,
    with or without "län", or code), or None."""
    if not text or not text.strip():
        return None
    wanted = fold(" ".join(text.split()))
    if keywords is None:
        keywords = point_keywords()
    for word, point in keywords.items():
        if fold(word) == wanted:
            return point
    for muni in Municipality.objects.all():
        if wanted in (fold(muni.name), muni.code, fold(muni.name) + " KOMMUN"):
            return muni
    for county in County.objects.all():
        name = fold(county.name)  # "JAMTLANDS LAN"
        short = name.removesuffix(" LAN").removesuffix("S")
        if wanted in (name, short, short + " LAN", "LAN " + county.code):
            return county
    return None


def _lookup(target) -> dict:
    """The subscription's field for ``target``."""
    if isinstance(target, Point):
        return {"point": target}
    if isinstance(target, County):
        return {"county": target}
    return {"municipality": target}


def _scope_name(target) -> str:
    if isinstance(target, Point | County):
        return target.name
    return f"{target.name} (kommun)"


def _keyword(target) -> str:
    if isinstance(target, Point):
        return target.slug.replace("-", " ").upper()
    if isinstance(target, County):
        return target.name.upper().removesuffix(" LÄN").removesuffix("S")
    return target.name.upper()


# --- SMS ---------------------------------------------------------------------------


def sms_subscribe(
    *, phone: str, target: str | None, keywords: dict[str, Point] | None = None
) -> tuple[str, str]:
    """``START <target>``: returns (outcome for the log, reply text)."""
    found = resolve_target(target or "", keywords)
    if found is None:
        example = next(iter(sorted(keywords or {"KALL": None})), "KALL").upper()
        return "subscribe: unknown target", render(
            "subscribe_unknown", "sv", {"unknown": target or "", "keyword": example}
        )
    lookup = _lookup(found)
    with transaction.atomic():
        sub = Subscription.objects.filter(
            channel=Channel.SMS, address=phone, **lookup
        ).first()
        now = timezone.now()
        consent = {
            "consent_method": ConsentMethod.SMS,
            "consent_at": now,
            "consent_source": f"sot: SMS START {_keyword(found)}",
        }
        if sub is None:
            sub = Subscription.objects.create(
                channel=Channel.SMS,
                address=phone,
                state=SubscriptionState.ACTIVE,
                confirmed_at=now,
                **consent,
                **lookup,
            )
        elif sub.state != SubscriptionState.ACTIVE:
            sub.state = SubscriptionState.ACTIVE
            sub.confirmed_at, sub.stopped_at = now, None
            for name, value in consent.items():
                setattr(sub, name, value)
            sub.save(update_fields=["state", "confirmed_at", "stopped_at", *consent])
    # The sender proved the number by sending from it: SMS needs no second opt-in.
    return f"subscribed to {_keyword(found)}", render(
        "subscribe_ok", sub.language, {"scope": _scope_name(found)}
    )


def sms_unsubscribe(
    *, phone: str, target: str | None, keywords: dict[str, Point] | None = None
) -> tuple[str, str]:
    """``STOPP`` (all) or ``STOPP <target>``."""
    subs = Subscription.objects.filter(channel=Channel.SMS, address=phone).exclude(
        state=SubscriptionState.STOPPED
    )
    scope = ""
    keyword = "KALL"
    if target:
        found = resolve_target(target, keywords)
        if found is not None:
            subs = subs.filter(**_lookup(found))
            scope = _scope_name(found)
            keyword = _keyword(found)
    first = subs.select_related("point", "municipality", "county").first()
    if first is not None and not scope:
        keyword = _keyword(first.target)
    n = subs.update(state=SubscriptionState.STOPPED, stopped_at=timezone.now())
    return f"unsubscribed ({n})", render(
        "unsubscribe_ok", "sv", {"scope": scope, "keyword": keyword}
    ).replace("SOT .", "SOT.")


# --- e-mail with double opt-in -------------------------------------------------------


def _absolute(path: str) -> str:
    return env.get("SOT_SITE_URL").rstrip("/") + path


#: New unconfirmed e-mail subscriptions one address may get per day.
MAX_PENDING_PER_ADDRESS = 5


def subscribe_email(*, email: str, target, language: str = "sv") -> Subscription:
    """Create (or renew) a pending e-mail subscription and send the confirmation link."""
    email = email.strip().lower()
    recent = Subscription.objects.filter(
        channel=Channel.EMAIL,
        address=email,
        state=SubscriptionState.PENDING,
        created_at__gte=timezone.now() - timedelta(days=1),
    ).count()
    if recent >= MAX_PENDING_PER_ADDRESS:
        # one address cannot be made to receive a flood of confirmation mails
        raise errors.TooMany(
            "För många väntande anmälningar för den adressen. Bekräfta dem eller "
            "försök igen i morgon.",
            code="too_many_pending",
        )
    lookup = _lookup(target)
    with transaction.atomic():
        sub = Subscription.objects.filter(
            channel=Channel.EMAIL, address=email, **lookup
        ).first()
        if sub is None:
            sub = Subscription.objects.create(
                channel=Channel.EMAIL, address=email, language=language, **lookup
            )
        if sub.state == SubscriptionState.ACTIVE:
            return sub
        if sub.state == SubscriptionState.STOPPED:
            sub.state = SubscriptionState.PENDING
            sub.save(update_fields=["state"])
        link = _absolute(reverse("outreach:confirm", args=[sub.token]))
        scope = _scope_name(target)
        if language == "en":
            subject = f"Confirm: alerts about SOT {scope}"
            body = (
                f"Someone (hopefully you) asked for e-mail alerts when SOT {scope} "
                f"opens, changes or closes.\n\nConfirm here: {link}\n\nIf it was "
                "not you, ignore this message; nothing will be sent."
            )
        else:
            subject = f"Bekräfta: meddelanden om SOT {scope}"
            body = (
                f"Någon (förhoppningsvis du) har bett om e-post när SOT {scope} "
                f"öppnar, ändras eller stänger.\n\nBekräfta här: {link}\n\nVar det "
                "inte du kan du strunta i det här brevet; inget mer skickas."
            )
        # one confirmation mail per subscription and day
        day = timezone.now().strftime("%Y%m%d")
        queue_message(
            key=f"optin:{sub.pk}:{day}",
            channel=Channel.EMAIL,
            to=email,
            subject=subject,
            body=body,
            purpose="optin",
            resident=True,
        )
    return sub


def find_by_token(*, token: str, channel: str | None = None) -> Subscription | None:
    """The subscription a link names, without changing it (GET shows a button)."""
    if not token or len(token) > 64:
        return None
    qs = Subscription.objects.filter(token=token)
    if channel is not None:
        qs = qs.filter(channel=channel)
    sub = qs.first()
    if sub is not None and channel == Channel.EMAIL and sub.state == "stopped":
        return None
    return sub


def confirm_email(*, token: str) -> Subscription | None:
    sub = Subscription.objects.filter(token=token, channel=Channel.EMAIL).first()
    if sub is None or sub.state == SubscriptionState.STOPPED:
        return None
    if sub.state == SubscriptionState.PENDING:
        sub.state = SubscriptionState.ACTIVE
        sub.confirmed_at = sub.consent_at = timezone.now()
        sub.consent_method = ConsentMethod.EMAIL_CONFIRMED
        sub.consent_source = "sot: bekräftelselänk i e-post"
        sub.save(
            update_fields=[
                "state",
                "confirmed_at",
                "consent_at",
                "consent_method",
                "consent_source",
            ]
        )
    return sub


def unsubscribe_token(*, token: str) -> Subscription | None:
    sub = Subscription.objects.filter(token=token).first()
    if sub is None:
        return None
    sub.state = SubscriptionState.STOPPED
    sub.stopped_at = timezone.now()
    sub.save(update_fields=["state", "stopped_at"])
    return sub


# --- alerts ------------------------------------------------------------------------

_OFFER_KEYS = {
    # registry service code / report key -> describe_offers key
    "food": Service.FOOD,
    "drinking_water": Service.WATER,
    "phone_charging": Service.CHARGING,
    "heating": Service.HEATING,
    "toilets": Service.TOILET,
    "fuel_diesel": Service.DIESEL,
    "fuel_petrol95": Service.PETROL,
}
_SHOWN = frozenset({PublicState.OPEN, PublicState.LIMITED})


def offers_of(activation, public=None) -> dict[str, bool]:
    """What the point offers now, as the public is told (the one public state):
    available or limited -> True, not available -> False, unknown left out."""
    public = public or point_public_state(activation.point)
    offers: dict[str, bool] = {}
    for o in public.offers:
        key = _OFFER_KEYS.get(o.key)
        if key is None or o.availability == "unknown":
            continue
        offers[key] = o.available
    return {k.value: offers[k] for k in Service if k in offers}


def alert_residents(*, activation_id: int) -> int:
    """Tell subscribers when a point opened, changed its offers or closed."""
    with transaction.atomic():
        activation = (
            Activation.objects.select_for_update(of=("self",))
            .select_related("point", "event", "last_report")
            .get(pk=activation_id)
        )
        notice, _ = PointNotice.objects.select_for_update().get_or_create(
            activation=activation
        )
        public = point_public_state(activation.point)
        if public.event_id not in (None, activation.event_id):
            return 0  # another event is what the public is told about this point
        state = public.state.value if public.event_id else PublicState.CLOSED.value
        offers = offers_of(activation, public) if state in _SHOWN else {}
        if state in _SHOWN and notice.state not in _SHOWN:
            template = "point_opened"
        elif state == PublicState.CLOSED and notice.state in _SHOWN:
            template = "point_closed"
        elif state in _SHOWN and (offers != notice.offers or state != notice.state):
            template = "point_changed"
        else:
            return 0
        point = activation.point
        changed_at = activation.state_changed_at
        if template == "point_changed" and activation.last_report is not None:
            changed_at = max(changed_at, activation.last_report.observed_at)
        when = timezone.localtime(changed_at).strftime("%H:%M")
        notice.state, notice.offers = state, offers
        notice.seq += 1
        notice.sent_at = timezone.now()
        notice.template, notice.when = template, when
        notice.save()
    # The decision is committed; the messages are made in short transactions of
    # FAN_OUT_BATCH subscribers each (see sot.outreach.fanout).
    sent = _fan_out_notice(activation=activation, notice=notice)
    if sent:
        what = {
            "point_opened": "öppen",
            "point_changed": "ändrad",
            "point_closed": "stängd",
        }[template]
        add_log_entry(
            event=activation.event,
            author=None,
            point=point,
            kind=LogKind.MESSAGE,
            source=Source.SYSTEM,
            text=f"Invånare meddelade: {point.name} {what} ({sent} "
            f"{'prenumeration' if sent == 1 else 'prenumerationer'}).",
        )
    return sent


# --- background task (django-tasks) ------------------------------------------------


def _fan_out_notice(*, activation, notice) -> int:
    """Fan out the alert ``notice.seq`` and note that it finished."""
    sent = fanout.fan_out(
        activation=activation,
        seq=notice.seq,
        template=notice.template,
        offers=notice.offers,
        when=notice.when,
    )
    PointNotice.objects.filter(pk=notice.pk, fanned_out_seq__lt=notice.seq).update(
        fanned_out_seq=notice.seq
    )
    return sent


def finish_interrupted_alerts(*, now=None) -> int:
    """Fan out again the latest alert of each point whose fan-out did not finish
    (the worker stopped half-way) within ``SOT_SEND_CLAIM_TIMEOUT_SECONDS``: only
    what is missing is added. The sweep runs it; returns how many alerts."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.get(conf.SEND_CLAIM_TIMEOUT_SECONDS))
    unfinished = (
        PointNotice.objects.filter(
            fanned_out_seq__lt=F("seq"), sent_at__lt=cutoff, seq__gt=0
        )
        .exclude(template="")
        .select_related("activation__point__municipality", "activation__event")
    )
    notices = list(unfinished)
    for notice in notices:
        _fan_out_notice(activation=notice.activation, notice=notice)
    return len(notices)


@task()
def alert(activation_id: int) -> int:
    """Decide whether residents hear of a point's change, and fan the alert out
    (off the request that caused it)."""
    return alert_residents(activation_id=activation_id)


def enqueue_alert(activation_id: int) -> None:
    enqueue(alert, activation_id)


# --- a county's warning to residents -------------------------------------------------

#: SMS segments a warning may take with its "SOT <county>: " (2: 306 characters)
WARNING_MAX_SEGMENTS = 2


def warn_county(
    *, by, county: County, text: str, text_en: str = "", exercise: bool = False
) -> ResidentWarning:
    """A county coordinator's warning to every resident who subscribes to the
    county, to one of its municipalities or to one of its points (one message per
    address). Only records it and enqueues the fan-out (:func:`warn`)."""
    warning = ResidentWarning(
        county=county,
        text=" ".join((text or "").split()),
        text_en=" ".join((text_en or "").split()),
        exercise=exercise,
        created_by=by,
    )
    policy.require(by, perm.WARN_RESIDENTS, warning)
    if not warning.text:
        raise errors.Invalid("Skriv varningens text.", code="warning_text")
    for language, field in (("sv", "text"), ("en", "text_en")):
        if getattr(warning, field):
            info = segment_info(warning.sms_text(language))
            if info.segments > WARNING_MAX_SEGMENTS:
                raise errors.Invalid(
                    f"Texten ({field}) blir {info.segments} SMS; högst "
                    f"{WARNING_MAX_SEGMENTS}. Korta den.",
                    code="warning_too_long",
                )
    with transaction.atomic():
        warning.save()
        transaction.on_commit(lambda: enqueue(warn, warning.pk))
    return warning


def send_warning(*, warning_id: int) -> int:
    """Fan the warning out (again, after a worker restart: only what is missing)."""
    warning = ResidentWarning.objects.select_related("county").get(pk=warning_id)
    sent = fanout.fan_out_warning(warning=warning)
    ResidentWarning.objects.filter(pk=warning.pk).update(
        recipients=sent, fanned_out_at=timezone.now()
    )
    return sent


def finish_interrupted_warnings(*, now=None) -> int:
    """Fan out again the warnings whose fan-out did not finish (the worker stopped
    half-way) within ``SOT_SEND_CLAIM_TIMEOUT_SECONDS``: only what is missing is
    added. The sweep runs it; returns how many warnings."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.get(conf.SEND_CLAIM_TIMEOUT_SECONDS))
    unfinished = ResidentWarning.objects.filter(
        fanned_out_at__isnull=True, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    for pk in list(unfinished):
        send_warning(warning_id=pk)
    return len(unfinished)


@task()
def warn(warning_id: int) -> int:
    """Fan a county's warning out to its residents (off the request)."""
    return send_warning(warning_id=warning_id)
