"""Fixtures for the plain publishing modules (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sot.public.core.model import PublicPoint, Service


@pytest.fixture
def cap_schema(shared_data):
    """The OASIS CAP 1.2 XML schema, loaded with lxml."""
    from lxml import etree

    xsd = shared_data / "feeds" / "cap" / "CAP-v1.2.xsd"
    if not xsd.exists():
        pytest.skip("CAP-v1.2.xsd not present")
    return etree.XMLSchema(etree.parse(str(xsd)))


def make_point(slug="kall", state="open", **kw) -> PublicPoint:
    """A point like the demo's Kall (coordinates from sot_places_jamtland.csv, rounded)."""
    defaults = {
        "name": "Kall",
        "village": "Kall",
        "municipality_code": "2321",
        "municipality_name": "Åre",
        "lat": 63.4755,
        "lon": 13.2406,
        "address": "Kallbygdsvägen 1",
        "state": state,
        "updated_at": datetime(2026, 11, 30, 3, 0, tzinfo=UTC),
        "services": (
            Service("food", True),
            Service("heating", True),
            Service("drinking_water", None),
        ),
        "fuel": (Service("fuel_diesel", True), Service("fuel_petrol95", False)),
        "payment": ("cash", "card"),
        "event_id": "storm-1",
        "event_name": "Stormen Gudrun 2",
    }
    defaults.update(kw)
    return PublicPoint(slug=slug, **defaults)


@pytest.fixture
def point_factory():
    """Build PublicPoint values with Kall-like defaults."""
    return make_point
