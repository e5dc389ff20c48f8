"""Fixtures for the notify tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Cheap password hashing: the demo users are created in every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def jamtland(db):
    """A light register for these tests (instead of the full Jämtland demo, which
    loads every boundary): Åre and Krokom, the Kall and Valsjöbyn points with the
    demo's services, and the demo users. ``full_demo`` loads the real thing."""
    import datetime as dt

    from sot.accounts.models import Role, User
    from sot.registry import demo
    from sot.registry.catalogue import load_catalogue
    from sot.registry.models import Municipality, Point, Service

    load_catalogue(Service)
    are = Municipality.objects.create(code="2321", name="Åre", county_code="23")
    krokom = Municipality.objects.create(code="2309", name="Krokom", county_code="23")
    kall = Point.objects.create(
        slug="kall",
        name="Kall",
        village="Kall",
        municipality=are,
        lat=63.4726,
        lon=13.2334,
        lifecycle="established",
        established_on=dt.date(2025, 10, 1),
    )
    Point.objects.create(
        slug="valsjobyn",
        name="Valsjöbyn",
        village="Valsjöbyn",
        municipality=krokom,
        lat=64.068,
        lon=14.139,
        lifecycle="approved",
    )
    for code in demo.COMMON_SERVICES:
        kall.point_services.create(service=Service.objects.get(code=code))
    for username, role, scope in (
        ("admin", None, None),
        ("lansstyrelsen", Role.COUNTY_COORDINATOR, "23"),
        ("are", Role.MUNICIPAL_OFFICER, are),
        ("krokom", Role.MUNICIPAL_OFFICER, krokom),
        ("kall", Role.POINT_OPERATOR, kall),
    ):
        user = User(
            username=username, is_staff=True, role=role or Role.COUNTY_COORDINATOR
        )
        if role is None:
            user.is_superuser, user.county_code = True, "23"
        elif role == Role.COUNTY_COORDINATOR:
            user.county_code = scope
        elif role == Role.MUNICIPAL_OFFICER:
            user.municipality = scope
        user.save()
        if role == Role.POINT_OPERATOR:
            user.points.add(scope)
    return demo


@pytest.fixture
def full_demo(db):
    """The whole `sot demo` data set: the registry's demo, then the notify demo."""
    from sot.outreach import demo as notify_demo
    from sot.registry import demo

    demo.load()
    notify_demo.load()
    return notify_demo


@pytest.fixture(autouse=True)
def _alerts_run_at_once(monkeypatch, request):
    """The alert task runs at once here (it is enqueued in production, see
    test_fanout.py); tests that look at the queue ask for ``queued_alerts``."""
    if "queued_alerts" in request.fixturenames:
        return
    from sot.outreach import subscriptions

    monkeypatch.setattr(
        subscriptions, "enqueue_alert", lambda pk: subscriptions.alert.call(pk)
    )


@pytest.fixture
def queued_alerts():
    """Alerts go through the task queue (the database backend), as in production."""


@pytest.fixture(autouse=True)
def outbox(monkeypatch):
    """SMS sent through the console channel in this test (emptied before and after)."""
    from sot.outreach import channels

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
    from sot.outreach import demo

    demo.load()
    return demo


@pytest.fixture
def sms_in():
    """Feed one inbound SMS: sms_in(sender, body, provider_id, received_at=...)."""
    from sot.outreach.inbound import handle_inbound_sms

    def feed(sender: str, body: str, provider_id: str, **kw):
        return handle_inbound_sms(
            provider_id=provider_id, sender=sender, body=body, **kw
        )

    return feed
