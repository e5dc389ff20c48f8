"""Is the `planning` extra installed? (``pip install 'sot[planning]'``)

The planning tools need numba, scipy, highspy, osmium and matplotlib, about 400 MB
that nothing else in sot uses, so they are an extra rather than core dependencies.
This module imports none of them: it only asks whether they can be found, so that
``sot plan`` and the coordinator's planning page can say how to install them.
"""

from __future__ import annotations

import importlib.util

#: The import names of the planning extra's packages (see pyproject.toml).
MODULES = ("numba", "scipy", "highspy", "osmium", "matplotlib")

INSTALL = "pip install 'sot[planning]'"


def missing() -> list[str]:
    """The planning extra's modules that cannot be imported here (none: installed)."""
    absent = []
    for name in MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            absent.append(name)
    return absent


def message(absent: list[str]) -> str:
    """One line telling what is missing and how to install it."""
    return (
        f"sot plan needs the planning extra ({', '.join(absent)} missing); "
        f"install it with: {INSTALL}"
    )
