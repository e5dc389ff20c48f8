"""The plain packages import no Django, directly or through a sot module that does."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "sot"
PLAIN = (
    "operations/core",
    "warnings/core",
    "geo",
    "planning",
    "outreach/core",
    "public/core",
)
DJANGO_PARTS = (
    "accounts",
    "registry",
    "operations",
    "public",
    "feeds",
    "api",
    "notify",
    "config",
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _plain_files():
    for package in PLAIN:
        root = SRC / package
        if root.is_dir():
            yield from sorted(root.rglob("*.py"))


@pytest.mark.parametrize(
    "path", list(_plain_files()), ids=lambda p: str(p.relative_to(SRC))
)
def test_plain_module_imports_no_django(path):
    bad = [
        name
        for name in _imports(path)
        if name == "django"
        or name.startswith(("django.", "ninja", "django_tasks"))
        or (
            any(
                name == f"sot.{p}" or name.startswith(f"sot.{p}.") for p in DJANGO_PARTS
            )
            and not any(name.startswith(f"sot.{c.replace('/', '.')}") for c in PLAIN)
        )
    ]
    assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


def test_plain_packages_exist():
    assert {"operations/core", "geo"} <= {p for p in PLAIN if (SRC / p).is_dir()}


def test_no_module_named_utils():
    assert not list(SRC.rglob("utils.py"))
