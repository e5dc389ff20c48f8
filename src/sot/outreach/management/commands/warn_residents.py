"""`sot warn_residents --county 23 "Storm i natt ..."`: a county's warning to every
resident who subscribes to the county, one of its municipalities or points."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sot import errors
from sot.accounts.models import User
from sot.outreach import subscriptions
from sot.registry.models import County


class Command(BaseCommand):
    help = (
        "Send a county's warning to every resident who subscribes to the county, to "
        "one of its municipalities or to one of its points (one message per "
        "address). The task worker fans it out; --now does it in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("text", help="The warning in Swedish (at most two SMS).")
        parser.add_argument("--county", required=True, help="County code, e.g. 23.")
        parser.add_argument("--en", default="", help="The warning in English.")
        parser.add_argument(
            "--by", default="", help="Username of the county coordinator."
        )
        parser.add_argument(
            "--exercise", action="store_true", help="An exercise: starts ÖVNING."
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="Fan out here and now instead of in the task worker.",
        )

    def handle(self, *args, **opts):
        county = County.objects.filter(code=opts["county"]).first()
        if county is None:
            raise CommandError(f"no county {opts['county']!r}")
        by = None
        if opts["by"]:
            by = User.objects.filter(username=opts["by"]).first()
            if by is None:
                raise CommandError(f"no user {opts['by']!r}")
        try:
            warning = subscriptions.warn_county(
                by=by,
                county=county,
                text=opts["text"],
                text_en=opts["en"],
                exercise=opts["exercise"],
            )
        except errors.SotError as exc:
            raise CommandError(exc.message) from exc
        if opts["now"]:
            sent = subscriptions.send_warning(warning_id=warning.pk)
            self.stdout.write(f"Varning {warning.pk}: {sent} mottagare i kö.")
        else:
            self.stdout.write(
                f"Varning {warning.pk} registrerad; arbetaren skickar den."
            )
