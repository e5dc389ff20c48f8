"""Sign-in throttling and lockout (django-axes), failed sign-ins logged, and the
password policy of `sot createuser` (#12)."""

import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sot.accounts.models import User

pytestmark = pytest.mark.db

LOGIN = "/admin/login/"


@pytest.fixture
def officer(db):
    """An officer with a known password."""
    user = User.objects.create_user(
        username="officer", password="rätt-lösenord-2026", is_staff=True
    )
    return user


def _try(client, password, username="officer"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}
    )


def test_wrong_passwords_lock_the_account_out_and_are_logged(client, officer, caplog):
    with caplog.at_level(logging.WARNING, logger="sot.accounts"):
        answers = [_try(client, f"fel-{i}").status_code for i in range(6)]
    # the first four are the login form again; then axes locks the pair out
    assert answers[:4] == [200] * 4
    assert answers[-1] == 429
    failures = [r for r in caplog.records if "sign-in failed" in r.getMessage()]
    assert len(failures) >= 5
    assert "'officer'" in failures[0].getMessage()
    assert "fel-0" not in caplog.text  # passwords never reach the log
    # even the right password is refused while locked out
    assert _try(client, "rätt-lösenord-2026").status_code == 429


def test_the_right_password_signs_in_before_the_limit(client, officer):
    for i in range(3):
        _try(client, f"fel-{i}")
    r = _try(client, "rätt-lösenord-2026")
    assert r.status_code == 302


def test_lockout_is_per_user_name(client, officer):
    User.objects.create_user(
        username="other", password="annat-lösenord-2026", is_staff=True
    )
    for i in range(6):
        _try(client, f"fel-{i}")
    r = _try(client, "annat-lösenord-2026", username="other")
    assert r.status_code == 302


@pytest.mark.parametrize("password", ["1", "12345678", "password", "kallkall", "lösen"])
def test_createuser_refuses_weak_passwords(jamtland, password):
    with pytest.raises(CommandError, match="password is refused"):
        call_command(
            "createuser",
            "kallkall",
            "--role",
            "municipal_officer",
            "--municipality",
            "2321",
            "--password",
            password,
            stdout=io.StringIO(),
        )
    assert not User.objects.filter(username="kallkall").exists()


def test_createuser_accepts_a_good_password(jamtland):
    call_command(
        "createuser",
        "berit",
        "--role",
        "municipal_officer",
        "--municipality",
        "2321",
        "--password",
        "Fjällbäck-regnar-7",
        stdout=io.StringIO(),
    )
    assert User.objects.get(username="berit").check_password("Fjällbäck-regnar-7")
