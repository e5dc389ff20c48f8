"""sot.public.core must not import Django, directly or through another sot module."""

import ast
from pathlib import Path

import sot.public.core

PACKAGE = Path(sot.public.core.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_publishing_imports_no_django():
    seen, todo = set(), list(PACKAGE.glob("*.py"))
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported_modules(path):
            assert not name.startswith("django"), f"{path.name} imports {name}"
            if name.startswith("sot."):
                target = PACKAGE.parent.joinpath(*name.split(".")[1:])
                for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                    if candidate.exists():
                        todo.append(candidate)
    assert len(seen) >= 8
