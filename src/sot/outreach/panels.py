"""Outreach's panel on the officials' dashboard in operations (connected to
:mod:`sot.operations.panels` in :class:`sot.outreach.apps.OutreachConfig`): the way
to a county coordinator's warning to every subscriber in the county."""

from __future__ import annotations

from django.urls import reverse

from sot.accounts import policy
from sot.operations import panels
from sot.outreach import permissions as perm
from sot.outreach.models import ResidentWarning
from sot.registry.models import County


def dashboard(user) -> dict:
    """``resident_warning_url`` for whoever may warn the residents of their county."""
    code = getattr(user, "county_code", "") or ""
    county = County.objects.filter(code=code).first() if code else None
    if county is None or not policy.can(
        user, perm.WARN_RESIDENTS, ResidentWarning(county=county)
    ):
        return {}
    return {
        "resident_warning_url": reverse("outreach:county-warnings", args=[county.code])
    }


def connect() -> None:
    panels.contribute("dashboard", dashboard)
