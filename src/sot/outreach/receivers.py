"""Signal receivers: operations tells us when something public changed."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from sot.operations.signals import public_state_changed

log = logging.getLogger("sot.outreach")


@receiver(public_state_changed, dispatch_uid="sot.outreach.alert_residents")
def _public_state_changed(sender, point=None, event=None, **kwargs) -> None:
    if point is None or event is None:
        return
    from sot.operations.models import Activation
    from sot.outreach.subscriptions import alert_residents

    activation = Activation.objects.filter(event=event, point=point).first()
    if activation is None:
        return
    try:
        alert_residents(activation_id=activation.pk)
    except Exception:  # never break the operator's report because of an alert
        log.exception("alerting residents about %s failed", point)
