"""The gazetteer and postcode admins write only through the public app's services:
coordinates checked, a public change recorded, administrators only (#10)."""

from __future__ import annotations

import pytest

from sot.public import pagecache, services
from sot.public.models import GazetteerPlace, Postcode


@pytest.fixture
def spy(monkeypatch):
    calls = []
    for name in ("save_reference", "delete_reference"):
        real = getattr(services, name)

        def wrapper(*, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(**kwargs)

        monkeypatch.setattr(services, name, wrapper)
    return calls


PLACE = {
    "name": "Kall",
    "kind": "ort",
    "lat": "63.47",
    "lon": "13.25",
    "municipality_code": "2321",
    "source": "",
}
POSTCODE = {"code": "83005", "locality": "Järpen", "lat": "63.35", "lon": "13.47"}


@pytest.mark.parametrize(
    ("model", "url", "data"),
    [(GazetteerPlace, "gazetteerplace", PLACE), (Postcode, "postcode", POSTCODE)],
)
def test_add_change_delete_go_through_the_services(
    client, superuser, spy, model, url, data
):
    client.force_login(superuser)
    before = pagecache.version()
    bad = dict(data, lat="40.0")
    response = client.post(f"/admin/public/{url}/add/", bad)
    assert response.status_code == 200
    assert "utanför Sverige" in response.content.decode()
    assert not model.objects.exists() and spy == []

    response = client.post(f"/admin/public/{url}/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    obj = model.objects.get()
    assert spy == ["save_reference"]
    after_add = pagecache.version()
    assert after_add > before

    response = client.post(
        f"/admin/public/{url}/{obj.pk}/change/", dict(data, lon="13.3")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    obj.refresh_from_db()
    assert obj.lon == 13.3 and spy == ["save_reference", "save_reference"]
    assert pagecache.version() > after_add

    response = client.post(f"/admin/public/{url}/{obj.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.exists() and spy[-1] == "delete_reference"

    model.objects.create(**data)
    obj = model.objects.get()
    response = client.post(
        f"/admin/public/{url}/",
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not model.objects.exists() and spy[-1] == "delete_reference"


def test_the_service_refuses_non_administrators(kall_operator):
    from sot.errors import Refused

    place = GazetteerPlace(name="Kall", lat=63.47, lon=13.25)
    with pytest.raises(Refused):
        services.save_reference(actor=kall_operator, obj=place)
    assert not GazetteerPlace.objects.exists()
