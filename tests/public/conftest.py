"""Fixtures for the public site: a running exercise with Kall open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Cheap password hashing: the demo users are created in every test."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _no_publish_dir(settings, monkeypatch):
    """No automatic publishing unless a test asks for it."""
    settings.PUBLISH_DIR = ""
    settings.SITE_URL = "https://sot.example.se"


@pytest.fixture
def exercise(are_officer):
    """A running exercise in Åre with a public message."""
    from sot.operations import services as ops
    from sot.registry.models import Municipality

    event = ops.create_event(
        name="Övning Storm Jämtland",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
        is_exercise=True,
        starts_at=timezone.now() - timedelta(hours=2),
    )
    ops.update_public_message(
        event=event,
        by=are_officer,
        public_message="Långvarigt strömavbrott i västra Åre.",
    )
    return event


@pytest.fixture
def kall_open(exercise, kall, kall_operator, are_officer):
    """Kall activated in the exercise and reported open by its operator."""
    from sot.operations import services as ops

    ops.activate_point(event=exercise, point=kall, activated_by=are_officer)
    ops.submit_status_report(
        point=kall,
        event=exercise,
        reported_by=kall_operator,
        source="web",
        state="open",
        based_on_report_id=None,
        power_source="generator",
        services={
            "food": "yes",
            "heating": "yes",
            "phone_charging": "limited",
            "drinking_water": "no",
        },
        fuel_products={"diesel": "yes", "petrol": "no"},
        payment_methods=["card", "cash"],
        public_note="Välkomna in, det finns kaffe.",
    )
    return kall
