from django.core.management.base import BaseCommand

from sot.registry import scheduler


class Command(BaseCommand):
    help = (
        "Enqueue periodic work when it is due: the freshness check, message retries "
        "and reminders, and the polling of warning sources when SOT_WARNINGS_POLLING "
        "is on. `sot serve` runs it beside the task worker; run it yourself when they "
        "run apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then exit.")

    def handle(self, *args, **options):
        scheduler.loop(once=options["once"])
