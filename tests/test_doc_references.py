"""Docs and docstrings name modules and settings that exist.

Every dotted ``sot.x.y`` in docs/*.md, the README and the docstrings under src/sot
must be an importable module (or an attribute of one), and every ``SOT_*`` name in
the docs a declared setting (sot.config.env), so that a rename cannot leave a
pointer to nothing behind.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import sot
from sot.config import env

ROOT = Path(__file__).resolve().parent.parent
DOTTED = re.compile(r"\bsot(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
SETTING = re.compile(r"\bSOT_[A-Z0-9_]*[A-Z0-9]\b")
#: Not modules: a host name and a database file name written in the docs.
NOT_MODULES = {"sot.example.se", "sot.sqlite3"}
#: Not modules either: the ids of sot's system checks (sot.settings.W001).
CHECK_ID = re.compile(r"\.[CDEIW]\d{3}$")
#: Not settings: variables of the test scripts and CI, not of sot itself.
NOT_SETTINGS = {"SOT_TEST_POSTGRES_URL", "SOT_CHROMIUM", "SOT_AXE_JS", "SOT_LIVE_TESTS"}


def _load_every_module() -> None:
    """Import all of sot, so that every module's settings are declared."""
    for info in pkgutil.walk_packages(sot.__path__, "sot."):
        if ".migrations" in info.name or info.name.endswith(".__main__"):
            continue
        importlib.import_module(info.name)


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def _docs() -> list[Path]:
    return sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]


def _docstrings(path: Path) -> str:
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes = [tree] + [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    return "\n".join(ast.get_docstring(n) or "" for n in nodes)


def _bad_modules(text: str) -> list[str]:
    names = {m.rstrip(".") for m in DOTTED.findall(text)} - NOT_MODULES
    return sorted(n for n in names if not CHECK_ID.search(n) and not _resolves(n))


@pytest.mark.parametrize("path", _docs(), ids=lambda p: p.name)
def test_docs_name_modules_that_exist(path):
    assert _bad_modules(path.read_text()) == []


def test_docstrings_name_modules_that_exist():
    src = ROOT / "src" / "sot"
    bad = {
        str(path.relative_to(src)): found
        for path in sorted(src.rglob("*.py"))
        if "migrations" not in path.parts and (found := _bad_modules(_docstrings(path)))
    }
    assert bad == {}


@pytest.mark.parametrize("path", _docs(), ids=lambda p: p.name)
def test_docs_name_settings_that_exist(path):
    _load_every_module()
    names = set(SETTING.findall(path.read_text())) - NOT_SETTINGS
    # a deprecated old name (env.ALIASES) is documented beside its new one
    assert sorted(names - set(env.BY_NAME) - set(env.ALIASES)) == []


def test_the_check_can_fail():
    assert _bad_modules("see `sot.publishing.ogc` and sot.geo.crs") == [
        "sot.publishing.ogc"
    ]
