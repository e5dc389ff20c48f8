"""`sot backup`: a consistent copy of the database with a SHA-256 checksum."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sot.registry import backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to a file (SQLite: the online backup "
        "API; PostgreSQL: pg_dump custom format) and a .sha256 file beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="Target file (default: backups/sot-<time>.<ext>)."
        )

    def handle(self, *args, **o):
        try:
            path, digest = backup.make_backup(Path(o["file"]) if o["file"] else None)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {path}\nsha256: {digest}")
