"""Officials' pages: call-outs for an activation, a county's warnings to residents,
and the exercise SMS console.

They reuse the operations pages' layout (``operations/base.html``).
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sot.accounts import policy
from sot.accounts.models import User
from sot.errors import Invalid, Refused
from sot.operations import permissions as ops_perm
from sot.operations.models import Activation
from sot.outreach import callouts, conf, subscriptions
from sot.outreach import permissions as perm
from sot.outreach.core.phone import PhoneNumberError, normalize_phone
from sot.outreach.delivery import deliver_due
from sot.outreach.inbound import describe_outcome, handle_inbound_sms
from sot.outreach.models import (
    CallOut,
    Member,
    Message,
    ResidentWarning,
    Skill,
    Subscription,
)
from sot.registry.models import County
from sot.validation import bounds
from sot.validation import forms as vf


class CallOutForm(forms.Form):
    needed = vf.whole(
        bounds.CALLOUT_PEOPLE, label=gettext_lazy("Antal som behövs"), initial=4
    )
    skills = forms.MultipleChoiceField(
        label=gettext_lazy("Färdigheter (någon av)"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    from_time = forms.CharField(
        label=gettext_lazy("Från (klockslag i SMS:et)"), max_length=11, required=False
    )


class WarningForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Varning (svenska)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Högst två SMS, med länets namn först."),
    )
    text_en = forms.CharField(
        label=gettext_lazy("Varning (engelska, frivilligt)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    exercise = forms.BooleanField(label=gettext_lazy("Övning"), required=False)


class SmsForm(forms.Form):
    sender = forms.CharField(label=gettext_lazy("Från nummer"), max_length=20)
    text = forms.CharField(label=gettext_lazy("Text"), max_length=480)


STATUS_LABELS = {
    "pending": gettext_lazy("inget svar"),
    "yes": gettext_lazy("ja"),
    "no": gettext_lazy("nej"),
    "later": gettext_lazy("senare"),
    "surplus": gettext_lazy("ja, men behövs inte"),
    "not_needed": gettext_lazy("behövs inte"),
}
CALLOUT_STATE_LABELS = {
    "open": gettext_lazy("pågår"),
    "filled": gettext_lazy("fyllt"),
    "cancelled": gettext_lazy("avslutat"),
}
SKILL_LABELS = dict(Skill.choices)


def _recipient_row(r, *, personal: bool) -> dict:
    """One person asked; the distance (where they live) only for officials."""
    return {
        "rank": r.rank,
        "name": r.member.name,
        "skills": ", ".join(str(SKILL_LABELS.get(s, s)) for s in r.matched_skills),
        "km": None
        if r.distance_m is None or not personal
        else round(r.distance_m / 1000, 1),
        "status": STATUS_LABELS.get(r.status, r.status),
    }


def _activation(request, activation_id: int) -> Activation:
    activation = get_object_or_404(
        Activation.objects.select_related("point__municipality", "event"),
        pk=activation_id,
    )
    policy.require(request.user, perm.VIEW_CALLOUT, activation.point)
    return activation


@login_required
def activation_callouts(request, activation_id: int):
    """Start a call-out for an activated point and follow the answers."""
    activation = _activation(request, activation_id)
    can_start = policy.can(request.user, perm.START_CALLOUT, activation.point)
    personal = policy.can(request.user, perm.VIEW_PERSONAL)
    form = CallOutForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, perm.START_CALLOUT, activation.point)
        if form.is_valid():
            try:
                callout = callouts.start_callout(
                    activation=activation,
                    needed=form.cleaned_data["needed"],
                    skills=form.cleaned_data["skills"],
                    by=request.user,
                    starts_at_text=form.cleaned_data["from_time"],
                )
            except callouts.CallOutRefused as exc:
                form.add_error(None, exc.message)
            else:
                deliver_due()
                messages.success(
                    request,
                    _("Utrop %(ref)s skickat till %(n)d personer.")
                    % {"ref": callout.ref, "n": callout.recipients.count()},
                )
                return redirect(
                    "outreach:activation-callouts", activation_id=activation.pk
                )
    rows = []
    for callout in activation.callouts.order_by("-created_at"):
        rows.append(
            {
                "callout": callout,
                "state": CALLOUT_STATE_LABELS.get(callout.state, callout.state),
                "counts": callouts.summary(callout),
                "recipients": [
                    _recipient_row(r, personal=personal)
                    for r in callout.recipients.select_related("member").order_by(
                        "rank"
                    )
                ],
            }
        )
    return render(
        request,
        "outreach/callouts.html",
        {
            "activation": activation,
            "event": activation.event,
            "form": form,
            "can_start": can_start,
            "personal": personal,
            "rows": rows,
            "can_change": policy.can(
                request.user, perm.CHANGE_CALLOUT, activation.point
            ),
        },
    )


@login_required
@require_POST
def cancel(request, callout_id: int):
    callout = get_object_or_404(
        CallOut.objects.select_related("activation__point"), pk=callout_id
    )
    callouts.cancel_callout(callout=callout, by=request.user)
    deliver_due()
    messages.success(request, _("Utropet är avslutat."))
    return redirect("outreach:activation-callouts", activation_id=callout.activation_id)


#: The numbers PTS keeps for fiction (070-174 06 05 to 070-174 06 99): the console
#: may simulate a new resident with one of them.
FICTION_NUMBERS = range(46701740605, 46701740700)


def console_may_send_as(user, sender: str) -> bool:
    """May ``user`` type an SMS in the exercise console as if from ``sender``?

    Only as someone within the user's own scope: an operator whose points they may
    report for (or themself), a volunteer in a roster they may change, a number
    subscribed only to points or municipalities in their scope, or an unused number
    from the fiction range. Never as anybody else: the console must not let a
    Krokom officer report for Kall or end a resident's subscription elsewhere.
    """
    try:
        phone = normalize_phone(sender)
    except PhoneNumberError:
        return False
    users = [
        u
        for u in User.objects.filter(is_active=True).exclude(phone="")
        if _same_phone(u.phone, phone)
    ]
    for other in users:
        if other.pk == user.pk:
            continue
        points = list(other.points.all())
        if not points or not all(
            policy.can(user, ops_perm.REPORT_STATUS, p) for p in points
        ):
            return False
    members = list(Member.objects.filter(phone=phone).select_related("municipality"))
    if not all(policy.can(user, perm.CHANGE_ROSTER, m.municipality) for m in members):
        return False
    subs = Subscription.objects.filter(address=phone).select_related(
        "point__municipality", "municipality"
    )
    for sub in subs:
        muni = sub.point.municipality if sub.point_id else sub.municipality
        if muni is None or not policy.can(user, perm.CHANGE_ROSTER, muni):
            return False
    if users or members or subs:
        return True
    return (
        phone.startswith("+")
        and phone[1:].isdigit()
        and (int(phone[1:]) in FICTION_NUMBERS)
    )


def _same_phone(stored: str, phone: str) -> bool:
    try:
        return normalize_phone(stored) == phone
    except PhoneNumberError:
        return False


@login_required
def sms_console(request):
    """Type an SMS as if it came from a phone (development and exercises only)."""
    policy.require(request.user, perm.START_CALLOUT)
    if conf.get(conf.SMS_BACKEND) == "twilio":
        # real SMS come through the signed webhook only
        raise Refused("the SMS console is off with a real SMS provider")
    form = SmsForm(request.POST or None)
    result = None
    sent = []
    if request.method == "POST" and form.is_valid():
        if not console_may_send_as(request.user, form.cleaned_data["sender"]):
            raise Refused(
                _(
                    "Du kan bara skicka som nummer inom ditt område: operatörer och "
                    "frivilliga i dina kommuner, prenumeranter på dina punkter, eller "
                    "ett påhittat nummer 070-174 06 05–99."
                )
            )
        last = Message.objects.aggregate(m=Max("id"))["m"] or 0
        result = handle_inbound_sms(
            provider_id=f"console-in-{uuid.uuid4().hex[:12]}",
            sender=form.cleaned_data["sender"],
            body=form.cleaned_data["text"],
        )
        deliver_due()
        sent = list(Message.objects.filter(id__gt=last).order_by("id"))
    return render(
        request,
        "outreach/sms_console.html",
        {
            "form": form,
            "result": result,
            "outcome": describe_outcome(result.outcome) if result else "",
            "sent": sent,
        },
    )


@login_required
def county_warnings(request, code: str):
    """A county coordinator's warnings to the county's residents: send one (it is
    fanned out by the task worker) and see what the last ones reached."""
    county = get_object_or_404(County, code=code[:2])
    policy.require(request.user, perm.WARN_RESIDENTS, ResidentWarning(county=county))
    form = WarningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.warn_county(
                by=request.user,
                county=county,
                text=form.cleaned_data["text"],
                text_en=form.cleaned_data["text_en"],
                exercise=form.cleaned_data["exercise"],
            )
        except Invalid as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Varningen är registrerad och skickas till länets prenumeranter."),
            )
            return redirect("outreach:county-warnings", code=county.code)
    return render(
        request,
        "outreach/warnings.html",
        {
            "county": county,
            "form": form,
            "warnings": county.resident_warnings.select_related("created_by")[:20],
        },
    )
