"""Two officials editing one point at once: the second save is refused
with the newer values instead of silently reverting the first one's change; the
same for the backup power inline (#12)."""

import pytest
from django.test import Client
from tests.support.forms import form_data

from sot.registry.models import BackupPower, Point

pytestmark = pytest.mark.db


def _form(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return form_data(page.content.decode(), "point_form")


def test_second_save_of_a_stale_form_is_refused(are_officer, coordinator, kall):
    url = f"/admin/registry/point/{kall.pk}/change/"
    first, second = Client(), Client()
    first.force_login(are_officer)
    second.force_login(coordinator)
    data_first, data_second = _form(first, url), _form(second, url)
    data_first["name"] = ["Kall bygdegård"]
    assert first.post(url, data_first).status_code == 302
    data_second["village"] = ["Kallby"]
    r = second.post(url, data_second)
    assert r.status_code == 200
    page = r.content.decode()
    assert "Någon annan har ändrat punkten" in page
    assert "Kall bygdegård" in page  # the newer value is shown
    kall.refresh_from_db()
    assert (kall.name, kall.village) == ("Kall bygdegård", "Kall")
    # after checking, the second official saves again from the refreshed form
    data_again = form_data(page, "point_form")
    data_again["name"] = ["Kall bygdegård"]
    assert second.post(url, data_again).status_code == 302
    kall.refresh_from_db()
    assert kall.village == "Kallby"


def test_a_backup_power_change_makes_the_other_form_stale(
    are_officer, coordinator, kall
):
    url = f"/admin/registry/point/{kall.pk}/change/"
    first, second = Client(), Client()
    first.force_login(are_officer)
    second.force_login(coordinator)
    data_first, data_second = _form(first, url), _form(second, url)
    tank = [k for k in data_first if k.endswith("tank_l")]
    assert tank, "the backup power inline is on the form"
    data_first[tank[0]] = ["999"]
    assert first.post(url, data_first).status_code == 302
    assert BackupPower.objects.get(point=kall).tank_l == 999
    data_second["opening_arrangements"] = ["Öppet dygnet runt"]
    r = second.post(url, data_second)
    assert r.status_code == 200
    assert BackupPower.objects.get(point=kall).tank_l == 999
    assert Point.objects.get(pk=kall.pk).opening_arrangements != "Öppet dygnet runt"
