"""The Content-Security-Policy header is built once per policy (#15), and is still
exactly what django-csp builds from the settings, also after they change."""

from __future__ import annotations

from csp.utils import build_policy
from django.test import override_settings


def test_the_header_is_django_csps_and_follows_the_settings(client, jamtland):
    first = client.get("/punkt/kall/")["Content-Security-Policy"]
    assert first == build_policy()
    assert client.get("/")["Content-Security-Policy"] == first
    from django.conf import settings

    changed = dict(settings.CONTENT_SECURITY_POLICY)
    changed["DIRECTIVES"] = dict(
        changed["DIRECTIVES"], **{"img-src": ["'self'", "https://tiles.example.se"]}
    )
    with override_settings(CONTENT_SECURITY_POLICY=changed):
        header = client.get("/punkt/kall/")["Content-Security-Policy"]
        assert "img-src 'self' https://tiles.example.se" in header
        assert header == build_policy()
    assert client.get("/punkt/kall/")["Content-Security-Policy"] == first
