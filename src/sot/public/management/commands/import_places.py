from django.core.management.base import BaseCommand, CommandError

from sot.public import imports


class Command(BaseCommand):
    help = (
        "Import a gazetteer CSV (e.g. Lantmäteriet's open place names, or GeoNames) "
        "for the nearest-point search. Columns: name/namn, lat, lon, optional "
        "kind/typ and kommun_kod; or a GeoNames dump such as SE.txt as it comes "
        "(its populated places)."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv")
        parser.add_argument(
            "--source", default="", help="Source label (default: file name)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete earlier places from the same source first.",
        )

    def handle(self, *args, csv, source, replace, **options):
        try:
            n = imports.import_places(csv, source=source, replace=replace)
        except (OSError, imports.ImportError_) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Importerade {n} ortnamn från {csv}")
