"""``sot warnings``: import warning documents by hand, poll the sources, show their health.

sot warnings import FILE [--json] [--format F] [--status exercise] [--xsd PATH]
sot warnings poll [--loop] [--every SECONDS]
sot warnings health [--json]
sot warnings setup
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sot.registry.models import Municipality
from sot.warnings import polling, services
from sot.warnings.core.detect import FORMATS
from sot.warnings.core.model import MARKABLE_STATUSES, ParseError
from sot.warnings.importing import import_bytes
from sot.warnings.rules import ensure_default_rules
from sot.warnings.tasks import schedule_polling


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class Command(BaseCommand):
    help = "Warnings in: import a document (SMHI, Krisinformation, VMA, CAP, outage), poll the warning sources, show their health."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a warning document from a file.")
        imp.add_argument("file", help="The document (use - for standard input).")
        imp.add_argument(
            "--json", action="store_true", help="Write the result as JSON."
        )
        imp.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="The document's format (detected from the content when left out).",
        )
        imp.add_argument(
            "--status",
            choices=[s.value for s in MARKABLE_STATUSES],
            help="Mark the document's actual messages as an exercise or test.",
        )
        imp.add_argument(
            "--xsd",
            help="CAP 1.2 schema to validate CAP XML against (default SOT_CAP_XSD).",
        )
        poll = sub.add_parser("poll", help="Poll the warning sources that are due.")
        poll.add_argument("--loop", action="store_true", help="Keep polling.")
        poll.add_argument(
            "--every",
            type=int,
            default=30,
            help="Seconds between rounds with --loop or --schedule.",
        )
        poll.add_argument(
            "--schedule",
            action="store_true",
            help="Let the background worker poll every --every seconds from now on.",
        )
        health = sub.add_parser(
            "health", help="Show the health of every warning source."
        )
        health.add_argument("--json", action="store_true")
        sub.add_parser(
            "setup", help="Create the built-in warning sources and the default rules."
        )
        sub.add_parser(
            "rematch",
            help="Match the warnings in force again (after points were added or moved).",
        )

    def handle(self, *args, **options):
        return getattr(self, f"_{options['action']}")(options)

    def _import(self, options):
        name = options["file"]
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"no such file: {name}")
            data = path.read_bytes()
        try:
            report = import_bytes(
                data=data,
                filename=name,
                format=options["format"],
                status=options["status"],
                via="cli",
                xsd_path=options["xsd"],
            )
        except ParseError as exc:
            raise CommandError(f"{name}: {exc}") from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    report.as_dict(),
                    ensure_ascii=False,
                    indent=2,
                    default=_json_default,
                )
            )
            return
        self._print_report(name, report)

    def _print_report(self, name, report):

        names = dict(Municipality.objects.values_list("code", "name"))
        self.stdout.write(
            f"{name}: {len(report.messages)} meddelanden ({report.format})"
        )
        for m in report.messages:
            self.stdout.write(
                f"  {services.ACTION_WORDS[m.action]:10} {m.source} {m.identifier}  {m.msg_type}/{m.status}  "
                f"[{m.state}]  {m.headline}"
            )
            if m.replaced:
                self.stdout.write(f"            ersätter: {', '.join(m.replaced)}")
            if m.cancelled:
                self.stdout.write(f"            upphäver: {', '.join(m.cancelled)}")
            munis = ", ".join(
                f"{c} {names.get(c, '')}".strip() for c in m.municipality_codes
            )
            self.stdout.write(f"            kommuner: {munis or '–'}")
            self.stdout.write(f"            punkter: {', '.join(m.point_ids) or '–'}")
            self.stdout.write(f"            förslag: {len(m.suggestion_ids)}")
        if report.ended:
            self.stdout.write(
                f"  avslutade (saknas i källan): {', '.join(report.ended)}"
            )
        if report.cleared_suggestions:
            self.stdout.write(
                f"  förslag som blev inaktuella: {report.cleared_suggestions}"
            )

    def _poll(self, options):
        polling.ensure_sources()
        if options["schedule"]:
            done = schedule_polling(every_s=max(options["every"], 5))
            self.stdout.write(
                "polling schemalagd" if done else "polling var redan schemalagd"
            )
            return
        while True:
            outcomes = polling.poll_due()
            for slug, outcome in sorted(outcomes.items()):
                self.stdout.write(f"{slug}: {outcome}")
            if not options["loop"]:
                if outcomes and all(o == "failed" for o in outcomes.values()):
                    # a cron job or a monitor must see that no source answered
                    raise CommandError(
                        f"every warning source polled failed ({len(outcomes)}); "
                        "see `sot warnings health`"
                    )
                return
            time.sleep(max(options["every"], 1))

    def _health(self, options):

        rows = polling.health()
        if options["json"]:
            self.stdout.write(
                json.dumps(rows, ensure_ascii=False, indent=2, default=_json_default)
            )
            return
        for r in rows:
            self.stdout.write(
                f"{r['slug']:16} {r['health']:8} senast lyckad {r['last_success_at'] or '–'}"
                f"  fel: {r['last_error'] or '–'}"
            )

    def _rematch(self, options):
        changed = services.rematch_in_force()
        self.stdout.write(f"varningar med ändrade punkter: {changed}")

    def _setup(self, options):
        sources = polling.ensure_sources()
        created = ensure_default_rules()
        self.stdout.write(
            f"källor: {', '.join(s.slug for s in sources)}; nya regler: {created}"
        )
