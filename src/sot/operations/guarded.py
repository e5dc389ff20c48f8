"""Guarded actions on an event: end it, close all its points, delete an exercise.

Each asks for a reason and a confirmation on a page of its own (plain HTML, works
without JavaScript): the event page posts the action, which answers with the
confirmation page saying what will happen; only its "yes" (``confirmed``) with a
reason acts. The reason goes into the log (issue #11, item 7).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sot.accounts import policy
from sot.operations import permissions as perm
from sot.operations import services as ops
from sot.operations.forms import CloseEventForm
from sot.operations.models import Event, State, StatusReport


@dataclass(frozen=True)
class Guarded:
    title: str
    button: str
    done: str


ACTIONS = {
    "end": Guarded(
        gettext_lazy("Avsluta händelsen och stäng alla punkter?"),
        gettext_lazy("Ja, avsluta händelsen"),
        gettext_lazy("Händelsen är avslutad."),
    ),
    "close_all": Guarded(
        gettext_lazy("Stänga alla punkter i händelsen?"),
        gettext_lazy("Ja, stäng alla punkter"),
        gettext_lazy("Alla punkter är stängda."),
    ),
    "delete": Guarded(
        gettext_lazy("Ta bort övningen?"),
        gettext_lazy("Ja, ta bort övningen"),
        gettext_lazy("Övningen är borttagen."),
    ),
}


def guarded_action(request, event: Event, action: str):
    """Show the confirmation page, or act once it is confirmed with a reason."""
    guarded = ACTIONS[action]
    if action == "delete":
        policy.require(request.user, perm.DELETE_EXERCISE, event)
        if not event.is_exercise:
            raise ops.OperationRefused(
                "not_exercise",
                _("Bara övningar kan tas bort; verkliga händelser sparas."),
            )
    else:
        policy.require(request.user, perm.CHANGE_EVENT, event)
        if event.ends_at is not None:
            raise ops.OperationRefused(
                "already_ended", _("Händelsen är redan avslutad.")
            )
    form = CloseEventForm(request.POST)
    if form.is_valid() and form.cleaned_data["confirmed"]:
        reason = form.cleaned_data["reason"].strip()
        if action == "end":
            ops.end_event(event=event, by=request.user, reason=reason)
        elif action == "close_all":
            ops.close_all_points(event=event, by=request.user, reason=reason)
        else:
            ops.delete_exercise(event=event, by=request.user, reason=reason)
            messages.success(request, str(guarded.done))
            return redirect("operations:dashboard")
        messages.success(request, str(guarded.done))
        return redirect("operations:event", event_id=event.pk)
    if not form.fields["confirmed"].to_python(request.POST.get("confirmed")):
        # the first step (from the event page): the reason typed there, no error yet
        form = CloseEventForm(
            initial={"reason": request.POST.get("reason", ""), "confirmed": True}
        )
    context = {"event": event, "action": action, "guarded": guarded, "form": form}
    if action == "delete":
        context["counts"] = {
            "points": event.activations.count(),
            "reports": StatusReport.objects.filter(activation__event=event).count(),
            "log": event.log.count(),
        }
    else:
        context["points"] = [
            a.point
            for a in event.activations.exclude(state=State.CLOSED)
            .select_related("point")
            .order_by("point__name")
        ]
    return render(request, "operations/confirm.html", context)
