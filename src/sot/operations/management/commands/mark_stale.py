"""`sot mark_stale`: run the freshness check once (cron or a systemd timer, every few
minutes). The coordinator dashboard also runs it each time it is shown."""

from django.core.management.base import BaseCommand

from sot.operations.services import mark_stale


class Command(BaseCommand):
    help = (
        "Set the state 'unknown' on every activated point whose last report is older "
        "than SOT_STALE_AFTER_MINUTES (or the event's own limit)."
    )

    def handle(self, *args, **options):
        changed = mark_stale()
        for activation in changed:
            self.stdout.write(f"{activation.point.slug}: okänd ({activation.event})")
        self.stdout.write(f"{len(changed)} punkt(er) markerade som okända.")
