"""Fixtures for the operations tests.

The Jämtland register is loaded once per module inside a transaction that is rolled
back at the end of the module; each test runs in a savepoint within it (the ``db``
fixture), so tests stay isolated and the suite stays fast. A module that needs real
commits (the concurrency test) overrides ``jamtland`` to load per test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def _module_register(django_db_setup, django_db_blocker):
    """The registry demo, loaded once for the module and rolled back after it."""
    from sot.registry import demo

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        demo.load()
        yield demo
        transaction.set_rollback(True)


@pytest.fixture
def jamtland(_module_register, db):
    """The Jämtland demo register (shared by the module, isolated per test)."""
    return _module_register


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
    settings.PASSWORD_HASHERS = FAST_HASHER


#: Debian's chromium for the browser tests (test_ops_browser, test_walk_browser).
CHROMIUM = (
    os.environ.get("SOT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (skips when chromium or playwright is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
