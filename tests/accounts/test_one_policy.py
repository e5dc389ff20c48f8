"""One way to refuse: roles are looked at in accounts/policy.py only, and the one error
hierarchy maps to the same HTTP status in the API handler and the view middleware."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

import sot
from sot.accounts import policy
from sot.config.middleware import ErrorMiddleware
from sot.errors import Conflict, Invalid, NotFound, Refused, SotError, Unauthenticated

SRC = Path(sot.__file__).parent
ROLE_CHECK = re.compile(
    r"\.role\s*(==|!=|in\b|not in\b)|\brole\s+(not\s+)?in\b|\.is_superuser\b(?!\s*=[^=])"
)
# Creating a user sets is_superuser; that is not a permission check.
SETS_SUPERUSER = re.compile(r"\.is_superuser\s*=\s*[^=]")


def test_no_role_checks_outside_the_policy():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "policy.py" and path.parent.name == "accounts":
            continue
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ROLE_CHECK.search(line) and not SETS_SUPERUSER.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_refusals_and_statuses_come_from_the_one_hierarchy():
    """No second `require`, no PermissionDenied/HttpError/Http404 raised by hand: views,
    API and services raise sot.errors and the two handlers pick the status."""
    pattern = re.compile(
        r"^def require\(|raise (PermissionDenied|HttpError|Http404)\b|^class \w+\(PermissionError\)"
    )
    offenders = [
        f"{p.relative_to(SRC)}:{n}: {line.strip()}"
        for p in SRC.rglob("*.py")
        if not (p.name == "policy.py" and p.parent.name == "accounts")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound(), 404),
        (Refused(), 403),
        (Conflict(), 409),
        (Invalid(), 422),
        (Unauthenticated(), 401),
    ],
)
def test_each_error_carries_its_status(error, status):
    assert isinstance(error, SotError) and error.status == status


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("x"), 404),
        (Refused("x"), 403),
        (Conflict("x"), 409),
        (Invalid("x"), 422),
    ],
)
def test_the_view_handler_maps_the_hierarchy(error, status):
    request = RequestFactory().get("/drift/")
    middleware = ErrorMiddleware(lambda r: None)
    response = middleware.process_exception(request, error)
    assert response.status_code == status


def test_the_view_handler_sends_the_unauthenticated_to_login():
    request = RequestFactory().get("/drift/")
    response = ErrorMiddleware(lambda r: None).process_exception(
        request, Unauthenticated()
    )
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_view_handler_leaves_other_errors_alone():
    request = RequestFactory().get("/drift/")
    assert (
        ErrorMiddleware(lambda r: None).process_exception(request, KeyError()) is None
    )


def test_require_refuses_with_403_and_lets_the_system_through(db, jamtland):
    from sot.accounts.models import User
    from sot.registry.models import Point

    kall = Point.objects.get(slug="kall")
    operator = User.objects.get(username="kall")
    policy.require(None, policy.DELETE_POINT, kall)  # the system itself
    with pytest.raises(Refused) as refused:
        policy.require(operator, policy.DELETE_POINT, kall)
    assert refused.value.status == 403


def test_the_api_maps_a_refusal_to_403_and_a_rule_to_422(client, jamtland):
    """A permission refusal is 403, never 422; a broken rule is 422."""
    from sot.accounts.models import ApiToken, User

    operator = User.objects.get(username="kall")
    _token, secret = ApiToken.issue(user=operator, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    refused = client.post(
        "/api/v1/operations/events",
        {"name": "Storm", "kind": "storm", "municipality_codes": ["2321"]},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 403, refused.content
    coordinator = User.objects.get(username="lansstyrelsen")
    _token, secret = ApiToken.issue(user=coordinator, name="t")
    invalid = client.post(
        "/api/v1/operations/events",
        {"name": "Storm", "kind": "storm", "municipality_codes": ["9999"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert invalid.status_code == 422
    assert invalid.json() == {"detail": "unknown municipality code"}
