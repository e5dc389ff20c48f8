"""The warnings app's panels on the officials' pages in operations (connected
to :mod:`sot.operations.panels` in :class:`sot.warnings.apps.WarningsConfig`)."""

from __future__ import annotations

from sot.accounts import policy
from sot.operations import panels
from sot.warnings import polling, services
from sot.warnings.following import event_links


def dashboard(user) -> dict:
    """Warning sources' health and open suggestions, for those who may see them."""
    out: dict = {}
    if policy.can(user, "warning_source.view_health"):
        out["warning_sources"] = polling.health()
    if policy.can(user, "suggestion.view"):
        out["open_suggestions"] = services.suggestions_for(user).count()
    return out


def event(user, *, event) -> dict:
    """The warnings the event was opened from, each with its newest change (None
    for those who may not see warnings)."""
    if not policy.can(user, "warning.view"):
        return {"warning_links": None}
    return {"warning_links": event_links(event)}


def point(user, *, point) -> dict:
    """The warnings in force over the point (None for those who may not see them)."""
    if not policy.can(user, "warning.view"):
        return {"warnings": None}
    return {"warnings": services.warnings_for_point(point)}


def connect() -> None:
    panels.contribute("dashboard", dashboard)
    panels.contribute("event", event)
    panels.contribute("point", point)
