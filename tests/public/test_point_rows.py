"""The public side reads points as plain values (``state.point_rows``, #15) and
gives a point's services and public contacts in the register's one order, the
same as the API: services in the order they were added, contacts by
organisation and name. Before, the pages, feeds and CAP took the database's own
order, which on PostgreSQL changed when a service of the point was updated."""

from __future__ import annotations

import pytest

from sot.public import state
from sot.registry.catalogue import FUEL_SERVICES, PAYMENT_SERVICES
from sot.registry.models import Contact, Organisation, Point, PointService, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def reordered(jamtland):
    """Kall's services added again in an order that is not the catalogue's, its
    first one then updated (a row the database may now return last), and three
    contacts, one internal."""
    kall = Point.objects.get(slug="kall")
    codes = [ps.service.code for ps in kall.point_services.order_by("pk")]
    kall.point_services.all().delete()
    for code in reversed(codes):
        PointService.objects.create(point=kall, service=Service.objects.get(code=code))
    first = kall.point_services.order_by("pk").first()
    first.notes = "uppdaterad"
    first.save()
    org = Organisation.objects.get(name="Åre kommun")
    for name, public in (("Öberg", True), ("Andersson", True), ("Intern", False)):
        kall.contacts.add(
            Contact.objects.create(
                organisation=org, name=name, phone="070-1", is_public=public
            )
        )
    return list(reversed(codes))


def _api_point(client, slug: str) -> dict:
    response = client.get(f"/api/v1/points/{slug}")
    assert response.status_code == 200
    return response.json()


def test_services_and_contacts_in_the_apis_order(client, reordered):
    (point,) = state.public_points(where={"slug": "kall"})
    api = _api_point(client, "kall")
    api_codes = [s["code"] for s in api["services"]]
    assert api_codes == reordered  # the order they were added
    assert [s.key for s in point.services] == [
        c for c in api_codes if c not in FUEL_SERVICES and c not in PAYMENT_SERVICES
    ]
    assert [s.key for s in point.fuel] == [c for c in api_codes if c in FUEL_SERVICES]
    public_names = [c["name"] for c in api["public_contacts"]]
    assert "Intern" not in point.contact and "Intern" not in public_names
    assert point.contact == "; ".join(  # by organisation, then name
        ", ".join(x for x in (c["name"], c["title"], c["phone"], c["email"]) if x)
        for c in api["public_contacts"]
    )
    assert public_names.index("Andersson") < public_names.index("Öberg")


def test_the_rows_are_the_register_and_nothing_internal(jamtland):
    rows = {r.slug: r for r in state.point_rows()}
    kall = Point.objects.select_related("municipality").get(slug="kall")
    row = rows["kall"]
    assert (row.pk, row.name, row.municipality_code, row.lat, row.lon) == (
        kall.pk,
        kall.name,
        kall.municipality.code,
        kall.lat,
        kall.lon,
    )
    assert [code for code, *_ in row.services] == [
        ps.service.code for ps in kall.point_services.order_by("pk")
    ]
    assert all(len(c) == 4 for c in row.contacts)  # name, title, phone, email
    # only the public lifecycles, in the one order of every build
    assert list(rows) == [
        p.slug
        for p in Point.objects.filter(lifecycle__in=state.PUBLIC_LIFECYCLES).order_by(
            "municipality__name", "name", "slug"
        )
    ]
