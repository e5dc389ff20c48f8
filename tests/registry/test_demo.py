import pytest

from sot.registry.models import BackupPower, Municipality, Point


def test_demo_loads_the_eight_points_in_their_municipalities(jamtland):
    assert Municipality.objects.filter(county_code="23").count() == 8
    points = dict(Point.objects.values_list("slug", "municipality__code"))
    assert points == {
        "kall": "2321",
        "valsjobyn": "2309",
        "rotviken": "2309",
        "stora-blasjon": "2313",
        "lillhardal": "2361",
        "borgvattnet": "2303",
        "ottsjo": "2321",
        "hallen": "2321",
    }
    assert Point.objects.get(slug="kall").lifecycle == "established"
    assert set(
        Point.objects.exclude(slug="kall").values_list("lifecycle", flat=True)
    ) == {"approved"}


def test_demo_is_idempotent(jamtland):
    from sot.registry import demo

    before = (Point.objects.count(), Municipality.objects.count())
    demo.load()
    assert (Point.objects.count(), Municipality.objects.count()) == before


def test_kall_backup_power_matches_the_pilot(jamtland):
    bp = BackupPower.objects.get(point__slug="kall")
    assert float(bp.generator_kva) == 70
    assert float(bp.heater_kw) == 50
    # 1000 l at 50 % load and 9.9 l/h
    assert bp.hours_on_full_tank(50) == pytest.approx(1000 / 9.9)
