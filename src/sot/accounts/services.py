"""The accounts' writers: users and API tokens as the admin edits them.

Users and tokens are managed by superusers only (``policy.ADMINISTER``); each write
is logged to ``sot.accounts`` with who did it. New users and tokens from the command
line are made by :mod:`sot.registry.install` (``sot createuser``).
"""

from __future__ import annotations

import logging

from django.db import transaction

from sot.accounts import policy
from sot.accounts.models import ApiToken, User

log = logging.getLogger("sot.accounts")


def _who(actor) -> str:
    return getattr(actor, "username", None) or "system"


def save_user(
    *, actor, user: User, groups=None, user_permissions=None, points=None
) -> User:
    """Create or change a user; ``groups``, ``user_permissions`` and ``points``
    left as None are left as they are."""
    policy.require(actor, policy.ADMINISTER)
    created = user.pk is None
    with transaction.atomic():
        user.save()
        for name, values in (
            ("groups", groups),
            ("user_permissions", user_permissions),
            ("points", points),
        ):
            if values is not None:
                getattr(user, name).set(values)
    log.info(
        "user %s %s by %s",
        user.username,
        "created" if created else "changed",
        _who(actor),
    )
    return user


def save_password(*, actor, user: User) -> User:
    """Store the password set on ``user`` (or its being made unusable)."""
    policy.require(actor, policy.ADMINISTER)
    user.save()
    log.info(
        "password of user %s %s by %s",
        user.username,
        "changed" if user.has_usable_password() else "disabled",
        _who(actor),
    )
    return user


def delete_user(*, actor, user: User) -> None:
    """Delete a user (their tokens go with them)."""
    policy.require(actor, policy.ADMINISTER)
    log.info("user %s deleted by %s", user.username, _who(actor))
    user.delete()


def save_token(*, actor, token: ApiToken) -> ApiToken:
    """Change a token's name, user or revocation (tokens are issued by
    ``sot createuser --token``, which shows the secret once)."""
    policy.require(actor, policy.ADMINISTER)
    token.save()
    log.info(
        "API token %s saved by %s%s",
        token.prefix,
        _who(actor),
        " (revoked)" if token.revoked else "",
    )
    return token


def delete_token(*, actor, token: ApiToken) -> None:
    """Delete a token."""
    policy.require(actor, policy.ADMINISTER)
    log.info("API token %s deleted by %s", token.prefix, _who(actor))
    token.delete()
