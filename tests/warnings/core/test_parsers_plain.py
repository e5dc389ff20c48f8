"""The parsers are plain: no module of sot.warnings.core imports Django, directly or via sot."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "src" / "sot"
PLAIN_SOT = ("sot.warnings.core", "sot.geo", "sot.vocabulary", "sot.errors")


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_django_in_parsers():
    for path in sorted((SRC / "warnings" / "core").glob("*.py")):
        for name in imports(path):
            assert not name.startswith("django"), f"{path.name} imports {name}"
            if name.startswith("sot"):
                assert name.startswith(PLAIN_SOT), f"{path.name} imports {name}"
