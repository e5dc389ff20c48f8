"""The user and token admins write only through sot.accounts.services, which logs
each write with who made it (#10)."""

from __future__ import annotations

import logging

import pytest
from tests.support.forms import form_data

from sot.accounts.models import ApiToken, User
from sot.registry.models import Point

pytestmark = pytest.mark.db


def _post(client, page, **changes):
    data = form_data(client.get(page).content.decode())
    for button in ("_addanother", "_continue", "_save"):
        data.pop(button, None)
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
    return client.post(page, data)


def test_a_user_saved_in_the_admin_goes_through_save_user(
    client, superuser, kall, caplog
):
    client.force_login(superuser)
    caplog.set_level(logging.INFO, logger="sot.accounts")
    response = _post(
        client,
        "/admin/accounts/user/add/",
        username="ny",
        password1="ett-långt-lösenord-2026",
        password2="ett-långt-lösenord-2026",
        usable_password="true",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="ny")
    assert user.check_password("ett-långt-lösenord-2026")
    assert "user ny created by admin" in caplog.messages
    response = _post(
        client,
        f"/admin/accounts/user/{user.pk}/change/",
        role="point_operator",
        points=[str(kall.pk)],
        first_name="Nils",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.first_name == "Nils"
    assert list(user.points.all()) == [Point.objects.get(slug="kall")]
    assert "user ny changed by admin" in caplog.messages
    response = client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(username="ny").exists()
    assert "user ny deleted by admin" in caplog.messages


def test_a_token_revoked_in_the_admin_goes_through_save_token(
    client, superuser, are_officer, caplog
):
    token, _secret = ApiToken.issue(user=are_officer, name="Larmcentral")
    client.force_login(superuser)
    caplog.set_level(logging.INFO, logger="sot.accounts")
    response = _post(
        client, f"/admin/accounts/apitoken/{token.pk}/change/", revoked="on"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    token.refresh_from_db()
    assert token.revoked
    assert f"API token {token.prefix} saved by admin (revoked)" in caplog.messages


def test_a_password_set_in_the_admin_goes_through_save_password(
    client, superuser, are_officer, caplog
):
    client.force_login(superuser)
    caplog.set_level(logging.INFO, logger="sot.accounts")
    response = client.post(
        f"/admin/accounts/user/{are_officer.pk}/password/",
        {
            "password1": "ett-nytt-lösenord-2026",
            "password2": "ett-nytt-lösenord-2026",
            "usable_password": "true",
            "set-password": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    are_officer.refresh_from_db()
    assert are_officer.check_password("ett-nytt-lösenord-2026")
    assert "password of user are changed by admin" in caplog.messages
