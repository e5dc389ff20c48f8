"""The national service catalogue: what a SOT-punkt can offer.

Loaded by a data migration and kept current by `sot demo`/`sot migrate`. A municipality
adds its own services as data (admin or API), never as code.
"""

from __future__ import annotations

# (code, Swedish name, English name, category, has_capacity, sort order)
NATIONAL_SERVICES: tuple[tuple[str, str, str, str, bool, int], ...] = (
    ("food", "Livsmedel", "Food", "food", False, 10),
    ("fuel_petrol95", "Bensin 95", "Petrol 95", "fuel", False, 20),
    ("fuel_diesel", "Diesel", "Diesel", "fuel", False, 21),
    ("fuel_hvo100", "HVO100", "HVO100", "fuel", False, 22),
    ("fuel_e85", "E85", "E85", "fuel", False, 23),
    ("heating", "Värme", "Heating", "heat", False, 30),
    ("warm_room", "Värmestuga", "Warm room", "heat", True, 31),
    ("phone_charging", "Laddning av telefon", "Phone charging", "power", False, 40),
    ("drinking_water", "Dricksvatten", "Drinking water", "water", False, 50),
    ("toilets", "Toaletter", "Toilets", "water", False, 51),
    ("information", "Information", "Information", "information", False, 60),
    ("first_aid", "Första hjälpen", "First aid", "health", False, 70),
    ("wifi", "Wi-Fi", "Wi-Fi", "information", False, 61),
    ("satellite_link", "Satellitlänk", "Satellite link", "information", False, 62),
    ("radio", "Radio (Rakel/kommunradio)", "Radio", "information", False, 63),
    ("pay_card", "Kortbetalning", "Card payment", "payment", False, 80),
    ("pay_cash", "Kontanter", "Cash", "payment", False, 81),
    ("pay_invoice", "Faktura/kredit", "Invoice or credit", "payment", False, 82),
)

FUEL_SERVICES = ("fuel_petrol95", "fuel_diesel", "fuel_hvo100", "fuel_e85")
PAYMENT_SERVICES = ("pay_card", "pay_cash", "pay_invoice")


def load_catalogue(service_model) -> int:
    """Create or update the national services; returns how many were created."""
    created = 0
    for code, sv, en, category, capacity, order in NATIONAL_SERVICES:
        _obj, was_created = service_model.objects.update_or_create(
            code=code,
            defaults={
                "name_sv": sv,
                "name_en": en,
                "category": category,
                "has_capacity": capacity,
                "sort_order": order,
                "municipality": None,
            },
        )
        created += int(was_created)
    return created
