"""The operations app's own settings (declared once, listed in docs/configuration.md)."""

from __future__ import annotations

from datetime import timedelta

from sot.config import env

STALE_AFTER_MINUTES = env.register(
    env.Setting(
        "SOT_STALE_AFTER_MINUTES",
        "240",
        "Minutes after which a point's last status report is stale during an event "
        "and the point goes to the verify queue (an event may set its own).",
        kind="int",
    )
)
FUEL_TARGET_HOURS = env.register(
    env.Setting(
        "SOT_FUEL_TARGET_HOURS",
        "48",
        "Default number of hours the county fuel list plans deliveries for.",
        kind="int",
    )
)


def stale_after(event=None) -> timedelta:
    """The stale threshold for ``event`` (its own, else the setting)."""
    return stale_threshold(event.stale_after_minutes if event is not None else None)


def stale_threshold(minutes: int | None) -> timedelta:
    """The stale threshold of an event whose own setting is ``minutes`` (none: the
    deployment's setting)."""
    if minutes:
        return timedelta(minutes=minutes)
    return timedelta(minutes=env.get(STALE_AFTER_MINUTES.name))


def fuel_target_hours() -> int:
    return env.get(FUEL_TARGET_HOURS.name)
