"""The checklist template admin writes only through the checklist services (#10)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from tests.support.forms import form_data

from sot.operations.models import ChecklistTemplate
from sot.operations.services import checklists
from sot.registry.models import Municipality

pytestmark = pytest.mark.db


def _post(client, page, **changes):
    data = form_data(client.get(page).content.decode())
    data.pop("_addanother", None)
    data.pop("_continue", None)
    data.update({k: [v] for k, v in changes.items()})
    return client.post(page, data)


def test_a_template_saved_in_the_admin_goes_through_the_service(
    client, superuser, monkeypatch
):
    calls = []
    real = checklists.save_template_row

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(checklists, "save_template_row", spy)
    are = Municipality.objects.get(code="2321")
    client.force_login(superuser)
    response = _post(
        client,
        "/admin/operations/checklisttemplate/add/",
        municipality=str(are.pk),
        kind="activation",
        name="Åres aktivering",
        items='["Starta elverket", "Öppna värmestugan"]',
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ChecklistTemplate.objects.get(name="Åres aktivering")
    assert template.items == ["Starta elverket", "Öppna värmestugan"]
    assert len(calls) == 1 and calls[0]["by"] == superuser
    response = _post(
        client,
        f"/admin/operations/checklisttemplate/{template.pk}/change/",
        name="Åres aktivering 2",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(calls) == 2 and calls[1]["template"].pk == template.pk
    template.refresh_from_db()
    assert template.name == "Åres aktivering 2"


def test_the_admin_refuses_an_officer_another_municipalitys_template(
    client, are_officer
):
    """Django's model permission lets the page open; the service's policy check
    refuses Åre's officer Krokom's template."""
    krokom = Municipality.objects.get(code="2309")
    template = ChecklistTemplate.objects.create(
        municipality=krokom, kind="activation", name="Krokom", items=["A"]
    )
    are_officer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_checklisttemplate", "change_checklisttemplate"]
        )
    )
    client.force_login(are_officer)
    response = _post(
        client,
        f"/admin/operations/checklisttemplate/{template.pk}/change/",
        name="Ändrad",
    )
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.name == "Krokom"
