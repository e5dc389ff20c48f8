"""`sot callout kall --needed 4 --skills generator,first_aid`: start a call-out."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sot.accounts.models import User
from sot.operations.queries import current_activation
from sot.outreach import callouts
from sot.outreach.delivery import deliver_due
from sot.registry.models import Point


class Command(BaseCommand):
    help = (
        "Call out volunteers for a point that is activated in a running event: "
        "about 3 x N people with the skills are asked by SMS."
    )

    def add_arguments(self, parser):
        parser.add_argument("point", help="The point's id (slug), e.g. kall")
        parser.add_argument("--needed", type=int, required=True)
        parser.add_argument("--skills", default="", help="e.g. generator,first_aid")
        parser.add_argument("--by", default="", help="Username of the officer")
        parser.add_argument(
            "--from-time", default="", help="Text for 'från', e.g. 18:00"
        )

    def handle(self, *args, **opts):
        point = Point.objects.filter(slug=opts["point"]).first()
        if point is None:
            raise CommandError(f"no point {opts['point']!r}")
        activation = current_activation(point)
        if activation is None:
            raise CommandError(f"{point.name} is not activated in a running event")
        by = User.objects.filter(username=opts["by"]).first() if opts["by"] else None
        skills = [s.strip() for s in opts["skills"].split(",") if s.strip()]
        try:
            callout = callouts.start_callout(
                activation=activation,
                needed=opts["needed"],
                skills=skills,
                by=by,
                starts_at_text=opts["from_time"],
            )
        except (callouts.CallOutRefused, ValueError, PermissionError) as exc:
            raise CommandError(str(exc)) from exc
        sent = deliver_due()
        self.stdout.write(
            f"Utrop {callout.ref}: {callout.recipients.count()} tillfrågade, "
            f"{sent} SMS skickade."
        )
