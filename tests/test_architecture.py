"""The boundaries are import-linter contracts in pyproject.toml (`lint-imports` in
./scripts/test); what they cannot express is checked here."""

import ast
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


def _function_imports_without_reason(path: Path) -> list[int]:
    """Lines of imports inside a function with no comment on the line or just above
    their block of imports."""
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
                    if "#" not in lines[child.lineno - 1] and not above.startswith("#"):
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
