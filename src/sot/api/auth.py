"""API authentication: a bearer token for machines, the session for signed-in people.

Anonymous requests are allowed on public endpoints and see public fields only.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer

from sot.accounts.models import ApiToken


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
        return user
    request.user = AnonymousUser()
    return request.user


class OptionalAuth:
    """Ninja auth callable: passes for everyone but a caller with a bad token."""

    def __call__(self, request):
        return optional_user(request)


token_auth = TokenAuth()
optional_auth = OptionalAuth()
