"""Further kinds for `sot import`, contributed by the apps above the registry.

`sot import points` and `sot import municipalities` are the registry's own; an app
that owns other data (outreach: residents' subscriptions) registers its kind in
``AppConfig.ready`` with :func:`register_import`, so the registry's command never
imports an app above it. Each kind reads one file, has ``--dry-run``, and raises
:class:`sot.registry.tables.ImportFailed` (nothing saved) with per-row errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Importer:
    name: str
    help: str
    #: (file bytes, file name, dry_run) -> one line saying what was done
    run: Callable[[bytes, str, bool], str]


_IMPORTERS: dict[str, Importer] = {}


def register_import(name: str, help: str, run: Callable[[bytes, str, bool], str]):
    """Add ``sot import <name> FILE [--dry-run]``."""
    _IMPORTERS[name] = Importer(name, help, run)


def importers() -> list[Importer]:
    return list(_IMPORTERS.values())
