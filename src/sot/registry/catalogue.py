"""The national service catalogue: what a SOT-punkt can offer.

Loaded by a data migration and kept current by `sot demo`/`sot migrate`. A municipality
adds its own services as data (admin or API), never as code.
"""

from __future__ import annotations

# The catalogue's codes and names are defined once in sot.vocabulary (plain), so the
# public core's fallback labels derive from the same rows.
from sot.vocabulary import (
    FUEL_SERVICES,
    NATIONAL_SERVICES,
    PAYMENT_SERVICES,
)

__all__ = ["FUEL_SERVICES", "NATIONAL_SERVICES", "PAYMENT_SERVICES", "load_catalogue"]


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
