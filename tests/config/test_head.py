"""A HEAD gets the headers a GET gets and no body (RFC 9110 9.3.2), from Django's
own WSGI handler as gunicorn calls it: the test client drops HEAD bodies itself,
so it would hide a body sent (gunicorn dropped it with a warning every time)."""

from __future__ import annotations

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _call(method: str, path: str) -> tuple[str, dict, bytes]:
    environ = RequestFactory().generic(method, path).environ
    environ["wsgi.input"] = io.BytesIO(b"")
    got: dict = {}

    def start_response(status, headers, exc_info=None):
        got["status"], got["headers"] = status, dict(headers)

    # as Django's test client does: the test's transaction outlives the request
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return got["status"], got["headers"], body


@pytest.mark.parametrize("path", ["/", "/punkter.geojson", "/api/v1/points"])
def test_head_has_the_get_headers_and_no_body(jamtland, path):
    status, headers, body = _call("GET", path)
    assert status.startswith("200") and body
    head_status, head_headers, head_body = _call("HEAD", path)
    assert head_status.startswith("200") and head_body == b""
    assert head_headers["Content-Length"] == str(len(body))
    assert head_headers["Content-Type"] == headers["Content-Type"]
    assert head_headers.get("ETag") == headers.get("ETag")


def test_a_streamed_file_is_not_sent_on_head(tmp_path):
    from django.http import FileResponse

    from sot.config.middleware import HeadMiddleware

    path = tmp_path / "site.css"
    path.write_bytes(b"body { color: black }" * 100)
    seen = []

    def view(request):
        seen.append(request.method)
        return FileResponse(path.open("rb"), content_type="text/css")

    request = RequestFactory().head("/static/site.css")
    response = HeadMiddleware(view)(request)
    assert seen == ["GET"] and request.method == "HEAD"
    assert b"".join(response.streaming_content) == b""
    assert response["Content-Length"] == str(path.stat().st_size)
    response.close()
