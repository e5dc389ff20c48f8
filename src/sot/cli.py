"""The `sot` command: Django's management commands with sot's settings.

`sot plan ...` runs the planning tools directly, without Django or a database.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "plan":
        # `sot plan` runs without Django; the planning extra loads per step
        from sot.planning.cli import main as plan_main

        return int(plan_main(argv[2:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sot.config.settings")
    # Django is loaded only now, after the settings module is chosen (not for `sot plan`)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"sot: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
