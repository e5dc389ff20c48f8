"""System checks on the settings, shown by `sot check` (and `sot serve`).

- ``sot.settings.W001``: a deprecated old name of a setting is set and used;
- ``sot.settings.W002``: a deprecated old name is set but ignored, since the new name
  is set too.

Registered by the registry app (which owns `sot check`) in its ``AppConfig.ready``.
"""

from __future__ import annotations

from django.core import checks

from sot.config import env


def deprecated_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    out: list[checks.CheckMessage] = []
    for old, new, ignored in env.deprecated_in_use():
        if ignored:
            out.append(
                checks.Warning(
                    f"{old} is deprecated and ignored: {new} is set too and wins.",
                    hint=f"Remove {old} from the environment.",
                    id="sot.settings.W002",
                )
            )
        else:
            out.append(
                checks.Warning(
                    f"{old} is deprecated; its value is used for {new}.",
                    hint=f"Rename {old} to {new}; the old name will be removed.",
                    id="sot.settings.W001",
                )
            )
    return out


def register() -> None:
    checks.register(deprecated_settings, checks.Tags.compatibility)
