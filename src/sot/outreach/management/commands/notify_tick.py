"""`sot notify_tick`: send what is due (retries, reminders, messages a stopped worker
left claimed) and finish alerts and county warnings a stopped worker left half fanned out. For
cron, or when no task worker runs."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sot.outreach.callouts import send_reminders
from sot.outreach.core.callout import CallOutState
from sot.outreach.delivery import deliver_due
from sot.outreach.models import CallOut
from sot.outreach.subscriptions import (
    finish_interrupted_alerts,
    finish_interrupted_warnings,
)


class Command(BaseCommand):
    help = (
        "Send queued messages whose time has come and call-out reminders that are due."
    )

    def handle(self, *args, **opts):
        finish_interrupted_alerts()
        finish_interrupted_warnings()
        reminded = 0
        for pk in CallOut.objects.filter(state=CallOutState.OPEN).values_list(
            "pk", flat=True
        ):
            reminded += send_reminders(callout_id=pk)
        sent = deliver_due()
        self.stdout.write(
            f"{reminded} {'påminnelse' if reminded == 1 else 'påminnelser'}, "
            f"{sent} {'meddelande skickat' if sent == 1 else 'meddelanden skickade'}."
        )
