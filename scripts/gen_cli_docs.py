"""Write docs/cli.md from the `--help` of every sot command (run after adding one).

.venv/bin/python scripts/gen_cli_docs.py
"""

import io
import os
import sys
from contextlib import redirect_stdout, suppress
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sot.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import get_commands, load_command_class  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def sot_commands() -> list[tuple[str, str]]:
    """(name, app) of every management command that sot's own apps provide."""
    return sorted(
        (name, app) for name, app in get_commands().items() if app.startswith("sot.")
    )


def help_text(name: str, app: str) -> str:
    command = load_command_class(app, name)
    parser = command.create_parser("sot", name)
    text = parser.format_help()
    # Sub-commands: include the help of each.
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for sub_name, sub in action.choices.items():
                text += f"\n--- sot {name} {sub_name} ---\n" + sub.format_help()
    return text


def render() -> str:
    """The whole text of docs/cli.md (help wrapped at 80 columns, whatever the
    terminal, so that the file does not depend on who generated it)."""
    os.environ["COLUMNS"] = "80"
    out = [
        "# The `sot` command",
        "",
        "Generated from each command's `--help` by `scripts/gen_cli_docs.py`",
        "(`.venv/bin/python scripts/gen_cli_docs.py`); a test fails when this file differs",
        "from what it generates. Django's own commands (`migrate`, `createsuperuser`,",
        "`shell`, `db_worker` ...) work too: `sot help` lists everything.",
        "",
        "`sot plan ...` (the planning tools) runs without Django; see docs/planning.md and",
        "`sot plan --help`.",
        "",
    ]
    for name, app in sot_commands():
        out += [
            f"## sot {name}",
            "",
            "```text",
            help_text(name, app).rstrip(),
            "```",
            "",
        ]
    try:
        from sot.planning.cli import main as plan_main

        buf = io.StringIO()
        with redirect_stdout(buf), suppress(SystemExit):
            plan_main(["--help"])
        out += ["## sot plan", "", "```text", buf.getvalue().rstrip(), "```", ""]
    except ImportError:
        pass
    return "\n".join(out)


def main() -> None:
    (REPO / "docs" / "cli.md").write_text(render())
    sys.stdout.write(f"wrote docs/cli.md ({len(sot_commands())} commands)\n")


if __name__ == "__main__":
    main()
