from django.core.management.base import BaseCommand, CommandError

from sot.public import imports


class Command(BaseCommand):
    help = "Import a postcode CSV (postnummer/postcode, postort/locality, lat, lon)."

    def add_arguments(self, parser):
        parser.add_argument("csv")

    def handle(self, *args, csv, **options):
        try:
            n = imports.import_postcodes(csv)
        except (OSError, imports.ImportError_) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Importerade {n} postnummer från {csv}")
