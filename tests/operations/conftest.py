"""Fixtures for the operations tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def storm(are_officer):
    """A running storm event in Åre, opened by Åre's officer."""
    from sot.operations import services as ops
    from sot.registry.models import Municipality

    return ops.create_event(
        name="Storm i västra Jämtland",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
        severity="severe",
        decided_by="Åsa, beredskapshandläggare Åre",
    )


@pytest.fixture
def kall_active(storm, kall, are_officer):
    """Kall activated in the storm."""
    from sot.operations import services as ops

    return ops.activate_point(event=storm, point=kall, activated_by=are_officer)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Cheap password hashing: the demo users are created in every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
