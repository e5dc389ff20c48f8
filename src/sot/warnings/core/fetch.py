"""Polling one warning source over HTTP, politely and defensively (plain: httpx, no Django).

:func:`poll` makes one conditional GET and parses the answer:

* ``If-None-Match`` / ``If-Modified-Since`` from the last good response; a 304 is a
  success with nothing new.
* 429 and 5xx back off until ``Retry-After`` (seconds or an HTTP date) or, without it,
  ``interval * 2**failures`` capped at ``max_backoff_s``; other errors back off the
  same way. While backing off, :func:`poll` returns ``waiting`` without a request.
* A timeout, a connection error, a body over ``max_bytes``, a body shorter than its
  ``Content-Length``, a content type that is not the expected one, and a document
  the parser refuses are all failures with a reason; the caller keeps the last good
  state. Validators (ETag, Last-Modified) are only kept from a response that parsed,
  so a refused document is fetched and checked again next time.

Nothing here raises on what a source sends: every outcome is a :class:`PollResult`.
"""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import httpx

from sot.warnings.core.model import Document, ParseError

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_BACKOFF_S = 3600
MAX_RETRY_AFTER_S = 24 * 3600

CONTENT_TYPES = {
    "json": (
        "application/json",
        "text/json",
        "application/geo+json",
        "application/vnd.geo+json",
    ),
    "xml": (
        "application/xml",
        "text/xml",
        "application/cap+xml",
        "application/atom+xml",
    ),
    "csv": ("text/csv", "text/plain", "application/csv"),
}


class Outcome(StrEnum):
    FETCHED = "fetched"  # a new document, parsed
    NOT_MODIFIED = "not_modified"  # 304: the last good document still holds
    FAILED = "failed"  # an error; the last good state stays in force
    WAITING = "waiting"  # backing off; no request was made


@dataclass(frozen=True)
class SourceState:
    """What a poller remembers between polls (stored by the caller)."""

    etag: str = ""
    last_modified: str = ""
    failures: int = 0
    retry_at: datetime | None = None


@dataclass(frozen=True)
class PollResult:
    outcome: Outcome
    state: SourceState
    document: Document | None = None
    error: str = ""
    status_code: int | None = None
    body_sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.FETCHED, Outcome.NOT_MODIFIED)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds from ``now`` (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER_S)


def _failed(
    state: SourceState,
    now: datetime,
    reason: str,
    *,
    interval_s: float,
    max_backoff_s: float,
    retry_after_s: float | None = None,
    status_code: int | None = None,
) -> PollResult:
    failures = state.failures + 1
    if retry_after_s is not None:
        delay = retry_after_s
    else:
        delay = min(interval_s * (2 ** min(failures, 16)), max_backoff_s)
    new_state = dataclasses.replace(
        state, failures=failures, retry_at=now + timedelta(seconds=delay)
    )
    return PollResult(
        outcome=Outcome.FAILED, state=new_state, error=reason, status_code=status_code
    )


def _type_ok(content_type: str, kind: str) -> bool:
    if not content_type or kind not in CONTENT_TYPES:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media in CONTENT_TYPES[kind] or media.endswith("+json") and kind == "json"


def poll(
    client: httpx.Client,
    url: str,
    *,
    state: SourceState,
    parse: Callable[[bytes], Document],
    now: datetime | None = None,
    interval_s: float = 300,
    kind: str = "json",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_backoff_s: float = DEFAULT_MAX_BACKOFF_S,
    headers: dict[str, str] | None = None,
) -> PollResult:
    """One poll of ``url``; ``parse`` turns the body into a :class:`Document`."""
    now = now or datetime.now(UTC)
    if state.retry_at is not None and now < state.retry_at:
        return PollResult(outcome=Outcome.WAITING, state=state)
    fail: dict[str, Any] = {"interval_s": interval_s, "max_backoff_s": max_backoff_s}
    request_headers = {"User-Agent": "sot (SOT-punkter; warnings poller)"}
    request_headers.update(headers or {})
    if state.etag:
        request_headers["If-None-Match"] = state.etag
    if state.last_modified:
        request_headers["If-Modified-Since"] = state.last_modified
    try:
        with client.stream(
            "GET", url, headers=request_headers, timeout=timeout_s
        ) as response:
            code = response.status_code
            if code == 304:
                return PollResult(
                    outcome=Outcome.NOT_MODIFIED,
                    state=dataclasses.replace(state, failures=0, retry_at=None),
                    status_code=code,
                )
            if code == 429 or code >= 500:
                return _failed(
                    state,
                    now,
                    f"HTTP {code}",
                    retry_after_s=retry_after_seconds(
                        response.headers.get("Retry-After"), now
                    ),
                    status_code=code,
                    **fail,
                )
            if code != 200:
                return _failed(state, now, f"HTTP {code}", status_code=code, **fail)
            content_type = response.headers.get("Content-Type", "")
            if not _type_ok(content_type, kind):
                return _failed(
                    state,
                    now,
                    f"wrong content type {content_type[:60]!r} (expected {kind})",
                    status_code=code,
                    **fail,
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                return _failed(
                    state,
                    now,
                    f"response of {declared} bytes is over the limit of {max_bytes}",
                    status_code=code,
                    **fail,
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return _failed(
                        state,
                        now,
                        f"response over the limit of {max_bytes} bytes",
                        status_code=code,
                        **fail,
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            encoded = response.headers.get("Content-Encoding", "identity") != "identity"
            if (
                declared
                and declared.isdigit()
                and not encoded
                and len(body) < int(declared)
            ):
                return _failed(
                    state,
                    now,
                    f"truncated body: {len(body)} of {declared} bytes",
                    status_code=code,
                    **fail,
                )
            etag = response.headers.get("ETag", "")
            last_modified = response.headers.get("Last-Modified", "")
    except httpx.TimeoutException:
        return _failed(state, now, f"timeout after {timeout_s:g} s", **fail)
    except httpx.HTTPError as exc:
        return _failed(state, now, f"{type(exc).__name__}: {str(exc)[:200]}", **fail)

    try:
        document = parse(body)
    except ParseError as exc:
        return _failed(
            state, now, f"refused document: {exc}"[:500], status_code=200, **fail
        )
    return PollResult(
        outcome=Outcome.FETCHED,
        state=SourceState(
            etag=etag, last_modified=last_modified, failures=0, retry_at=None
        ),
        document=document,
        status_code=200,
        body_sha256=hashlib.sha256(body).hexdigest(),
    )
