"""`sot sms_in +46701740605 JA`: feed an inbound SMS by hand (exercises, demo)."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand

from sot.outreach.delivery import deliver_due
from sot.outreach.inbound import handle_inbound_sms


class Command(BaseCommand):
    help = (
        "Treat a text as an SMS received from a phone number, as if the SMS provider "
        "had delivered it (no signature check: for development and exercises), then "
        "send the queued replies through the configured channel."
    )

    def add_arguments(self, parser):
        parser.add_argument("sender", help="Sender's number, e.g. +46701740605")
        parser.add_argument("text", nargs="+", help="The text of the SMS")
        parser.add_argument(
            "--id", default="", help="Provider message id (default: new)"
        )

    def handle(self, *args, **opts):
        text = " ".join(opts["text"])
        result = handle_inbound_sms(
            provider_id=opts["id"] or f"cli-{uuid.uuid4().hex[:12]}",
            sender=opts["sender"],
            body=text,
        )
        self.stdout.write(f"{result.kind}: {result.outcome}")
        sent = deliver_due()
        if result.reply:
            self.stdout.write(f"Svar: {result.reply}")
        self.stdout.write(
            f"{sent} {'meddelande skickat' if sent == 1 else 'meddelanden skickade'}."
        )
