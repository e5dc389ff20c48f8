"""A request id for every request: in the response header, every log line and the
error page, so a user's "it says 3f9c1a2b7d4e" finds the traceback in the log.

The id is 12 hexadecimal characters, or the caller's ``X-Request-ID`` when it is a
short token (a proxy in front of sot may set one).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "sot_request_id", default="-"
)
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{6,64}$")


def current() -> str:
    """The id of the request being handled, or ``-`` outside a request."""
    return _current.get()


class RequestIdMiddleware:
    """Give each request an id (``request.id``), log it, send it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if _ACCEPTED.match(given) else uuid.uuid4().hex[:12]
        request.id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response.headers[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` so the log format can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current()
        return True


def _install_record_factory() -> None:
    """Every log record carries the request id, whichever handler formats it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "sot_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = current()
        return record

    factory.sot_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_install_record_factory()
