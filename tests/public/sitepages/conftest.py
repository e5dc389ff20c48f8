"""The non-transactional public tests share one demo register (see _demo_module)."""

from __future__ import annotations

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package")
def _demo_module(django_db_setup, django_db_blocker):
    """The Jämtland demo register, loaded once for tests/public/sitepages inside a transaction
    that is rolled back when the folder is done; each test rolls back to it.

    The transactional tests (browser, republish thread) commit, so they live one
    folder up, outside this package-scoped transaction: pytest-django runs them after
    all others, when this fixture has been torn down."""
    from django.db import transaction
    from django.test import override_settings

    from sot.registry import demo

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        demo.load()
        yield demo
        transaction.set_rollback(True)


@pytest.fixture
def jamtland(_demo_module, db):
    """The demo register (overrides the shared fixture: loaded once here)."""
    return _demo_module
