"""The warnings admin writes sources and rules, and deletes stored warnings and
suggestions, only through the warnings services (#10)."""

from __future__ import annotations

import pytest
from tests.support.forms import form_data

from sot.errors import Refused
from sot.public import pagecache
from sot.warnings import services
from sot.warnings.importing import import_bytes
from sot.warnings.models import (
    Suggestion,
    SuggestionRule,
    WarningMessage,
    WarningSource,
)

pytestmark = pytest.mark.db


@pytest.fixture
def calls(monkeypatch):
    """The calls of the services the admin writes through (which still do their
    work)."""
    seen = []
    for name in ("save_rule", "save_source", "delete_warning", "delete_suggestion"):
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


@pytest.fixture
def warning(rules, written):
    """SMHI's orange wind warning for the Jämtland mountains, in force, with its
    suggestions for Åre and Krokom."""
    data = (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()
    import_bytes(data=data, via="cli")
    message = WarningMessage.objects.get()
    assert message.suggestions.count() == 2
    return message


def test_only_the_superuser_deletes_a_warning(warning, coordinator, superuser):
    with pytest.raises(Refused):
        services.delete_warning(message=warning, by=coordinator)
    assert WarningMessage.objects.filter(pk=warning.pk).exists()
    before = pagecache.version()
    services.delete_warning(message=warning, by=superuser)
    assert not WarningMessage.objects.exists() and not Suggestion.objects.exists()
    assert pagecache.version() > before  # the public pages show warnings


def test_only_the_superuser_deletes_a_suggestion(
    warning, coordinator, are_officer, superuser
):
    suggestion = warning.suggestions.get(municipality__code="2321")
    for official in (coordinator, are_officer):
        with pytest.raises(Refused):
            services.delete_suggestion(suggestion=suggestion, by=official)
    assert warning.suggestions.count() == 2
    services.delete_suggestion(suggestion=suggestion, by=superuser)
    assert [s.municipality.code for s in warning.suggestions.all()] == ["2309"]
    assert WarningMessage.objects.filter(pk=warning.pk).exists()


def _delete_selected(client, changelist, objects):
    """Django's "delete selected" action, confirmed (the admin's delete_queryset)."""
    return client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [o.pk for o in objects],
            "post": "yes",
        },
    )


def test_the_admin_deletes_warnings_and_suggestions_through_the_services(
    warning, client, superuser, calls
):
    client.force_login(superuser)
    suggestion = warning.suggestions.first()
    response = client.post(
        f"/admin/warnings/suggestion/{suggestion.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ((name, kwargs),) = calls
    assert name == "delete_suggestion" and str(kwargs["suggestion"]) == str(suggestion)
    assert not Suggestion.objects.filter(pk=suggestion.pk).exists()
    assert kwargs["by"].pk == superuser.pk
    response = _delete_selected(client, "/admin/warnings/warningmessage/", [warning])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [name for name, _ in calls] == ["delete_suggestion", "delete_warning"]
    assert calls[1][1]["message"].identifier == warning.identifier
    assert not WarningMessage.objects.exists() and not Suggestion.objects.exists()


def test_the_admin_refuses_a_coordinator_deleting_a_warning(
    warning, client, coordinator, calls
):
    client.force_login(coordinator)
    response = client.post(
        f"/admin/warnings/warningmessage/{warning.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert calls == [] and WarningMessage.objects.filter(pk=warning.pk).exists()
