"""Content-Security-Policy on every page, HSTS and HTTPS redirect in production, and
CSRF on API writes signed in with the session cookie (#12)."""

import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.test import Client

from sot.accounts.models import ApiToken

pytestmark = pytest.mark.db


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/en/",
        "/nara/",
        "/karta/",
        "/drift/",
        "/admin/login/",
        "/api/v1/points",
        "/finns-inte/",
        "/prenumerera/",
    ],
)
def test_every_page_has_a_content_security_policy(client, jamtland, url):
    r = client.get(url)
    policy = r.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy, url
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_inline_scripts_are_allowed_by_hash_only(client, jamtland):
    r = client.get("/nara/")
    policy = r.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src
    for body in re.findall(r"<script>(.*?)</script>", r.content.decode(), re.S):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src


def _production(code: str) -> str:
    env = {
        **os.environ,
        "SOT_PRODUCTION": "true",
        "SOT_DEBUG": "false",
        "SOT_SECRET_KEY": secrets.token_urlsafe(50),
        "SOT_ALLOWED_HOSTS": "sot.example.se",
        "SOT_SITE_URL": "https://sot.example.se",
        "DJANGO_SETTINGS_MODULE": "sot.config.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_production_mode_has_hsts_and_https_redirect_and_a_clean_deploy_check():
    out = _production(
        "import django, json; django.setup(); from django.conf import settings as s;"
        "from django.core.management import call_command;"
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
        " s.SILENCED_SYSTEM_CHECKS]));"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    first = json.loads(out.splitlines()[0])
    assert first == [31536000, True, True, True, []]
    # nothing silenced: a check silenced later must be justified in docs/security.md
    # and this test changed with it
    assert "System check identified no issues (0 silenced)." in out


@pytest.fixture
def csrf_client():
    """A browser-like client: Django's CSRF checks enforced."""
    return Client(enforce_csrf_checks=True)


def _event(**extra):
    return json.dumps(
        {"name": "Storm", "kind": "storm", "municipality_codes": ["2321"], **extra}
    )


def test_cookie_api_write_without_csrf_token_is_refused(csrf_client, are_officer):
    csrf_client.force_login(are_officer)
    r = csrf_client.post(
        "/api/v1/operations/events",
        _event(),
        content_type="text/plain",
        HTTP_ORIGIN="https://evil.example",
    )
    assert r.status_code == 403
    assert "CSRF" in r.json()["detail"]
    r = csrf_client.post(
        "/api/v1/operations/events", _event(), content_type="application/json"
    )
    assert r.status_code == 403


def test_cookie_api_write_with_csrf_token_passes(csrf_client, are_officer):
    csrf_client.force_login(are_officer)
    csrf_client.get("/drift/handelser/ny/")  # a page with a form sets the cookie
    token = csrf_client.cookies["csrftoken"].value
    r = csrf_client.post(
        "/api/v1/operations/events",
        _event(),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert r.status_code == 201, r.content


def test_bearer_token_writes_need_no_csrf(csrf_client, are_officer):
    secret = ApiToken.issue(user=are_officer, name="t")[1]
    r = csrf_client.post(
        "/api/v1/operations/events",
        _event(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert r.status_code == 201, r.content


def test_cookie_api_reads_need_no_csrf(csrf_client, are_officer):
    csrf_client.force_login(are_officer)
    assert csrf_client.get("/api/v1/operations/events").status_code == 200
