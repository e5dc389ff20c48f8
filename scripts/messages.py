"""Regenerate the English catalogues from the code and templates, then compile them.

.venv/bin/python scripts/messages.py   # update every django.po, compile every .mo

Runs Django's makemessages once over src/sot: each app with a `locale/` directory gets
its own catalogue, everything else (apps without one, src/sot/templates) goes to the
project catalogue src/sot/locale/ (LOCALE_PATHS). New messages come out with an empty
msgstr; fill them in (docs/development.md, Translations) and run this again to
compile. tests/test_translations.py runs the same regeneration on a copy and fails
when a catalogue is missing a message or keeps one the code no longer uses.
"""

import os
import re
import subprocess
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sot.config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

SRC = Path(__file__).resolve().parent.parent / "src" / "sot"


def regenerate(root: Path) -> list[Path]:
    """Run makemessages for English in `root` (a copy of src/sot or src/sot itself)
    and return the catalogues it wrote."""
    # makemessages stamps every header with the time of the run; keep the old stamp
    # so a run that changes no message changes no file.
    stamp = re.compile(r'^"POT-Creation-Date: .*$', re.M)
    stamps = {}
    for po in root.glob("**/locale/en/LC_MESSAGES/django.po"):
        found = stamp.search(po.read_text(encoding="utf-8"))
        if found:
            stamps[po] = found.group(0)
    before = Path.cwd()
    locale_paths = settings.LOCALE_PATHS
    settings.LOCALE_PATHS = [root / "locale"]
    try:
        # From inside root: src/sot/warnings would shadow the stdlib only at start-up.
        os.chdir(root)
        call_command(
            "makemessages",
            locale=["en"],
            no_obsolete=True,
            no_location=True,
            verbosity=0,
        )
    finally:
        os.chdir(before)
        settings.LOCALE_PATHS = locale_paths
    catalogues = sorted(root.glob("**/locale/en/LC_MESSAGES/django.po"))
    for po in catalogues:
        if po in stamps:
            text = po.read_text(encoding="utf-8")
            po.write_text(
                stamp.sub(lambda _, old=stamps[po]: old, text, count=1), "utf-8"
            )
    return catalogues


def main() -> int:
    for po in regenerate(SRC):
        subprocess.run(
            ["msgfmt", "--check", "-o", str(po.with_suffix(".mo")), str(po)],
            check=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
