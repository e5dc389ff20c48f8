"""The situation report counts fuel out or limited, the warm rooms against their
capacity, and stale or unknown points, from the one public state (issue #11, item
6): in the text for WIS, the Markdown, the HTML page and the API, on the real
database, in a fixed number of queries.

The demo exercise "Övning Storm": Kall open on generator power, Hallen silent for
six hours, Ottsjö alerted almost eight hours ago and never heard from.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sot.operations import demo
from sot.operations import services as ops
from sot.operations.core import sitrep
from sot.operations.queries import build_sitrep
from sot.public.core.model import STOCKHOLM
from sot.public.models import PublicMessage


@pytest.fixture
def storm(jamtland, kall, kall_operator):
    """The demo exercise, where Kall has just reported: diesel out, petrol for the
    rescue services only for three more hours, 12 people in the warm room of 40."""
    event = demo.load()
    now = timezone.now()
    ops.submit_status_report(
        point=kall,
        event=event,
        reported_by=kall_operator,
        source="web",
        state="open",
        power_source="generator",
        fuel_products={"diesel": "no", "petrol": "yes"},
        people_present=12,
        capacity_people=40,
    )
    PublicMessage.objects.create(
        municipality=kall.municipality,
        event=event,
        point=kall,
        text="Bensin endast till räddningstjänsten",
        service_code="fuel_petrol95",
        restriction="rescue_only",
        published_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(hours=3),
    )
    return event


def test_counts_from_the_public_state(storm):
    c = sitrep.counts(build_sitrep(storm).points)
    assert c.fuel_out == (("Diesel", ("Kall",)),)
    assert c.fuel_limited == (("Bensin 95", ("Kall",)),)
    assert (c.warm_rooms_open, c.warm_people, c.warm_capacity) == (1, 12, 40)
    # Ottsjö (alerted almost eight hours ago, never reported) is stale; Hallen's
    # state is unknown (the freshness check set it after six silent hours).
    assert c.stale == ("Ottsjö",) and c.unknown == ("Hallen",)


def test_the_figures_in_the_text_html_export_and_api(storm, client, coordinator):
    client.force_login(coordinator)
    url = reverse("operations:sitrep", args=[storm.pk])
    text = client.get(url, {"format": "txt"}).content.decode()
    assert "Drivmedel slut: Diesel (Kall)." in text
    assert "Drivmedel begränsat: Bensin 95 (Kall)." in text
    assert "Värmestugor: 12 personer av 40 platser (1 öppen)." in text
    assert "utan aktuell rapport (äldre än 4 h), verifieras: " in text
    until = PublicMessage.objects.get(event=storm).expires_at.astimezone(STOCKHOLM)
    # "till kl. 18:00", with the date when it ends another day.
    assert "Drivmedel begränsat: Bensin 95 (endast räddningstjänst, till " in text
    assert f"kl. {until:%H:%M})" in text
    md = client.get(url, {"format": "md"}).content.decode()
    assert "- Drivmedel slut: Diesel (Kall)." in md
    page = client.get(url).content.decode()
    assert "Läget i siffror" in page
    assert "<td>Diesel: Kall</td>" in page and "<td>Bensin 95: Kall</td>" in page
    assert "12 personer av 40 platser, 1 öppen" in page
    api = client.get(f"/api/v1/operations/events/{storm.pk}/situation-report").json()
    assert api["counts"]["fuel_out"] == {"Diesel": ["Kall"]}
    assert api["counts"]["fuel_limited"] == {"Bensin 95": ["Kall"]}
    assert api["counts"]["warm_people"] == 12 and api["counts"]["warm_capacity"] == 40
    assert api["counts"]["stale"] == ["Ottsjö"]
    assert api["counts"]["unknown"] == ["Hallen"]
    # A saved report shows the figures of its own time.
    client.post(url)
    saved = client.get(url, {"nr": storm.sitreps.count()}).content.decode()
    assert "<td>Diesel: Kall</td>" in saved


def test_a_withdrawn_restriction_and_a_stale_point_count_nothing(storm, kall):
    PublicMessage.objects.filter(point=kall).update(withdrawn_at=timezone.now())
    c = sitrep.counts(build_sitrep(storm).points)
    assert c.fuel_limited == ()
    # Nine hours later nobody has reported: nothing is out, nobody is counted in
    # the warm room, every point is stale.
    later = sitrep.counts(
        build_sitrep(storm, as_of=timezone.now() + timedelta(hours=9)).points
    )
    assert later.fuel_out == () and later.warm_rooms_open == 0
    assert set(later.stale) == {"Kall", "Ottsjö"} and later.unknown == ("Hallen",)


def test_a_fixed_number_of_queries_whatever_the_number_of_points(jamtland, are_officer):
    from sot.registry.models import Municipality, Point

    event = ops.create_event(
        name="Storm",
        kind="storm",
        municipalities=Municipality.objects.filter(county_code="23"),
        created_by=None,
    )
    points = list(Point.objects.order_by("slug"))
    assert len(points) >= 6

    def add(point):
        ops.activate_point(event=event, point=point, activated_by=None)
        ops.submit_status_report(
            point=point,
            event=event,
            reported_by=None,
            source="web",
            state="open",
            power_source="generator",
            generator_fuel_l=300,
            fuel_products={"diesel": "no"},
            people_present=3,
        )

    add(points[0])
    with CaptureQueriesContext(connection) as one:
        build_sitrep(event)
    for point in points[1:6]:
        add(point)
    with CaptureQueriesContext(connection) as six:
        data = build_sitrep(event)
    assert len(sitrep.counts(data.points).fuel_out[0][1]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)
