"""Shared fixtures. Tests that touch the database are marked `db` automatically, so
`./scripts/test` can run them again on PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

REPO = Path(__file__).resolve().parent.parent
DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}

# Hypothesis fails an example that takes longer than 200 ms by default: a timed
# assertion, which on this shared machine under load made pure, derandomized tests such
# as test_no_exercise_while_a_real_event_runs fail now and then (DeadlineExceeded, then
# Flaky when the rerun was quick). Speed is measured in bench/, never in tests.
hypothesis_settings.register_profile("sot", deadline=None)
hypothesis_settings.load_profile("sot")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("django_db") or DB_FIXTURES & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("live") and os.environ.get("SOT_LIVE_TESTS") != "1":
            item.add_marker(pytest.mark.skip(reason="live test: set SOT_LIVE_TESTS=1"))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters (Django's local-memory cache) start at zero in each test,
    and no rendered page is kept from another test's data (on SQLite a rolled-back
    test gives its change ids out again)."""
    from django.core.cache import cache

    from sot.public import pagecache

    cache.clear()
    pagecache.forget()
    yield


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hash passwords with a fast hasher in tests (PBKDF2 costs ~1 s per user here)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data in ../shared/data; skips when it is absent."""
    path = Path(os.environ.get("SOT_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}")
    return path


@pytest.fixture
def jamtland(db):
    """The Jämtland demo register: county, 8 municipalities, 8 points, demo users."""
    from sot.registry import demo

    demo.load()
    return demo


def _user(username):
    from sot.accounts.models import User

    return User.objects.get(username=username)


@pytest.fixture
def coordinator(jamtland):
    """Jämtland's county coordinator."""
    return _user("lansstyrelsen")


@pytest.fixture
def are_officer(jamtland):
    """The municipal preparedness officer of Åre (2321)."""
    return _user("are")


@pytest.fixture
def krokom_officer(jamtland):
    """The municipal preparedness officer of Krokom (2309)."""
    return _user("krokom")


@pytest.fixture
def kall_operator(jamtland):
    """The operator of the Kall point."""
    return _user("kall")


@pytest.fixture
def superuser(jamtland):
    """The demo superuser."""
    return _user("admin")


@pytest.fixture
def anonymous():
    """A visitor who is not signed in."""
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def kall(jamtland):
    """The Kall point (Åre, established)."""
    from sot.registry.models import Point

    return Point.objects.get(slug="kall")


@pytest.fixture
def valsjobyn(jamtland):
    """The Valsjöbyn point (Krokom, approved)."""
    from sot.registry.models import Point

    return Point.objects.get(slug="valsjobyn")
