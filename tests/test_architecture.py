"""The boundaries are import-linter contracts in pyproject.toml (`lint-imports` in
./scripts/test); what they cannot express is checked here."""

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
