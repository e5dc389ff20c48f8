"""The warnings admin writes sources and rules only through the warnings services
(#10)."""

from __future__ import annotations

import pytest
from tests.support.forms import form_data

from sot.warnings import services
from sot.warnings.models import SuggestionRule, WarningSource

pytestmark = pytest.mark.db


@pytest.fixture
def calls(monkeypatch):
    """The calls of save_rule and save_source (which still do their work)."""
    seen = []
    for name in ("save_rule", "save_source"):
        real = getattr(services, name)

        def spy(_real=real, _name=name, **kwargs):
            seen.append((_name, kwargs))
            return _real(**kwargs)

        monkeypatch.setattr(services, name, spy)
    return seen


def _change(client, page, **changes):
    data = form_data(client.get(page).content.decode())
    data.pop("_addanother", None)
    data.pop("_continue", None)
    data.update({k: [v] for k, v in changes.items()})
    return client.post(page, data)


def test_a_rule_changed_in_the_admin_goes_through_save_rule(
    rules, client, coordinator, calls
):
    rule = SuggestionRule.objects.get(order=20, county_code="23")
    client.force_login(coordinator)
    url = f"/admin/warnings/suggestionrule/{rule.pk}/change/"
    response = _change(client, url, name="Jämtlands regel")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [name for name, _ in calls] == ["save_rule"]
    assert calls[0][1]["by"] == coordinator and calls[0][1]["rule"].pk == rule.pk
    rule.refresh_from_db()
    assert rule.name == "Jämtlands regel"


def test_the_admin_refuses_a_coordinator_a_rule_for_every_county(
    rules, client, coordinator, calls
):
    """save_rule's check holds in the admin too: a rule for every county is the
    superuser's."""
    rule = SuggestionRule.objects.get(order=20, county_code="23")
    rule.pk, rule.county_code, rule.name = None, "", "Alla län"
    rule.save()
    client.force_login(coordinator)
    url = f"/admin/warnings/suggestionrule/{rule.pk}/change/"
    response = _change(client, url, name="Ändrad")
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.name == "Alla län" and not calls[0][1]["rule"].county_code


def test_a_source_added_in_the_admin_goes_through_save_source(
    rules, client, coordinator, calls
):
    client.force_login(coordinator)
    response = _change(
        client,
        "/admin/warnings/warningsource/add/",
        slug="ny-kalla",
        name="Ny källa",
        format=WarningSource._meta.get_field("format").choices[0][0],
        url="https://example.org/cap.xml",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [name for name, _ in calls] == ["save_source"]
    assert WarningSource.objects.get(slug="ny-kalla").name == "Ny källa"
