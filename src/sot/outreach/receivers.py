"""Signal receivers: operations tells us when something public changed."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from sot.operations.models import Activation
from sot.operations.signals import exercise_suspended, public_state_changed
from sot.outreach import subscriptions
from sot.outreach.delivery import queue_message

log = logging.getLogger("sot.outreach")


@receiver(public_state_changed, dispatch_uid="sot.outreach.alert_residents")
def _public_state_changed(sender, point=None, event=None, **kwargs) -> None:
    if point is None or event is None:
        return
    activation = Activation.objects.filter(event=event, point=point).first()
    if activation is None:
        return
    # One task, whatever the number of subscribers: the request returns at once.
    subscriptions.enqueue_alert(activation.pk)


@receiver(exercise_suspended, dispatch_uid="sot.outreach.tell_exercise_lead")
def _exercise_suspended(sender, activation=None, real=None, text="", **kwargs) -> None:
    """Tell the exercise lead (who opened the exercise) by SMS, else by e-mail."""
    lead = activation.event.created_by
    if lead is None:
        return
    if lead.phone:
        channel, to = "sms", lead.phone
    elif lead.email:
        channel, to = "email", lead.email
    else:
        return
    queue_message(
        key=f"exercise-suspended:{activation.pk}:{real.pk}",
        channel=channel,
        to=to,
        body=f"SOT ÖVNING {activation.event.name}: {text}"[:480],
        subject=f"ÖVNING {activation.event.name}: {activation.point.name} vilar",
        purpose="exercise_suspended",
    )
