"""Bad input to the register gets a clear error naming the field, and nothing is saved."""

import pytest
from django.core.exceptions import ValidationError

from sot.errors import Refused
from sot.registry.models import BackupPower, ChangeRecord, County, Municipality, Point
from sot.registry.services import (
    NeedsConfirmation,
    delete_county,
    delete_point,
    save_point,
)

NEW = {
    "slug": "vallbo",
    "name": "Vallbo",
    "village": "Vallbo",
    "municipality_code": "2321",
    "lat": 63.05,
    "lon": 12.9,
    "lifecycle": "planned",
}


def _fields(exc: ValidationError) -> set[str]:
    return set(exc.message_dict)


def test_create_records_history_with_actor(are_officer):
    point = save_point(
        actor=are_officer, data=NEW, services=["food", ("warm_room", 25)]
    )
    record = ChangeRecord.objects.get(object_id="vallbo")
    assert record.action == "create" and record.user == are_officer
    assert record.changes["name"] == [None, "Vallbo"]
    assert record.changes["services"][1] == ["food", "warm_room:25"]
    assert point.municipality.code == "2321"


def test_update_records_before_and_after(are_officer, kall):
    save_point(
        actor=are_officer,
        point=kall,
        data={"name": "Kall (ICA Nära)"},
        backup_power={"tank_l": 1200},
    )
    record = ChangeRecord.objects.filter(object_id="kall", action="update").get()
    assert record.changes["name"] == ["Kall", "Kall (ICA Nära)"]
    assert record.changes["backup_power.tank_l"] == [1000, 1200]
    assert set(record.changes) == {"name", "backup_power.tank_l"}


def test_outside_sweden_is_refused(are_officer):
    with pytest.raises(ValidationError) as exc:
        save_point(
            actor=are_officer, data={**NEW, "lat": 52.52, "lon": 13.40}
        )  # Berlin
    assert "lat" in _fields(exc.value)
    assert "utanför Sverige" in exc.value.message_dict["lat"][0]
    assert not Point.objects.filter(slug="vallbo").exists()


def test_outside_its_municipality_asks_for_confirmation(coordinator):
    # Valsjöbyn's coordinates but entered as an Åre point.
    data = {**NEW, "lat": 64.0680, "lon": 14.1390}
    with pytest.raises(NeedsConfirmation) as exc:
        save_point(actor=coordinator, data=data)
    assert "Åre kommuns gräns" in exc.value.message_dict["lat"][0]
    assert not Point.objects.filter(slug="vallbo").exists()
    save_point(actor=coordinator, data=data, confirm=True)
    assert Point.objects.filter(slug="vallbo").exists()


def test_unknown_municipality_code(coordinator):
    with pytest.raises(ValidationError) as exc:
        save_point(actor=coordinator, data={**NEW, "municipality_code": "9999"})
    assert "Okänd kommunkod 9999" in exc.value.message_dict["municipality_code"][0]


def test_duplicate_id(coordinator):
    with pytest.raises(ValidationError) as exc:
        save_point(actor=coordinator, data={**NEW, "slug": "kall"})
    assert "slug" in _fields(exc.value)
    assert Point.objects.filter(slug="kall").count() == 1


def test_negative_tank_saves_nothing(are_officer, kall):
    with pytest.raises(ValidationError) as exc:
        save_point(
            actor=are_officer,
            point=kall,
            data={"name": "Nytt namn"},
            backup_power={"tank_l": -5},
        )
    assert "backup_power.tank_l" in _fields(exc.value)
    kall.refresh_from_db()
    assert kall.name == "Kall"
    assert BackupPower.objects.get(point=kall).tank_l == 1000


def test_falling_consumption_curve_is_refused(are_officer, kall):
    with pytest.raises(ValidationError) as exc:
        save_point(
            actor=are_officer,
            point=kall,
            data={},
            backup_power={"consumption_75_l_per_h": 2.0},
        )
    assert "backup_power.consumption_25_l_per_h" in _fields(exc.value)


def test_sweref_coordinates_are_accepted(coordinator):
    point = save_point(
        actor=coordinator,
        data={
            **{k: v for k, v in NEW.items() if k not in ("lat", "lon")},
            "sweref_e": 411975.228,
            "sweref_n": 7039460.991,
        },
        confirm=True,
    )
    assert point.lat == pytest.approx(63.4726, abs=1e-6)
    assert point.lon == pytest.approx(13.2334, abs=1e-6)


def test_swapped_sweref_is_refused_with_a_hint(coordinator):
    data = {
        **{k: v for k, v in NEW.items() if k not in ("lat", "lon")},
        "sweref_e": 7039460.991,
        "sweref_n": 411975.228,
    }
    with pytest.raises(ValidationError) as exc:
        save_point(actor=coordinator, data=data)
    assert "bytt plats" in exc.value.message_dict["sweref_e"][0]


def test_unknown_service_and_field(coordinator):
    with pytest.raises(ValidationError) as exc:
        save_point(
            actor=coordinator, data={**NEW, "colour": "red"}, services=["teleport"]
        )
    assert "colour" in _fields(exc.value)
    with pytest.raises(ValidationError) as exc:
        save_point(actor=coordinator, data=NEW, services=["teleport"])
    assert "teleport" in exc.value.message_dict["services"][0]
    assert not Point.objects.filter(slug="vallbo").exists()


def test_officer_cannot_change_another_municipality(krokom_officer, kall):
    with pytest.raises(Refused):
        save_point(actor=krokom_officer, point=kall, data={"name": "Kapat"})
    kall.refresh_from_db()
    assert kall.name == "Kall"


def test_officer_cannot_move_a_point_to_another_municipality(are_officer, kall):
    with pytest.raises(Refused):
        save_point(
            actor=are_officer,
            point=kall,
            data={"municipality_code": "2309", "lat": 64.068, "lon": 14.139},
        )


def test_id_cannot_change(are_officer, kall):
    with pytest.raises(ValidationError):
        save_point(actor=are_officer, point=kall, data={"slug": "kall-2"})


def test_delete_keeps_history(coordinator, jamtland):
    point = Point.objects.get(slug="hallen")
    delete_point(actor=coordinator, point=point)
    record = ChangeRecord.objects.get(object_id="hallen", action="delete")
    assert record.changes["name"] == ["Hallen", None]


def test_full_tank_hours_follow_the_curve(kall):
    bp = BackupPower.objects.get(point=kall)
    # 1000 l; 25 % -> 6.0 l/h, 62.5 % -> halfway between 9.9 and 13.8 = 11.85 l/h
    assert bp.hours_on_full_tank(25) == pytest.approx(1000 / 6.0)
    assert bp.hours_on_full_tank(62.5) == pytest.approx(1000 / 11.85)


def test_only_the_superuser_deletes_a_county_and_the_history_keeps_it(
    coordinator, superuser
):
    county = County.objects.get(code="23")
    with pytest.raises(Refused):
        delete_county(actor=coordinator, county=county)
    assert County.objects.filter(code="23").exists()
    delete_county(actor=superuser, county=county)
    assert not County.objects.filter(code="23").exists()
    assert Municipality.objects.filter(county_code="23").count() == 8
    record = ChangeRecord.objects.get(model="registry.county")
    assert (record.action, record.user, record.source) == ("delete", superuser, "admin")
    assert record.changes["code"] == ["23", None]
