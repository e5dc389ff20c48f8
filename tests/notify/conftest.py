"""Fixtures for the notify tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Cheap password hashing: the demo users are created in every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def outbox(monkeypatch):
    """SMS sent through the console channel in this test (emptied before and after)."""
    from sot.notify import channels

    monkeypatch.setenv("SOT_SMS_BACKEND", "console")
    channels.OUTBOX.clear()
    channels.use_backend("sms", None)
    yield channels.OUTBOX
    channels.OUTBOX.clear()
    channels.use_backend("sms", None)


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
    )


@pytest.fixture
def kall_active(storm, kall, are_officer):
    """Kall activated in the storm."""
    from sot.operations import services as ops

    return ops.activate_point(event=storm, point=kall, activated_by=are_officer)


@pytest.fixture
def frg(jamtland):
    """The notify demo: Åre's FRG (16 volunteers), phones for officer and operator,
    a resident subscribed to Kall."""
    from sot.notify import demo

    demo.load()
    return demo


@pytest.fixture
def sms_in():
    """Feed one inbound SMS: sms_in(sender, body, provider_id, received_at=...)."""
    from sot.notify.inbound import handle_inbound_sms

    def feed(sender: str, body: str, provider_id: str, **kw):
        return handle_inbound_sms(
            provider_id=provider_id, sender=sender, body=body, **kw
        )

    return feed
