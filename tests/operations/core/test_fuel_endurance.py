"""Fuel endurance from a reported level, deliveries and the county fuel list.

Known answers by hand: the curve 2.0 / 3.0 / 4.0 / 5.0 l/h at 25/50/75/100 % load
gives 3.5 l/h at 62.5 % load; 70 litres at 3.5 l/h last 20 hours.
"""

from datetime import UTC, datetime, timedelta

import pytest

from sot.operations.core.fuel import (
    ConsumptionCurve,
    FuelError,
    by_time_to_empty,
    endurance,
    level_after_delivery,
    level_at,
    level_from_pct,
    litres_needed,
    runs_dry_at,
)

CURVE = ConsumptionCurve.from_mapping({25: 2.0, 50: 3.0, 75: 4.0, 100: 5.0})
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_level_from_percent():
    assert level_from_pct(pct=40, tank_l=250) == 100
    with pytest.raises(FuelError):
        level_from_pct(pct=120, tank_l=250)


def test_runs_dry_at_known_answer():
    assert CURVE.l_per_h(62.5) == pytest.approx(3.5)
    assert runs_dry_at(
        level_l=70, measured_at=T0, curve=CURVE, load_pct=62.5
    ) == T0 + timedelta(hours=20)


def test_level_falls_linearly_and_never_below_zero():
    kw = {"level_l": 70, "measured_at": T0, "curve": CURVE, "load_pct": 62.5}
    assert level_at(at=T0 + timedelta(hours=4), **kw) == pytest.approx(56.0)
    assert level_at(at=T0 + timedelta(hours=30), **kw) == 0.0
    assert level_at(at=T0 - timedelta(hours=1), **kw) == 70


def test_litres_needed_to_reach_hours():
    # 48 h at 4 l/h (75 %) = 192 l; 100 l in the tank -> 92 l needed.
    assert litres_needed(hours=48, level_l=100, curve=CURVE, load_pct=75) == 92
    assert litres_needed(hours=10, level_l=100, curve=CURVE, load_pct=75) == 0


def test_delivery_is_capped_by_the_tank():
    assert level_after_delivery(level_l=40, delivered_l=100, tank_l=250) == 140
    assert level_after_delivery(level_l=200, delivered_l=100, tank_l=250) == 250
    with pytest.raises(FuelError):
        level_after_delivery(level_l=40, delivered_l=0, tank_l=250)


def test_endurance_and_fuel_list_order():
    now = T0 + timedelta(hours=2)
    kall = endurance(
        key="kall",
        level_l=100,
        measured_at=T0,
        now=now,
        curve=CURVE,
        load_pct=50,
        target_hours=48,
        tank_l=200,
    )
    # 2 h at 3 l/h burnt 6 l: 94 l left, 31.33 h, 48 h need 144 l -> 50 l more.
    assert kall.level_l == pytest.approx(94)
    assert kall.hours_left == pytest.approx(94 / 3)
    assert kall.litres_needed == pytest.approx(50)
    assert kall.tank_space_l == pytest.approx(106)
    assert kall.fits_in_tank
    hallen = endurance(
        key="hallen",
        level_l=30,
        measured_at=now,
        now=now,
        curve=CURVE,
        load_pct=100,
        target_hours=48,
        tank_l=100,
    )
    # 30 l at 5 l/h = 6 h; 48 h need 240 l -> 210 l, more than the 70 l of space.
    assert hallen.runs_dry_at == now + timedelta(hours=6)
    assert hallen.litres_needed == pytest.approx(210)
    assert not hallen.fits_in_tank
    assert [e.key for e in by_time_to_empty([kall, hallen])] == ["hallen", "kall"]
