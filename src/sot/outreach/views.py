"""Thin views: provider webhooks and the e-mail subscription pages."""

from __future__ import annotations

import logging

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sot import errors
from sot.accounts.logins import client_ip
from sot.config import ratelimit
from sot.outreach import conf, subscriptions
from sot.outreach.api import SUBSCRIBE_PER_HOUR
from sot.outreach.core import twilio
from sot.outreach.delivery import apply_status_update
from sot.outreach.inbound import handle_inbound_sms
from sot.registry.models import PUBLIC_LIFECYCLES, Municipality, Point
from sot.validation import bounds
from sot.vocabulary import Language

log = logging.getLogger("sot.outreach")


def _verified(request: HttpRequest) -> bool:
    token = conf.get(conf.TWILIO_AUTH_TOKEN)
    url = conf.webhook_base_url() + request.get_full_path()
    params = list(request.POST.lists())
    flat = [(k, v) for k, values in params for v in values]
    ok = twilio.verify_signature(
        url, flat, request.headers.get(twilio.SIGNATURE_HEADER), token
    )
    if not ok:
        log.warning("SMS webhook with a bad or missing signature refused (%s)", url)
    return ok


def _bad_id(provider_id: str) -> bool:
    problem = bounds.text_problem(provider_id, max_len=bounds.MESSAGE_ID_LEN)
    if problem:
        log.warning("SMS webhook with a malformed message id refused: %s", problem)
    return problem is not None


def _twiml() -> HttpResponse:
    return HttpResponse(twilio.EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    """Twilio's 'A message comes in' webhook. Replies go out through the queue."""
    if not _verified(request):
        return HttpResponseForbidden("bad signature")
    try:
        sms = twilio.parse_inbound(request.POST)
    except ValueError:
        return HttpResponse(status=400)
    if _bad_id(sms.provider_id):
        return HttpResponse(status=400)
    handle_inbound_sms(provider_id=sms.provider_id, sender=sms.sender, body=sms.body)
    return _twiml()


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio's message status callback: delivered, failed, ..."""
    if not _verified(request):
        return HttpResponseForbidden("bad signature")
    try:
        update = twilio.parse_status_callback(request.POST)
    except ValueError:
        return HttpResponse(status=400)
    if _bad_id(update.provider_id) or bounds.text_problem(
        update.provider_status, max_len=40
    ):
        return HttpResponse(status=400)
    apply_status_update(
        provider_id=update.provider_id,
        state=update.state,
        provider_status=update.provider_status,
        error_code=update.error_code,
    )
    return HttpResponse(status=204)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-post"))
    target = forms.CharField(
        label=_("SOT-punkt, kommun eller län"),
        max_length=100,
        help_text=_("T.ex. Kall, Åre eller Jämtland."),
    )
    language = forms.ChoiceField(
        label=_("Språk"),
        choices=[(lang.value, lang.native) for lang in Language],
        initial=Language.SV.value,
    )

    def clean_target(self):
        target = subscriptions.resolve_target(self.cleaned_data["target"])
        if isinstance(target, Point) and target.lifecycle not in PUBLIC_LIFECYCLES:
            target = None  # a planned point is not public: as if it did not exist
        if target is None:
            raise forms.ValidationError(
                _("Hittar ingen SOT-punkt, kommun eller län med det namnet.")
            )
        return target


def subscribe(request: HttpRequest) -> HttpResponse:
    """Public page: subscribe by e-mail (a confirmation link is sent: double opt-in)."""
    initial = {}
    slug = request.GET.get("punkt")
    if slug:
        point = Point.objects.filter(
            slug=slug[:64], lifecycle__in=PUBLIC_LIFECYCLES
        ).first()
        if point is not None:
            initial["target"] = point.name
    form = SubscribeForm(request.POST or None, initial=initial)
    done = False
    status = 200
    if request.method == "POST" and not ratelimit.allow(
        f"subscribe:{client_ip(request)}",
        limit=SUBSCRIBE_PER_HOUR,
        window_s=3600,
    ):
        form.add_error(None, _("För många anmälningar härifrån. Försök igen senare."))
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            subscriptions.subscribe_email(
                email=form.cleaned_data["email"],
                target=form.cleaned_data["target"],
                language=form.cleaned_data["language"],
            )
        except errors.TooMany as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            done = True  # the same answer whether or not the address was known
    return render(
        request,
        "outreach/subscribe.html",
        {
            "form": form,
            "done": done,
            # only what the public may see: no planned points
            "points": Point.objects.filter(lifecycle__in=PUBLIC_LIFECYCLES).order_by(
                "name"
            ),
            "municipalities": Municipality.objects.filter(
                points__lifecycle__in=PUBLIC_LIFECYCLES
            ).distinct(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: a mail scanner following the link changes
    nothing."""
    sub = subscriptions.find_by_token(token=token, channel="email")
    done = False
    if sub is not None and request.method == "POST":
        sub = subscriptions.confirm_email(token=token)
        done = sub is not None
    return render(
        request,
        "outreach/confirmed.html",
        {"subscription": sub, "done": done},
        status=200 if sub else 404,
    )


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST ends the subscription (mail scanners follow links)."""
    sub = subscriptions.find_by_token(token=token)
    done = False
    if sub is not None and request.method == "POST":
        sub = subscriptions.unsubscribe_token(token=token)
        done = sub is not None
    return render(
        request,
        "outreach/unsubscribed.html",
        {"subscription": sub, "done": done},
        status=200 if sub else 404,
    )
