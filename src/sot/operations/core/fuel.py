"""Fuel arithmetic for backup generators.

A generator's consumption is given as a curve of litres per hour at 25, 50, 75 and
100 % load (the figures on its data sheet). Between those points we interpolate
linearly; below 25 % we extrapolate the 25-50 % segment down to 0 % load but never
below half the 25 % figure (an idling diesel still burns fuel); above 100 % we use the
100 % figure (a generator cannot deliver more than its rating for long).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

CURVE_LOADS_PCT: tuple[int, ...] = (25, 50, 75, 100)


class FuelError(ValueError):
    """Inputs that make no physical sense (negative tank, empty curve, ...)."""


@dataclass(frozen=True)
class ConsumptionCurve:
    """Litres per hour at 25, 50, 75 and 100 % load; missing points are interpolated."""

    points: tuple[tuple[float, float], ...]  # (load_pct, l_per_h), sorted by load

    @classmethod
    def from_mapping(cls, values: Mapping[int, float | None]) -> ConsumptionCurve:
        pts = []
        for load in CURVE_LOADS_PCT:
            value = values.get(load)
            if value is None:
                continue
            if value <= 0:
                raise FuelError(
                    f"consumption at {load} % must be positive, got {value}"
                )
            pts.append((float(load), float(value)))
        if not pts:
            raise FuelError("the consumption curve has no values")
        for (_, a), (_, b) in zip(pts, pts[1:], strict=False):
            if b < a:
                raise FuelError("consumption must not fall as the load rises")
        return cls(points=tuple(pts))

    def l_per_h(self, load_pct: float) -> float:
        """Consumption in litres per hour at the given load in percent."""
        if load_pct < 0:
            raise FuelError(f"load must be 0-100 %, got {load_pct}")
        pts = self.points
        if len(pts) == 1:
            return pts[0][1]
        if load_pct >= pts[-1][0]:
            return pts[-1][1]
        if load_pct <= pts[0][0]:
            (x0, y0), (x1, y1) = pts[0], pts[1]
            slope = (y1 - y0) / (x1 - x0)
            return max(y0 - slope * (x0 - load_pct), y0 / 2)
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            if x0 <= load_pct <= x1:
                return y0 + (y1 - y0) * (load_pct - x0) / (x1 - x0)
        raise AssertionError("unreachable")  # pragma: no cover


def curve_of(values: Mapping[int, float | None]) -> ConsumptionCurve | None:
    """The curve of the figures entered (by load in percent), or None when none is
    entered. Raises :class:`FuelError` for figures that make no sense."""
    if all(value is None for value in values.values()):
        return None
    return ConsumptionCurve.from_mapping(values)


def hours_on_level(
    *, level_l: float, curve: ConsumptionCurve, load_pct: float
) -> float:
    """Hours the generator runs on ``level_l`` litres at a steady ``load_pct`` load."""
    if level_l < 0:
        raise FuelError(f"fuel level must not be negative, got {level_l}")
    return level_l / curve.l_per_h(load_pct)


def hours_on_full_tank(
    *, tank_l: float, curve: ConsumptionCurve, load_pct: float
) -> float:
    """Hours of running on a full tank of ``tank_l`` litres at ``load_pct`` load."""
    if tank_l <= 0:
        raise FuelError(f"tank size must be positive, got {tank_l}")
    return hours_on_level(level_l=tank_l, curve=curve, load_pct=load_pct)


# --- Endurance from a reported level, deliveries, planning (operations, issue #3) ---
#
# A status report gives the fuel level at the moment it was made (litres, or percent
# of the tank) and the generator's load. From then on the generator is assumed to run
# at that load until the next report, so the level falls linearly:
#
#     level(t) = level_0 - l_per_h(load) * (t - t_0)        (never below 0)
#     runs dry at  t_0 + level_0 / l_per_h(load)
#
# To last ``H`` more hours from ``t`` the tank must hold ``H * l_per_h(load)`` litres,
# so ``max(0, H * l_per_h(load) - level(t))`` litres are needed; a delivery can bring
# no more than the free space in the tank, ``tank_l - level(t)``.


def level_from_pct(*, pct: float, tank_l: float) -> float:
    """Litres in a ``tank_l`` tank that is ``pct`` percent full."""
    if not 0 <= pct <= 100:
        raise FuelError(f"fuel level must be 0-100 %, got {pct}")
    if tank_l <= 0:
        raise FuelError(f"tank size must be positive, got {tank_l}")
    return tank_l * pct / 100


def level_at(
    *,
    level_l: float,
    measured_at: datetime,
    at: datetime,
    curve: ConsumptionCurve,
    load_pct: float,
) -> float:
    """Estimated litres left at ``at`` if the generator ran at ``load_pct`` since
    ``measured_at`` (the level is not extrapolated backwards: before the
    measurement it is the measured level)."""
    if level_l < 0:
        raise FuelError(f"fuel level must not be negative, got {level_l}")
    elapsed_h = max((at - measured_at).total_seconds() / 3600, 0.0)
    return max(level_l - curve.l_per_h(load_pct) * elapsed_h, 0.0)


def runs_dry_at(
    *, level_l: float, measured_at: datetime, curve: ConsumptionCurve, load_pct: float
) -> datetime:
    """When the tank runs dry at a steady load, counted from the measurement."""
    hours = hours_on_level(level_l=level_l, curve=curve, load_pct=load_pct)
    return measured_at + timedelta(hours=hours)


def litres_needed(
    *, hours: float, level_l: float, curve: ConsumptionCurve, load_pct: float
) -> float:
    """Litres to add to ``level_l`` so the generator runs ``hours`` more hours."""
    if hours < 0:
        raise FuelError(f"hours must not be negative, got {hours}")
    if level_l < 0:
        raise FuelError(f"fuel level must not be negative, got {level_l}")
    return max(hours * curve.l_per_h(load_pct) - level_l, 0.0)


def level_after_delivery(*, level_l: float, delivered_l: float, tank_l: float) -> float:
    """Level after a delivery; a tank cannot hold more than ``tank_l``."""
    if delivered_l <= 0:
        raise FuelError(f"a delivery must be positive, got {delivered_l}")
    if level_l < 0:
        raise FuelError(f"fuel level must not be negative, got {level_l}")
    if tank_l <= 0:
        raise FuelError(f"tank size must be positive, got {tank_l}")
    return min(level_l + delivered_l, tank_l)


@dataclass(frozen=True)
class Endurance:
    """A generator's fuel situation at one moment, for the county fuel list."""

    key: object
    level_l: float
    l_per_h: float
    hours_left: float
    runs_dry_at: datetime
    litres_needed: float
    tank_space_l: float | None

    @property
    def fits_in_tank(self) -> bool:
        """True if the litres needed fit into the free space of the tank."""
        return (
            self.tank_space_l is None or self.litres_needed <= self.tank_space_l + 1e-9
        )


def endurance(
    *,
    key: object = None,
    level_l: float,
    measured_at: datetime,
    now: datetime,
    curve: ConsumptionCurve,
    load_pct: float,
    target_hours: float,
    tank_l: float | None = None,
) -> Endurance:
    """Fuel left now, hours left, when it runs dry and litres to last ``target_hours``."""
    current = level_at(
        level_l=level_l, measured_at=measured_at, at=now, curve=curve, load_pct=load_pct
    )
    rate = curve.l_per_h(load_pct)
    hours_left = current / rate
    return Endurance(
        key=key,
        level_l=current,
        l_per_h=rate,
        hours_left=hours_left,
        runs_dry_at=now + timedelta(hours=hours_left),
        litres_needed=litres_needed(
            hours=target_hours, level_l=current, curve=curve, load_pct=load_pct
        ),
        tank_space_l=None if tank_l is None else max(tank_l - current, 0.0),
    )


def by_time_to_empty(items: Iterable[Endurance]) -> list[Endurance]:
    """The fuel list: the point that runs dry first comes first."""
    return sorted(items, key=lambda e: e.runs_dry_at)
