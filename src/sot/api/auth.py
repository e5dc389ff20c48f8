"""API authentication: a bearer token for machines, the session for signed-in people.

Writes with the session cookie are CSRF-checked; bearer-token calls are not.

Anonymous requests are allowed on public endpoints and see public fields only.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from sot.accounts.models import ApiToken
from sot.errors import Refused


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


def optional_user(request):
    """Resolve the caller: a valid bearer token, the session user, or anonymous."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = ApiToken.authenticate(header[7:].strip())
        if user is not None:
            request.user = user
            return user
        return None  # a wrong token is refused, not treated as anonymous
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        require_csrf(request)
        return user
    request.user = AnonymousUser()
    return request.user


SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def require_csrf(request) -> None:
    """A write authenticated by the session cookie must pass Django's CSRF check
    (the ``X-CSRFToken`` header with the ``csrftoken`` cookie, and a matching Origin),
    as a form post would: otherwise any site the official visits could post with
    their cookie. A bearer token is not sent by the browser on its own, so token
    callers need no CSRF token."""
    if request.method in SAFE_METHODS:
        return
    if check_csrf(request) is not None:
        raise Refused(
            "CSRF check failed: a request signed in with the session cookie must "
            "send the X-CSRFToken header (or use a bearer token)",
            code="csrf",
        )


class OptionalAuth:
    """Ninja auth callable: passes for everyone but a caller with a bad token."""

    def __call__(self, request):
        return optional_user(request)


token_auth = TokenAuth()
optional_auth = OptionalAuth()
