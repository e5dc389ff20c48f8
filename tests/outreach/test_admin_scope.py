"""In the roster admin, an officer can link a volunteer only to points and
organisations of their own municipality (#12)."""

import pytest
from tests.support.forms import form_data

from sot.outreach.models import Member
from sot.registry.models import Municipality, Organisation, Point

pytestmark = pytest.mark.db


@pytest.fixture
def krokom_group(jamtland):
    """A volunteer group in Krokom."""
    krokom = Municipality.objects.get(code="2309")
    return Organisation.objects.create(
        name="FRG Krokom",
        kind="volunteer_group",
        municipality=krokom,
        county_code=krokom.county_code,
    )


def test_the_form_offers_only_the_officers_own_points_and_groups(
    client, are_officer, frg, krokom_group, valsjobyn
):
    anna = Member.objects.get(phone="+46701740605")
    client.force_login(are_officer)
    page = client.get(f"/admin/outreach/member/{anna.pk}/change/").content.decode()
    assert "FRG Krokom" not in page
    assert valsjobyn.name not in page


@pytest.mark.parametrize("link", ["point", "group"])
def test_a_crafted_post_linking_to_krokom_is_refused(
    client, are_officer, frg, krokom_group, valsjobyn, link
):
    anna = Member.objects.get(phone="+46701740605")
    url = f"/admin/outreach/member/{anna.pk}/change/"
    client.force_login(are_officer)
    data = form_data(client.get(url).content.decode(), "member_form")
    if link == "point":
        data["points"] = [str(valsjobyn.pk)]
    else:
        data["group"] = [str(krokom_group.pk)]
    r = client.post(url, data)
    assert r.status_code == 200  # the form again, with the error
    anna.refresh_from_db()
    assert not anna.points.filter(pk=valsjobyn.pk).exists()
    assert anna.group_id != krokom_group.pk
    assert Point.objects.get(pk=valsjobyn.pk).municipality.code == "2309"


def test_the_admin_writes_members_only_through_the_roster_service(
    client, are_officer, frg, kall, monkeypatch
):
    """Saving a person in the admin (with a training inline and a point) goes
    through roster.save_member_row, once (#10)."""
    from sot.outreach import roster

    calls = []
    real = roster.save_member_row

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(roster, "save_member_row", spy)
    anna = Member.objects.get(phone="+46701740605")
    url = f"/admin/outreach/member/{anna.pk}/change/"
    client.force_login(are_officer)
    data = form_data(client.get(url).content.decode(), "member_form")
    data["name"] = ["Anna Ny"]
    data["points"] = [str(kall.pk)]
    prefix = next(k[: -len("-TOTAL_FORMS")] for k in data if k.endswith("-TOTAL_FORMS"))
    n = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-{n - 1}-course"] = ["first_aid"]
    data[f"{prefix}-{n - 1}-completed_on"] = ["2025-01-15"]
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert len(calls) == 1 and calls[0]["member"].pk == anna.pk
    anna.refresh_from_db()
    assert anna.name == "Anna Ny"
    assert list(anna.points.all()) == [kall]
    assert anna.trainings.filter(course="first_aid").get().completed_on.isoformat() == (
        "2025-01-15"
    )


def test_a_member_added_in_the_admin_with_a_training(client, are_officer, frg, kall):
    """A new person and their first training are written together by the
    roster service (#10)."""
    url = "/admin/outreach/member/add/"
    client.force_login(are_officer)
    data = form_data(client.get(url).content.decode(), "member_form")
    data.update(
        {
            "name": ["Nya Nilsson"],
            "phone": ["+46701112233"],
            "municipality": [str(kall.municipality_id)],
            "points": [str(kall.pk)],
        }
    )
    prefix = next(k[: -len("-TOTAL_FORMS")] for k in data if k.endswith("-TOTAL_FORMS"))
    data[f"{prefix}-0-course"] = ["first_aid"]
    data[f"{prefix}-0-completed_on"] = ["2025-01-15"]
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    nils = Member.objects.get(name="Nya Nilsson")
    assert list(nils.points.all()) == [kall]
    assert [t.course for t in nils.trainings.all()] == ["first_aid"]
