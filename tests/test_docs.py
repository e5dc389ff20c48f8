"""docs/cli.md is what scripts/gen_cli_docs.py generates, word for word; the README
keeps its two set-up commands."""

import importlib.util
from pathlib import Path

from django.core.management import get_commands

REPO = Path(__file__).resolve().parent.parent


def test_every_command_is_in_the_cli_reference():
    doc = (REPO / "docs" / "cli.md").read_text()
    ours = sorted(
        name for name, app in get_commands().items() if app.startswith("sot.")
    )
    missing = [name for name in ours if f"## sot {name}\n" not in doc]
    assert missing == [], "run: .venv/bin/python scripts/gen_cli_docs.py"


def test_cli_reference_is_generated_and_current(monkeypatch):
    """The whole text, not just the headings: a changed option or help line fails."""
    spec = importlib.util.spec_from_file_location(
        "gen_cli_docs", REPO / "scripts" / "gen_cli_docs.py"
    )
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    monkeypatch.setenv("COLUMNS", "80")  # render() sets it; undone after the test
    expected = gen.render()
    assert (REPO / "docs" / "cli.md").read_text() == expected, (
        "docs/cli.md is out of date: run .venv/bin/python scripts/gen_cli_docs.py"
    )


def test_readme_keeps_the_two_commands():
    readme = (REPO / "README.md").read_text()
    assert "./scripts/demo" in readme and "./scripts/test" in readme
    for script in ("scripts/demo", "scripts/test", ".ci/run"):
        path = REPO / script
        assert path.is_file() and path.stat().st_mode & 0o111, script
