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
    #: (file bytes, file name, dry_run, **options) -> what was done
    run: Callable[..., str]
    #: further arguments of the kind, as (flag, argparse keyword arguments); each
    #: value is passed to ``run`` under the flag's name (``--skip-invalid`` ->
    #: ``skip_invalid``)
    options: tuple[tuple[str, dict], ...] = ()

    def option_names(self) -> list[str]:
        return [flag.lstrip("-").replace("-", "_") for flag, _kw in self.options]


_IMPORTERS: dict[str, Importer] = {}


def register_import(
    name: str,
    help: str,
    run: Callable[..., str],
    options: tuple[tuple[str, dict], ...] = (),
):
    """Add ``sot import <name> FILE [--dry-run] [options]``."""
    _IMPORTERS[name] = Importer(name, help, run, options)


def importers() -> list[Importer]:
    return list(_IMPORTERS.values())
