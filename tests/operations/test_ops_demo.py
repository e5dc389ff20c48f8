"""The demo exercise "Övning Storm" and the end-to-end scenario of issue #3."""

import pytest
from django.urls import reverse

from sot.operations import demo
from sot.operations import services as ops
from sot.operations.models import Event, FuelDelivery, LogEntry, StatusReport
from sot.operations.queries import point_states
from sot.operations.services import create_situation_report


def test_demo_loads_the_whole_loop_once(jamtland):
    event = demo.load()
    assert demo.load().pk == event.pk  # idempotent
    assert Event.objects.filter(name="Övning Storm").count() == 1
    assert event.is_exercise
    rows = {r.point.slug: r for r in point_states(event)}
    kall = rows["kall"]
    assert kall.state == "open" and kall.on_generator
    # 862.8 l after the delivery, 11.46 l/h at 60 % load, 3 h since: ~72 h left.
    assert kall.endurance.hours_left == pytest.approx(72.3, abs=0.5)
    assert rows["hallen"].state == "unknown" and rows["hallen"].stale
    assert rows["ottsjo"].state == "alerted"
    assert StatusReport.objects.filter(activation=kall.activation).count() == 4
    assert FuelDelivery.objects.count() == 1
    assert event.sitreps.count() == 1


def test_coordinator_sees_the_demo(client, jamtland, coordinator):
    demo.load()
    client.force_login(coordinator)
    page = client.get(reverse("operations:dashboard")).content.decode()
    assert "ÖVNING" in page and "Kall" in page and "Reservkraft" in page
    assert "Att verifiera (1)" in page and "Hallen" in page


def test_end_to_end_storm_in_are(client, are_officer, kall_operator, coordinator, kall):
    """A storm in Åre, Kall activated, three reports, a delivery, a sitrep, closing."""
    client.force_login(are_officer)
    response = client.post(
        reverse("operations:event_new"),
        {
            "name": "Storm Gudrun II",
            "kind": "storm",
            "severity": "severe",
            "municipalities": [kall.municipality.pk],
            "decided_by": "TiB Åre",
        },
    )
    event = Event.objects.get(name="Storm Gudrun II")
    assert response.status_code == 302
    client.post(
        reverse("operations:event_action", args=[event.pk, "activate"]),
        {"point": kall.pk},
    )
    client.force_login(kall_operator)
    url = reverse("operations:report", args=[event.pk, "kall"])
    reports = [
        {"state": "activating", "power_source": "none"},
        {
            "state": "open",
            "power_source": "generator",
            "generator_fuel_l": "400",
            "generator_load_pct": "50",
            "needs_fuel": "on",
        },
        {
            "state": "limited",
            "state_reason": "Bara kontanter",
            "power_source": "generator",
            "generator_fuel_l": "300",
            "generator_load_pct": "50",
            "needs_fuel": "on",
        },
    ]
    for data in reports:
        last = StatusReport.objects.filter(activation__event=event).first()
        data["based_on"] = last.pk if last else 0
        assert client.post(url, data).status_code == 302, data
    point_url = reverse("operations:point", args=[event.pk, "kall"])
    assert client.post(point_url, {"delivered_l": "500"}).status_code == 302
    row = point_states(event)[0]
    assert row.state == "limited"
    assert row.endurance.level_l == pytest.approx(800, abs=2)
    sitrep = create_situation_report(event=event, created_by=coordinator)
    assert "LÄGESRAPPORT nr 1 – Storm Gudrun II" in sitrep.text
    assert "Kall" in sitrep.text and "BEGRÄNSAD – Bara kontanter" in sitrep.text
    assert "Bränsleleverans till Kall: 500 liter" in sitrep.text
    assert "ÖVNING" not in sitrep.text
    client.force_login(are_officer)
    # ending asks for confirmation first (issue #11, item 7)
    client.post(
        reverse("operations:event_action", args=[event.pk, "end"]),
        {"reason": "Elnätet återställt", "confirmed": "True"},
    )
    row = point_states(event)[0]
    assert row.state == "closed" and row.activation.state_reason == "Elnätet återställt"
    assert LogEntry.objects.filter(event=event, kind="status").count() >= 4
    with pytest.raises(ops.OperationRefused):
        ops.delete_exercise(event=event, by=are_officer)


def test_situation_report_for_a_chosen_time(client, jamtland, coordinator):
    """Five hours ago Kall was open on 700 l from 7 h ago and Hallen still fresh."""
    from datetime import timedelta

    from django.utils import timezone

    from sot.operations.queries import build_sitrep

    event = demo.load()
    now = timezone.now()
    past = build_sitrep(event, as_of=now - timedelta(hours=5))
    kall = next(p for p in past.points if p.name == "Kall")
    hallen = next(p for p in past.points if p.name == "Hallen")
    assert kall.state == "open" and kall.power_source == "generator"
    # 700 l at 10.68 l/h (55 % load) since ~7 h ago: ~678.6 l, ~63.5 h left.
    assert kall.fuel_hours == pytest.approx(63.5, abs=0.5)
    assert hallen.state == "open" and not hallen.stale
    current = build_sitrep(event, as_of=now)
    hallen_now = next(p for p in current.points if p.name == "Hallen")
    assert hallen_now.state == "unknown" and hallen_now.stale
    client.force_login(coordinator)
    local = timezone.localtime(now - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("operations:sitrep", args=[event.pk])
    text = client.get(url, {"tid": local, "format": "txt"}).content.decode()
    assert "3 SOT-punkter i händelsen: 2 öppna, 1 larmad." in text
    assert "Hallen" in text and "INAKTUELL" not in text
