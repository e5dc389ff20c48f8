"""The boundaries are import-linter contracts in pyproject.toml (`lint-imports` in
./scripts/test); what they cannot express is checked here."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "sot"


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    return {c["id"]: c for c in config["importlinter"]["contracts"]}


def test_every_core_package_is_held_plain():
    """A new ``<domain>/core`` package is plain by name: the contract must cover it."""
    cores = {f"sot.{p.parent.parent.name}.core" for p in SRC.glob("*/core/__init__.py")}
    plain = set(_contracts()["plain-cores"]["source_modules"])
    assert cores and sorted(cores - plain) == []
    assert {"sot.planning", "sot.geo"} <= plain
    assert "django" in _contracts()["plain-cores"]["forbidden_modules"]


def test_every_package_is_checked_for_cycles():
    packages = {p.parent.name for p in SRC.glob("*/__init__.py")}
    ancestors = {a.removeprefix("sot.") for a in _contracts()["acyclic"]["ancestors"]}
    assert sorted(packages - ancestors) == []


def test_no_module_named_utils():
    assert not list(SRC.rglob("utils.py"))


#: what a comment may hold that says nothing about why (a linter's pragma)
_PRAGMA = re.compile(
    r"noqa(:\s*[A-Z]+[0-9]+(,\s*[A-Z]+[0-9]+)*)?|type:\s*ignore(\[[^]]*\])?"
)


def _says_why(line: str) -> bool:
    """True when the line holds a comment with words beyond a linter's pragma."""
    if "#" not in line:
        return False
    comment = line.split("#", 1)[1]
    return bool(_PRAGMA.sub("", comment).strip(" #:"))


def _function_imports_without_reason(path: Path) -> list[int]:
    """Lines of imports inside a function with no comment (a pragma such as
    ``# noqa: F401`` is none) on the line or just above their block of imports."""
    text = path.read_text()
    lines = text.splitlines()
    missing = []

    def visit(node, in_function: bool) -> None:
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for i, child in enumerate(block):
                if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                    first = i
                    while first > 0 and isinstance(
                        block[first - 1], ast.Import | ast.ImportFrom
                    ):
                        first -= 1
                    above = lines[block[first].lineno - 2].strip()
                    if not _says_why(lines[child.lineno - 1]) and not (
                        above.startswith("#") and _says_why(above)
                    ):
                        missing.append(child.lineno)
                nested = in_function or isinstance(
                    child, ast.FunctionDef | ast.AsyncFunctionDef
                )
                visit(child, nested)

    visit(ast.parse(text, filename=str(path)), False)
    return missing


def test_imports_inside_functions_say_why():
    """Imports belong at the top; one inside a function (a heavy optional package,
    Django's app loading) says why in a comment, so that none hides a cycle."""
    bad = {
        str(path.relative_to(SRC)): lines
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := _function_imports_without_reason(path))
    }
    assert bad == {}


def test_a_pragma_is_no_reason(tmp_path):
    """The check above is not fooled by a linter's pragma, and accepts a reason."""
    module = tmp_path / "m.py"
    module.write_text(
        "def a():\n"
        "    import json  # noqa: F401\n"
        "\n"
        "\n"
        "def b():\n"
        "    # noqa: F401\n"
        "    import csv\n"
        "\n"
        "\n"
        "def c():\n"
        "    import lxml  # noqa: F401  (lxml only when XML is parsed)\n"
        "\n"
        "\n"
        "def d():\n"
        "    # deferred: openpyxl only for an XLSX file\n"
        "    import openpyxl\n"
        "    import pyarrow\n"
    )
    assert _function_imports_without_reason(module) == [2, 7]


def test_the_sot_command_loads_only_the_program_it_runs():
    """``sot.cli`` defers its imports on purpose: ``sot plan`` runs without Django,
    and Django's commands start without the planning package (each costs about a
    tenth of a second)."""
    code = (
        "import sys, sot.cli\n"
        "loaded = [m for m in ('django', 'sot.planning') if m in sys.modules]\n"
        "try:\n"
        "    sot.cli.main(['sot', 'plan', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(loaded, 'django' in sys.modules, 'sot.planning.cli' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[] False True"
