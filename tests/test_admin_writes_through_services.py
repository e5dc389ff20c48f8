"""Services are the only writers (#10): every sot ModelAdmin that lets even a
superuser add, change or delete overrides the matching write hooks (``save_model``;
``delete_model`` and ``delete_queryset``) to call its domain's service. A new admin
that saves with Django's default fails here."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory


def _overrides(cls, *names: str) -> bool:
    return all(getattr(cls, n) is not getattr(admin.ModelAdmin, n) for n in names)


def _sot_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("sot.")
    ]


@pytest.mark.django_db
def test_every_writable_admin_writes_through_a_service():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(
        username="root", is_superuser=True, is_staff=True, is_active=True
    )
    bad = []
    for model, model_admin in _sot_admins():
        cls, label = type(model_admin), model._meta.label
        saves = model_admin.has_add_permission(request) or (
            model_admin.has_change_permission(request)
        )
        if saves and not _overrides(cls, "save_model"):
            bad.append(f"{label}: {cls.__name__} saves without a service")
        deletes = model_admin.has_delete_permission(request)
        if deletes and not _overrides(cls, "delete_model", "delete_queryset"):
            bad.append(f"{label}: {cls.__name__} deletes without a service")
    assert bad == []
    assert len(_sot_admins()) > 10  # the registry was really read
