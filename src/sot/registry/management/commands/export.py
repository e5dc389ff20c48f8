"""`sot export points --format csv|geojson|xlsx [--output FILE]`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from sot.registry import tables
from sot.registry.api import _base_queryset


class Command(BaseCommand):
    help = "Export the points of the register as CSV, XLSX or GeoJSON."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        pts = sub.add_parser("points", help="All points, internal fields included.")
        pts.add_argument("--format", choices=("csv", "xlsx", "geojson"), default="csv")
        pts.add_argument(
            "--output", "-o", help="File to write (default: standard output)."
        )
        pts.add_argument("--municipality", help="Only this municipality code.")

    def handle(self, *args, **o):
        points = _base_queryset().order_by("municipality__code", "slug")
        if o["municipality"]:
            points = points.filter(municipality__code=o["municipality"])
        if o["format"] == "geojson":
            data = tables.to_geojson(points)
        elif o["format"] == "xlsx":
            data = tables.to_xlsx(tables.export_rows(points))
        else:
            data = tables.to_csv(tables.export_rows(points))
        if o["output"]:
            Path(o["output"]).write_bytes(data)
            self.stderr.write(f"wrote {points.count()} points to {o['output']}")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
