"""The planning package stays plain Python: no Django import anywhere in it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PLANNING = Path(__file__).resolve().parents[2] / "src" / "sot" / "planning"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_imports_django():
    offenders = {
        str(p.relative_to(PLANNING)): sorted(
            n for n in _imports(p) if n.split(".")[0] == "django"
        )
        for p in PLANNING.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_cli_runs_without_django_loaded():
    code = (
        "import sys, sot.planning.cli, sot.planning.reach, sot.planning.report, "
        "sot.planning.population, sot.planning.scb_grid, sot.planning.analysis; "
        "print('django' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
