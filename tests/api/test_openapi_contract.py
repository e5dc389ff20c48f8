"""/api/v1's OpenAPI document is valid and complete: schemathesis finds no status
code an operation returns that the document does not list (#14)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import status_code_conformance  # noqa: E402

pytestmark = pytest.mark.db


def _check(operation, headers: dict, max_examples: int, found: list[str]) -> None:
    """Run schemathesis' examples of ``operation``; note each undocumented status."""
    from hypothesis import given

    label = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy())
    @settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=[status_code_conformance])
        except BaseExceptionGroup:  # schemathesis' FailureGroup
            found.append(f"{label}: {response.status_code} undocumented")

    run()


def _undocumented(api_schema, headers: dict, max_examples: int) -> list[str]:
    found: list[str] = []
    for result in api_schema.get_all_operations():
        _check(result.ok(), headers, max_examples, found)
    return sorted(set(found))


def test_every_status_code_is_documented_for_a_token(api_schema, coordinator_token):
    bearer = {"Authorization": f"Bearer {coordinator_token}"}
    assert _undocumented(api_schema, bearer, max_examples=12) == []


def test_every_status_code_is_documented_for_anonymous_and_bad_tokens(api_schema):
    assert _undocumented(api_schema, {}, max_examples=5) == []
    bad = {"Authorization": "Bearer not-a-token"}
    assert _undocumented(api_schema, bad, max_examples=3) == []
