"""Operators do not see how far volunteers live; the public source-health endpoint
shows no source URLs (#12)."""

import pytest

from sot.accounts.models import ApiToken
from sot.outreach import callouts

pytestmark = pytest.mark.db


@pytest.fixture
def callout(kall_active, are_officer, frg):
    """A call-out at Kall, started by Åre's officer."""
    return callouts.start_callout(
        activation=kall_active, needed=2, skills=["generator"], by=are_officer
    )


def _get(client, user, url):
    secret = ApiToken.issue(user=user, name="t")[1]
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_operator_sees_no_distances(client, callout, kall_operator, are_officer):
    url = f"/api/v1/notify/callouts/{callout.pk}"
    mine = _get(client, kall_operator, url).json()["recipients"]
    assert mine and all(r["distance_m"] is None for r in mine)
    theirs = _get(client, are_officer, url).json()["recipients"]
    assert any(r["distance_m"] is not None for r in theirs)
    client.force_login(kall_operator)
    page = client.get(f"/utskick/aktiveringar/{callout.activation_id}/utrop/")
    assert page.status_code == 200
    assert (
        " km<" not in page.content.decode() and "Avstånd" not in page.content.decode()
    )


def test_public_source_health_shows_no_urls(client, jamtland):
    from django.core.management import call_command

    call_command("warnings", "setup", verbosity=0)
    rows = client.get("/api/v1/warnings/health").json()
    assert rows, "no warning sources set up"
    assert all(r["url"] == "" for r in rows)
