"""The dashboard reads every activation as light values and builds only the rows it
shows (#15). Its counts, verify queue and fuel list must be those of the direct
computation: every row built in full (:func:`queries.point_rows`), then
:func:`queries.verify_queue` and :func:`queries.fuel_list` over all of them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sot.operations import country, queries, views
from sot.operations.models import Activation, Event, State
from sot.registry.models import BackupPower

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_country():
    """A generated county with every case the figures distinguish: stale and fresh
    points, unknown and closed ones, never reported, fuel known and unknown, an
    assumed load, a backup power without figures and one whose figures break the
    bounds, and a second event with its own stale threshold."""
    country.generate(
        points=40, activations=30, reports=90, seed=11, county_codes=["23"]
    )
    now = timezone.now()
    ids = list(Activation.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= 25
    Activation.objects.filter(pk__in=ids[0:6]).update(
        last_seen_at=now - timedelta(days=2), state=State.OPEN
    )
    Activation.objects.filter(pk__in=ids[6:8]).update(state=State.UNKNOWN)
    Activation.objects.filter(pk__in=ids[8:10]).update(state=State.CLOSED)
    Activation.objects.filter(pk__in=ids[10:13]).update(
        last_seen_at=None,
        last_report=None,
        state=State.ACTIVATING,
        state_changed_at=now - timedelta(hours=9),
    )
    Activation.objects.filter(pk__in=ids[13:15]).update(fuel_level_l=None)
    Activation.objects.filter(pk__in=ids[15:17]).update(load_pct=None)
    Activation.objects.filter(pk__in=ids[17:19]).update(
        last_seen_at=now + timedelta(minutes=5)  # a clock ahead: age 0
    )
    points = Activation.objects.filter(pk__in=ids[19:21]).values("point_id")
    BackupPower.objects.filter(point__in=points).update(
        consumption_25_l_per_h=None,
        consumption_50_l_per_h=None,
        consumption_75_l_per_h=None,
        consumption_100_l_per_h=None,
    )
    broken = Activation.objects.filter(pk__in=ids[21:22]).values("point_id")
    BackupPower.objects.filter(point__in=broken).update(
        consumption_25_l_per_h=9.0, consumption_50_l_per_h=3.0
    )
    # a second running event with a threshold of its own, holding some points
    event = Event.objects.order_by("pk").first()
    other = Event.objects.create(
        name="Övning", kind=event.kind, county_code="23", stale_after_minutes=30
    )
    Activation.objects.filter(pk__in=ids[22:25]).update(
        event=other, last_seen_at=now - timedelta(hours=1), state=State.LIMITED
    )
    return now


def test_light_rows_give_the_figures_of_the_full_rows(mixed_country):
    now = mixed_country
    activations = Activation.objects.filter(event__ends_at__isnull=True)
    full = queries.point_rows(activations, now=now)
    light = queries.light_rows(activations, now=now)
    assert len(light) == len(full) == activations.count()
    by_pk = {r.activation.pk: r for r in full}
    for row in light:
        direct = by_pk[row.pk]
        assert (row.state, row.age, row.stale, row.on_generator) == (
            direct.state,
            direct.age,
            direct.stale,
            direct.on_generator,
        )
        if row.on_generator and row.state != State.CLOSED:
            assert row.endurance == direct.endurance
    expected_queue = [r.activation.pk for r in queries.verify_queue(full)]
    expected_fuel = [r.activation.pk for r in queries.fuel_list(full)]
    assert [r.pk for r in queries.verify_queue(light)] == expected_queue
    assert [r.pk for r in queries.fuel_list(light)] == expected_fuel
    # the figures are not trivial: each case is there
    assert len(expected_queue) >= 10 and len(expected_fuel) >= 5
    assert any(r.endurance is None for r in queries.fuel_list(full))

    shown = queries.overview(
        light, first=1, last=len(light), verify_shown=7, fuel_shown=10, now=now
    )
    assert shown.verify_total == len(expected_queue)
    assert [r.activation.pk for r in shown.verify] == expected_queue[:7]
    assert [r.activation.pk for r in shown.fuel] == expected_fuel[:10]
    assert sorted(r.activation.pk for r in shown.rows) == sorted(by_pk)
    # the shown rows are the full rows, figure for figure
    for row in shown.rows + shown.verify + shown.fuel:
        direct = by_pk[row.activation.pk]
        assert (row.age, row.stale, row.endurance, row.open_items) == (
            direct.age,
            direct.stale,
            direct.endurance,
            direct.open_items,
        )


def test_the_dashboard_shows_the_direct_figures(
    client, admin_user, mixed_country, monkeypatch
):
    monkeypatch.setattr(views, "DASHBOARD_ROWS", 10)
    monkeypatch.setattr(views, "VERIFY_SHOWN", 5)
    now = timezone.now()
    activations = Activation.objects.filter(event__ends_at__isnull=True)
    full = queries.point_rows(activations, now=now)
    queue = queries.verify_queue(full)
    fuel = queries.fuel_list(full)[:10]
    client.force_login(admin_user)
    html = client.get("/drift/oversikt/").content.decode()
    assert f"Visar punkt 1–10 av {len(full)}." in html
    assert f"Att verifiera ({len(queue)})" in html
    verify = html.split('id="verify"')[1].split("</ul>")[0]
    shown = re.findall(r'<a href="/drift/handelser/\d+/punkter/([^/]+)/">', verify)
    assert shown == [r.point.slug for r in queue[:5]]
    fuel_list = html.split("Bränsle: först tomt först")[1].split("</ol>")[0]
    names = re.findall(r"<li>([^<:]+):", fuel_list)
    assert names == [r.point.name for r in fuel]
