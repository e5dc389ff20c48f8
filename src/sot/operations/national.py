"""The national overview (MSB's read-only role): per county, the points by
lifecycle and readiness, the running events and their activations by state, and
fuel endurance on generator power, and the share of the population within X minutes
of a point (from planning). A fixed number of queries, whatever the size of
the country."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from sot.operations import queries
from sot.operations.conf import fuel_target_hours
from sot.operations.models import Activation, Event
from sot.plans import coverage
from sot.registry.models import BackupPower, County, Point

#: A generator test run older than this does not count as ready.
TEST_RUN_MAX_AGE = timedelta(days=365)


@dataclass
class CountyRow:
    code: str
    name: str
    lifecycle: dict[str, int] = field(default_factory=dict)
    backup_power: int = 0
    tested: int = 0
    events: int = 0
    activations: dict[str, int] = field(default_factory=dict)
    on_generator: int = 0
    below_target: int = 0
    min_hours: float | None = None
    #: Share of the population within X minutes of a point (`sot.plans.coverage`).
    coverage: object = None

    @property
    def points(self) -> int:
        return sum(self.lifecycle.values())

    @property
    def activated(self) -> int:
        return sum(self.activations.values())


def overview(now: datetime | None = None) -> tuple[list[CountyRow], CountyRow]:
    """One row per county (with points or running events) and the national total."""
    now = now or timezone.now()
    rows = {
        code: CountyRow(code, name)
        for code, name in County.objects.values_list("code", "name")
    }

    def row(code: str) -> CountyRow:
        return rows.setdefault(code, CountyRow(code, code))

    for code, lifecycle, n in (
        Point.objects.values_list("municipality__county_code", "lifecycle")
        .annotate(n=Count("id"))
        .values_list("municipality__county_code", "lifecycle", "n")
    ):
        row(code).lifecycle[lifecycle] = n
    recent = (now - TEST_RUN_MAX_AGE).date()
    for code, n, tested in (
        BackupPower.objects.values_list("point__municipality__county_code")
        .annotate(
            n=Count("id"), tested=Count("id", filter=Q(last_test_run_on__gte=recent))
        )
        .values_list("point__municipality__county_code", "n", "tested")
    ):
        row(code).backup_power, row(code).tested = n, tested
    running = Event.objects.filter(starts_at__lte=now).exclude(ends_at__lte=now)
    for code, n in (
        running.values_list("county_code")
        .annotate(n=Count("id"))
        .values_list("county_code", "n")
    ):
        row(code).events = n
    activations = Activation.objects.filter(event__in=running)
    for code, state, n in (
        activations.values_list("point__municipality__county_code", "state")
        .annotate(n=Count("id"))
        .values_list("point__municipality__county_code", "state", "n")
    ):
        row(code).activations[state] = n
    target = fuel_target_hours()
    for r in queries.point_rows(activations, now=now, target_hours=target):
        if not r.on_generator:
            continue
        county = row(r.point.municipality.county_code)
        county.on_generator += 1
        if r.endurance is not None:
            hours = r.endurance.hours_left
            if hours < target:
                county.below_target += 1
            if county.min_hours is None or hours < county.min_hours:
                county.min_hours = hours
    shown = sorted(
        (r for r in rows.values() if r.points or r.events or r.activated),
        key=lambda r: r.name,
    )
    figures = coverage.by_county(r.code for r in shown)
    for r in shown:
        r.coverage = figures.get(r.code)
    total = CountyRow("", "Sverige")
    total.coverage = coverage.total([r.coverage for r in shown if r.coverage])
    for r in shown:
        for k, v in r.lifecycle.items():
            total.lifecycle[k] = total.lifecycle.get(k, 0) + v
        for k, v in r.activations.items():
            total.activations[k] = total.activations.get(k, 0) + v
        total.backup_power += r.backup_power
        total.tested += r.tested
        total.events += r.events
        total.on_generator += r.on_generator
        total.below_target += r.below_target
        if r.min_hours is not None and (
            total.min_hours is None or r.min_hours < total.min_hours
        ):
            total.min_hours = r.min_hours
    return shown, total
