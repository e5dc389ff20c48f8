"""Demo data for Jämtland: the county, its eight municipalities, the eight SOT-punkter
and a user for each role. Idempotent: running it again changes nothing.

Facts: coordinates and equipment of Kall from Länsstyrelsen Jämtland's descriptions of
the pilot; populations are SCB's figures for 31 December 2024. Tank sizes, consumption
curves, addresses and contacts are illustrative demo values, not real ones.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sot.accounts.models import Role, User
from sot.registry import boundaries
from sot.registry.catalogue import load_catalogue
from sot.registry.models import (
    BackupPower,
    Contact,
    County,
    Municipality,
    Organisation,
    OrganisationKind,
    Point,
    Service,
)
from sot.registry.services import save_point

COUNTY_CODE = "23"
POPULATION_2024 = {
    "2303": 5146,
    "2305": 6035,
    "2309": 15680,
    "2313": 11023,
    "2321": 12693,
    "2326": 7108,
    "2361": 10175,
    "2380": 64979,
}

# The password every demo user gets; printed by `sot demo`. Demo installs only.
DEMO_PASSWORD = "sot-demo-2026"

COMMON_SERVICES = [
    "food",
    "fuel_petrol95",
    "fuel_diesel",
    "heating",
    "phone_charging",
    "drinking_water",
    "toilets",
    "information",
    "pay_card",
    "pay_cash",
]

POINTS = [
    # slug, name, village, municipality, lat, lon, lifecycle, store, fuel station
    (
        "kall",
        "Kall",
        "Kall",
        "2321",
        63.4726,
        13.2334,
        "established",
        "ICA Nära Kall",
        "Bilisten Kall",
    ),
    (
        "valsjobyn",
        "Valsjöbyn",
        "Valsjöbyn",
        "2309",
        64.0680,
        14.1390,
        "approved",
        "Valsjöbua Lanthandel",
        "",
    ),
    ("rotviken", "Rötviken", "Rötviken", "2309", 63.9737, 14.1642, "approved", "", ""),
    (
        "stora-blasjon",
        "Stora Blåsjön",
        "Stora Blåsjön",
        "2313",
        64.8321,
        14.1076,
        "approved",
        "Blåsjöfjäll Livs",
        "",
    ),
    (
        "lillhardal",
        "Lillhärdal",
        "Lillhärdal",
        "2361",
        61.8510,
        14.0683,
        "approved",
        "",
        "",
    ),
    (
        "borgvattnet",
        "Borgvattnet",
        "Borgvattnet",
        "2303",
        63.4268,
        15.8275,
        "approved",
        "",
        "",
    ),
    (
        "ottsjo",
        "Ottsjö",
        "Ottsjö",
        "2321",
        63.2154,
        13.0502,
        "approved",
        "ICA Nära Ottsjö-Bua",
        "",
    ),
    (
        "hallen",
        "Hallen",
        "Hallen",
        "2321",
        63.1759,
        14.0936,
        "approved",
        "",
        "Qstar Hallen",
    ),
]

USERS = [
    # username, first, last, role, scope
    ("admin", "Demo", "Administratör", None, None),
    ("lansstyrelsen", "Lena", "Länssamordnare", Role.COUNTY_COORDINATOR, COUNTY_CODE),
    ("are", "Åsa", "Beredskapshandläggare Åre", Role.MUNICIPAL_OFFICER, "2321"),
    ("krokom", "Karl", "Beredskapshandläggare Krokom", Role.MUNICIPAL_OFFICER, "2309"),
    ("kall", "Kerstin", "Operatör Kall", Role.POINT_OPERATOR, "kall"),
    # MSB's national read-only view (/drift/nationellt/): every county, no writes
    ("msb", "Maja", "Nationell lägesbild MSB", Role.NATIONAL, None),
]


def load_places() -> None:
    """County, municipalities (with boundaries and population) and the catalogue."""
    load_catalogue(Service)
    county = next(b for b in boundaries.counties() if b.code == COUNTY_CODE)
    County.objects.update_or_create(
        code=county.code,
        defaults={
            "name": county.name,
            "boundary": county.geometry,
            # Östersunds kommun, "Informationskanaler vid allvarliga händelser":
            # "Sveriges Radio P4 Jämtland, 100,4 MHz, är beredskapskanal".
            "crisis_radio": "P4 Jämtland 100,4 MHz",
            # a number from PTS's range for fiction (070-174 06 05 to 06 99)
            "sms_number": "070-174 06 80",
        },
    )
    for b in boundaries.municipalities(COUNTY_CODE):
        Municipality.objects.update_or_create(
            code=b.code,
            defaults={
                "name": b.name,
                "county_code": COUNTY_CODE,
                "boundary": b.geometry,
                "population": POPULATION_2024.get(b.code),
                "population_year": 2024,
            },
        )


def _org(name: str, kind: str, municipality: Municipality | None) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "municipality": municipality,
            "county_code": COUNTY_CODE,
        },
    )
    return org


def load_points() -> None:
    """The eight points, their organisations, services and Kall's backup power."""
    _org("Länsstyrelsen Jämtlands län", OrganisationKind.COUNTY_BOARD, None)
    for slug, name, village, code, lat, lon, lifecycle, store, station in POINTS:
        muni = Municipality.objects.get(code=code)
        responsible = _org(f"{muni.name} kommun", OrganisationKind.MUNICIPALITY, muni)
        if Point.objects.filter(slug=slug).exists():
            continue
        data = {
            "slug": slug,
            "name": name,
            "village": village,
            "municipality": muni,
            "lat": lat,
            "lon": lon,
            "lifecycle": lifecycle,
            "approved_on": dt.date(2025, 3, 1),
            "store_name": store,
            "fuel_station_name": station,
            "responsible_organisation": responsible,
            "public_description": (
                f"SOT-punkt i {village}: butik och drivmedel med reservkraft när "
                "elnätet ligger nere."
            ),
            "opening_arrangements": (
                "Öppnar när kommunen aktiverar punkten vid ett längre elavbrott."
            ),
        }
        service_codes: list = list(COMMON_SERVICES)
        backup = None
        if slug == "kall":
            data.update(
                established_on=dt.date(2025, 10, 1),
                store_chain="ICA",
                fuel_station_chain="Qstar",
                store_to_fuel_m=280,
                address="Kallvägen 1",
                postcode="83005",
                public_description=(
                    "Butik och drivmedel drivs av ett 70 kVA reservkraftverk. En del "
                    "av skolan värms av ett 50 kW varmluftsaggregat och blir "
                    "värmestuga."
                ),
                accessibility_notes="Entré i markplan. Ramp till skolans matsal.",
            )
            service_codes = [*COMMON_SERVICES, ("warm_room", 40), "first_aid"]
            backup = {
                "generator_kva": 70,
                "fuel_type": "diesel",
                "tank_l": 1000,
                "consumption_25_l_per_h": 6.0,
                "consumption_50_l_per_h": 9.9,
                "consumption_75_l_per_h": 13.8,
                "consumption_100_l_per_h": 17.9,
                "connected_loads": "butik, drivmedelspumpar, del av skolan",
                "heater_kw": 50,
                "quick_connect": True,
                "last_test_run_on": dt.date(2026, 11, 2),
            }
        point = save_point(
            actor=None,
            data=data,
            services=service_codes,
            backup_power=backup,
            source="demo",
        )
        contact_org = responsible
        contact, _ = Contact.objects.get_or_create(
            organisation=contact_org,
            name=f"Beredskapssamordnare {muni.name}",
            defaults={
                "title": "Tjänsteperson i beredskap",
                "phone": "+46 0000 000 000",
                "is_public": False,
            },
        )
        public_contact, _ = Contact.objects.get_or_create(
            organisation=contact_org,
            name=f"{muni.name} kommun, växel",
            defaults={
                "title": "Kommunens växel",
                "phone": "+46 0000 000 001",
                "is_public": True,
            },
        )
        point.contacts.add(contact, public_contact)
        if backup is None:
            BackupPower.objects.get_or_create(point=point)


def load_users() -> list[tuple[str, str, str]]:
    """Demo users for every role; returns (username, role label, scope) rows."""
    rows = []
    for username, first, last, role, scope in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last)
            user.set_password(DEMO_PASSWORD)
        user.is_staff = True
        if role is None:
            user.is_superuser = True
            user.role = Role.COUNTY_COORDINATOR
            user.county_code = COUNTY_CODE
        else:
            user.role = role
            if role == Role.COUNTY_COORDINATOR:
                user.county_code = scope
            elif role == Role.MUNICIPAL_OFFICER:
                user.municipality = Municipality.objects.get(code=scope)
        user.save()
        if role == Role.POINT_OPERATOR:
            user.points.add(Point.objects.get(slug=scope))
        label = "superuser" if role is None else Role(role).label
        rows.append((username, str(label), scope or "alla"))
    return rows


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str, str]]:
    """Load the registry's demo data; returns the demo users."""
    load_places()
    load_points()
    return load_users()
