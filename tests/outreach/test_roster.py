"""Roster: import from CSV/XLSX, personal data by role, removal (GDPR) (#7, 1)."""

import datetime as dt
import io

import pytest
from django.apps import apps

from sot.accounts.models import ApiToken
from sot.errors import Refused as PermissionRefused
from sot.outreach import callouts, roster
from sot.outreach.delivery import deliver_due
from sot.outreach.models import Member, Training

CSV = """namn;telefon;e-post;färdigheter;utbildning;tillgänglig;punkter;grupp;språk
Stina Ny;070-174 06 30;stina@example.se;Första hjälpen, elverk;frg_basic:2024-05-04;ja;kall;FRG Åre;sv
Tom New;+46 70 174 06 31;;generator;;nej;;FRG Åre;en
Utan Telefon;;;;;;;;
Fel Färdighet;0701740632;;trollkarl;;;;;
"""


def test_csv_import(jamtland, are_officer):
    from sot.registry.models import Municipality

    are = Municipality.objects.get(code="2321")
    report = roster.import_roster(by=are_officer, municipality=are, data=CSV.encode())
    assert (report.created, report.updated) == (2, 0)
    assert [line for line, _ in report.errors] == [4, 5]
    stina = Member.objects.get(phone="+46701740630")
    assert stina.skills == ["first_aid", "generator"]
    assert stina.group.name == "FRG Åre"
    assert [p.slug for p in stina.points.all()] == ["kall"]
    assert Training.objects.get(member=stina).completed_on == dt.date(2024, 5, 4)
    tom = Member.objects.get(phone="+46701740631")
    assert (tom.available, tom.language) == (False, "en")
    # importing again updates, never duplicates
    again = roster.import_roster(by=are_officer, municipality=are, data=CSV.encode())
    assert (again.created, again.updated) == (0, 2)
    assert Member.objects.count() == 2


def test_xlsx_import(jamtland, are_officer):
    from openpyxl import Workbook

    from sot.registry.models import Municipality

    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Phone", "Skills", "Training", "Available"])
    ws.append(
        ["Ulla X", "0701740640", "first aid;radio", "frg_basic:2023-01-02", "yes"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    are = Municipality.objects.get(code="2321")
    report = roster.import_roster(
        by=are_officer, municipality=are, data=buf.getvalue(), filename="rulla.xlsx"
    )
    assert (report.created, report.errors) == (1, [])
    assert Member.objects.get().skills == ["first_aid", "radio"]


def test_only_officials_may_change_the_roster(jamtland, kall_operator, krokom_officer):
    from sot.registry.models import Municipality

    are = Municipality.objects.get(code="2321")
    for user in (kall_operator, krokom_officer):
        with pytest.raises(PermissionRefused):
            roster.import_roster(by=user, municipality=are, data=CSV.encode())


def _api(client, user, path):
    _, secret = ApiToken.issue(user=user, name="t")
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_personal_data_only_for_those_who_need_it(
    client, frg, are_officer, kall_operator, krokom_officer
):
    officer = _api(client, are_officer, "/api/v1/notify/roster").json()
    assert len(officer) == 16
    assert all(m["phone"].startswith("+4670174") for m in officer)
    operator = _api(client, kall_operator, "/api/v1/notify/roster").json()
    assert len(operator) == 16  # the people of their point, without contact details
    assert all(
        m["phone"] is None and m["email"] is None and m["lat"] is None for m in operator
    )
    assert _api(client, krokom_officer, "/api/v1/notify/roster").json() == []
    assert client.get("/api/v1/notify/roster").status_code == 401


def test_gdpr_removal_leaves_nothing(client, kall_active, are_officer, frg, sms_in):
    from django.db.models import CharField, JSONField, TextField

    callout = callouts.start_callout(
        activation=kall_active, needed=1, skills=["generator"], by=are_officer
    )
    member = callout.recipients.order_by("rank").first().member
    name, phone = member.name, member.phone
    sms_in(phone, "START KALL", "g0")
    sms_in(phone, "JA", "g1")
    deliver_due()
    counts = roster.erase_member(by=are_officer, member=member)
    assert counts["member"] >= 1 and counts["messages"] >= 2 and counts["inbound"] == 2
    assert counts["subscriptions"] == 1
    # no text column of any table of the project holds the name or the number
    leftovers = []
    for model in apps.get_models():
        if not model.__module__.startswith("sot."):
            continue
        text_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, (CharField, TextField, JSONField))
        ]
        for row in model.objects.values(*text_fields):
            for value in row.values():
                if value and (name in str(value) or phone in str(value)):
                    leftovers.append((model.__name__, value))
    assert leftovers == []


def test_erase_through_the_api(client, frg, are_officer, kall_operator):
    member = Member.objects.first()
    _, secret = ApiToken.issue(user=kall_operator, name="t")
    denied = client.delete(
        f"/api/v1/notify/roster/{member.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert denied.status_code == 403
    _, secret = ApiToken.issue(user=are_officer, name="t2")
    ok = client.delete(
        f"/api/v1/notify/roster/{member.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert ok.status_code == 200
    assert not Member.objects.filter(pk=member.pk).exists()
