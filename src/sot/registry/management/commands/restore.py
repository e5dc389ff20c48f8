"""`sot restore FILE`: verify the checksum, then replace the database with the backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sot.registry import backup


class Command(BaseCommand):
    help = (
        "Restore the database from a backup made by `sot backup`, after checking its "
        "SHA-256 checksum. Stop the server first. Replaces ALL current data."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask before replacing the data."
        )

    def handle(self, *args, **o):
        path = Path(o["file"])
        if not o["yes"]:
            answer = input(f"Replace all data in the database with {path}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                raise CommandError("restore cancelled")
        try:
            backup.restore_backup(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored from {path}")
