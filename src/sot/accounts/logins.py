"""Failed sign-ins are logged (user name and address, never the password).

Throttling and lockout are django-axes' (settings ``AXES_*``, docs/security.md);
this module only makes every failure visible in sot's log.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed

log = logging.getLogger("sot.accounts")


def client_ip(request) -> str | None:
    """The caller's address, or None if unknown. In production sot runs behind one
    reverse proxy, which appends the real address to X-Forwarded-For: take the last
    one."""
    if request is None:
        return None
    if settings.PRODUCTION:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops and _is_ip(hops[-1]):
            return hops[-1]
    address = request.META.get("REMOTE_ADDR", "")
    return address if _is_ip(address) else None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


_address = client_ip


def _failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    log.warning("sign-in failed for %r from %s", username, _address(request) or "-")


def _succeeded(sender, request=None, user=None, **kwargs):
    who = getattr(user, "username", "?")
    log.info("signed in: %s from %s", who, _address(request) or "-")


def connect() -> None:
    user_login_failed.connect(_failed, dispatch_uid="sot.accounts.login_failed")
    user_logged_in.connect(_succeeded, dispatch_uid="sot.accounts.logged_in")
