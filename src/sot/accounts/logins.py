"""Failed sign-ins are logged (user name and address, never the password).

Throttling and lockout are django-axes' (settings ``AXES_*``, docs/security.md);
this module only makes every failure visible in sot's log.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed

log = logging.getLogger("sot.accounts")


def client_ip(request) -> str:
    """The caller's address. In production sot runs behind one reverse proxy, which
    appends the real address to X-Forwarded-For: take the last one."""
    if request is None:
        return "-"
    if settings.PRODUCTION:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1][:64]
    return request.META.get("REMOTE_ADDR", "-")


_address = client_ip


def _failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    log.warning("sign-in failed for %r from %s", username, _address(request))


def _succeeded(sender, request=None, user=None, **kwargs):
    log.info("signed in: %s from %s", getattr(user, "username", "?"), _address(request))


def connect() -> None:
    user_login_failed.connect(_failed, dispatch_uid="sot.accounts.login_failed")
    user_logged_in.connect(_succeeded, dispatch_uid="sot.accounts.logged_in")
