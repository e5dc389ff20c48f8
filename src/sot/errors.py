"""The one error hierarchy: why a request cannot be carried out, and its HTTP status.

Services, cores and policy raise these; the JSON API maps them to responses in one
exception handler (`sot.api.main`) and the HTML views in one middleware
(`sot.config.middleware.ErrorMiddleware`). Nothing else turns errors into status codes.

| class | HTTP | meaning |
|---|---|---|
| :class:`Unauthenticated` | 401 | no (valid) credentials where they are needed |
| :class:`NotFound` | 404 | no such object (or not one the caller may know of) |
| :class:`Refused` | 403 | the caller may not take this action on this object |
| :class:`Conflict` | 409 | the object changed or was decided in the meantime |
| :class:`Invalid` | 422 | the request breaks a rule or its input is malformed |
| :class:`TooMany` | 429 | the caller sent too many requests of this kind lately |

Each carries a human message (Swedish for the rules' own texts) and, where the caller
may want to branch on it, a stable machine ``code``. :class:`Refused` is also a
``PermissionError`` and :class:`Invalid` a ``ValueError``, so older ``except`` clauses
keep working. Plain module: no Django import.
"""

from __future__ import annotations


class SotError(Exception):
    """A request the system cannot carry out; ``status`` is its HTTP status."""

    status: int = 400
    default_message = "bad request"

    def __init__(self, message: str = "", *, code: str = "") -> None:
        self.message = message or self.default_message
        self.code = code
        super().__init__(self.message)

    @property
    def detail(self) -> str:
        """The text for an API response: ``code: message`` when there is a code."""
        return f"{self.code}: {self.message}" if self.code else str(self.message)


class Unauthenticated(SotError):
    """The request carries no (valid) credentials where it needs them."""

    status = 401
    default_message = "authentication required"


class NotFound(SotError):
    status = 404
    default_message = "not found"


class Refused(SotError, PermissionError):
    """The caller may not take the action (a permission refusal, never 422)."""

    status = 403
    default_message = "permission denied"


class Conflict(SotError):
    status = 409
    default_message = "conflict"


class Invalid(SotError, ValueError):
    status = 422
    default_message = "invalid request"


class TooMany(SotError):
    """A rate limit: too many requests of this kind lately; try again later."""

    status = 429
    default_message = "too many requests"
