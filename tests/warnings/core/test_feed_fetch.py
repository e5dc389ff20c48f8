"""The poller core through httpx.MockTransport: 304, 429, 500, timeout, bad bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sot.warnings.core import fetch, smhi
from sot.warnings.core.fetch import Outcome, SourceState

NOW = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
URL = "https://opendata-download-warnings.smhi.se/ibww/api/version/1/warning.json"


def client(handler):
    return httpx.Client(transport=httpx.MockTransport(handler))


def poll(handler, state=None, **kw):
    state = state or SourceState()
    kw.setdefault("now", NOW)
    kw.setdefault("interval_s", 60)
    return fetch.poll(
        client(handler), URL, state=state, parse=smhi.parse_warnings, **kw
    )


def ok(body: bytes, **headers):
    def handler(request):
        return httpx.Response(
            200,
            content=body,
            headers={"Content-Type": "application/json", **headers},
        )

    return handler


def test_fetched_keeps_validators(written):
    body = (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()
    result = poll(
        ok(body, ETag='"v1"', **{"Last-Modified": "Wed, 10 Jan 2024 11:00:00 GMT"})
    )
    assert result.outcome is Outcome.FETCHED and result.ok
    assert result.document.messages[0].identifier == "4711-9001"
    assert result.state == SourceState(
        etag='"v1"', last_modified="Wed, 10 Jan 2024 11:00:00 GMT"
    )
    assert len(result.body_sha256) == 64


def test_conditional_request_and_304():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        return httpx.Response(304)

    state = SourceState(
        etag='"v1"', last_modified="Wed, 10 Jan 2024 11:00:00 GMT", failures=2
    )
    result = poll(handler, state)
    assert seen["if-none-match"] == '"v1"'
    assert seen["if-modified-since"] == "Wed, 10 Jan 2024 11:00:00 GMT"
    assert result.outcome is Outcome.NOT_MODIFIED and result.ok
    assert result.state.failures == 0 and result.state.etag == '"v1"'


def test_429_honours_retry_after_seconds():
    result = poll(lambda r: httpx.Response(429, headers={"Retry-After": "120"}))
    assert result.outcome is Outcome.FAILED and result.error == "HTTP 429"
    assert result.state.retry_at == NOW + timedelta(seconds=120)
    assert result.state.failures == 1


def test_503_honours_retry_after_date():
    result = poll(
        lambda r: httpx.Response(
            503, headers={"Retry-After": "Wed, 10 Jan 2024 12:10:00 GMT"}
        )
    )
    assert result.state.retry_at == NOW + timedelta(minutes=10)


def test_500_backs_off_exponentially_and_waits():
    state = SourceState(failures=2)
    result = poll(lambda r: httpx.Response(500), state, max_backoff_s=3600)
    assert result.state.failures == 3
    assert result.state.retry_at == NOW + timedelta(seconds=60 * 2**3)
    calls = []
    waiting = poll(lambda r: calls.append(r) or httpx.Response(200), result.state)
    assert waiting.outcome is Outcome.WAITING and calls == []
    capped = poll(
        lambda r: httpx.Response(500), SourceState(failures=20), max_backoff_s=900
    )
    assert capped.state.retry_at == NOW + timedelta(seconds=900)


def test_timeout():
    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    result = poll(handler, timeout_s=5)
    assert result.outcome is Outcome.FAILED and result.error == "timeout after 5 s"


def test_connection_error():
    def handler(request):
        raise httpx.ConnectError("no route", request=request)

    result = poll(handler)
    assert result.error.startswith("ConnectError")


def test_truncated_body(written):
    body = (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()

    def handler(request):
        return httpx.Response(
            200,
            content=body[:100],
            headers={
                "Content-Type": "application/json",
                "Content-Length": str(len(body)),
            },
        )

    result = poll(handler)
    assert result.outcome is Outcome.FAILED
    assert "truncated" in result.error


def test_truncated_json_without_length_is_refused_by_the_parser(written):
    body = (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()[:300]
    result = poll(ok(body, ETag='"bad"'))
    assert result.outcome is Outcome.FAILED
    assert "malformed JSON" in result.error
    assert result.state.etag == ""  # a refused document's validators are not kept


def test_huge_body():
    result = poll(ok(b"[" + b" " * 5000 + b"]"), max_bytes=1000)
    assert "over the limit" in result.error


def test_declared_huge_body():
    def handler(request):
        return httpx.Response(
            200,
            content=b"[]",
            headers={"Content-Type": "application/json", "Content-Length": "999999999"},
        )

    result = poll(handler)
    assert "over the limit" in result.error


def test_wrong_content_type():
    def handler(request):
        return httpx.Response(
            200,
            content=b"<html>maintenance</html>",
            headers={"Content-Type": "text/html"},
        )

    result = poll(handler)
    assert "wrong content type" in result.error


def test_404_is_a_failure():
    assert poll(lambda r: httpx.Response(404)).error == "HTTP 404"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30", 30.0),
        ("Wed, 10 Jan 2024 12:01:00 GMT", 60.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value, seconds):
    assert fetch.retry_after_seconds(value, NOW) == seconds
