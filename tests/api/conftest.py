"""Fixtures shared by the API tests: the OpenAPI document loaded by schemathesis
(for the contract tests: documented status codes here, no 5xx in the hostile suite)
and a token that reaches every operation."""

from __future__ import annotations

import pytest


@pytest.fixture
def api_schema(db):
    """The live OpenAPI document of /api/v1, served by the WSGI app in process."""
    schemathesis = pytest.importorskip("schemathesis")
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: a request must not close the test's connection
    # (its transaction is rolled back after the test).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", get_wsgi_application()
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(jamtland):
    """A bearer token of the county coordinator (reaches every operation)."""
    from sot.accounts.models import ApiToken, User

    user = User.objects.get(username="lansstyrelsen")
    _token, secret = ApiToken.issue(user=user, name="schemathesis")
    return secret
