"""The officials' and operators' pages, through Django's test client."""

import re

import pytest
from django.urls import reverse

from sot.operations import services as ops
from sot.operations.models import StatusReport


@pytest.fixture
def reported(storm, kall, kall_active, kall_operator):
    """Kall open on generator power with one report."""
    return ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="web",
        state="open",
        power_source="generator",
        generator_fuel_l=600,
        generator_load_pct=50,
        needs_fuel=True,
    )


def test_every_page_renders_for_the_officer(client, are_officer, storm, kall, reported):
    client.force_login(are_officer)
    urls = [
        reverse("operations:dashboard"),
        reverse("operations:event", args=[storm.pk]),
        reverse("operations:point", args=[storm.pk, "kall"]),
        reverse("operations:report", args=[storm.pk, "kall"]),
        reverse("operations:sitrep", args=[storm.pk]),
        reverse("operations:fuel", args=[storm.pk]),
        reverse("operations:log_text", args=[storm.pk]),
        reverse("operations:templates"),
        reverse("operations:event_new"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("operations:dashboard")).content.decode()
    assert "Kall" in page and "Öppen" in page and "Reservkraft" in page
    fuel = client.get(reverse("operations:fuel", args=[storm.pk])).content.decode()
    # 600 l at 9.9 l/h (50 % load) last 60 h.
    assert re.search(r"(60|59) h", fuel)


def test_operator_report_form_is_prefilled_and_refuses_a_stale_form(
    client, kall_operator, storm, kall, reported
):
    client.force_login(kall_operator)
    url = reverse("operations:report", args=[storm.pk, "kall"])
    page = client.get(url).content.decode()
    assert f'name="based_on" value="{reported.pk}"' in page
    assert re.search(r'value="open"[^>]*checked', page)
    # Another operator reports meanwhile...
    newer = ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="sms",
        state="limited",
        state_reason="Kortterminalen nere",
    )
    # ...so this form, based on the older report, is refused and shows the newer values.
    response = client.post(
        url, {"based_on": reported.pk, "state": "open", "power_source": "generator"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Någon annan har rapporterat" in body
    assert f'name="based_on" value="{newer.pk}"' in body
    assert "Kortterminalen nere" in body
    assert StatusReport.objects.count() == 2
    # Sent again from the newer values, it goes through.
    response = client.post(
        url,
        {
            "based_on": newer.pk,
            "state": "open",
            "power_source": "generator",
            "svc_fuel_diesel": "no",
            "svc_food": "yes",
            "payment_methods": ["card"],
        },
    )
    assert response.status_code == 302
    assert StatusReport.objects.count() == 3
    latest = StatusReport.objects.first()
    # Fuel and payment keys as the public site and the SMS gateway read them.
    assert latest.fuel_products == {"diesel": "no"}
    assert latest.payment_methods == ["card"]
    assert latest.services["food"] == "yes"
    page = client.get(url).content.decode()
    assert re.search(r'name="svc_fuel_diesel" value="no"[^>]*checked', page)


def test_operator_cannot_see_dashboard_or_other_points(
    client, kall_operator, storm, valsjobyn
):
    client.force_login(kall_operator)
    assert client.get(reverse("operations:dashboard")).status_code == 403
    assert client.get(reverse("operations:operator")).status_code == 200
    # The event page, fuel list and log show every point: officials only.
    for name in ("event", "fuel", "log_text"):
        assert (
            client.get(reverse(f"operations:{name}", args=[storm.pk])).status_code
            == 403
        )
    url = reverse("operations:report", args=[storm.pk, "valsjobyn"])
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client, storm):
    response = client.get(reverse("operations:dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_sitrep_saved_and_numbered(client, are_officer, storm, reported):
    client.force_login(are_officer)
    url = reverse("operations:sitrep", args=[storm.pk])
    response = client.post(url, {"nasta": "3"})
    assert response.status_code == 302
    text = client.get(url + "?nr=1&format=txt").content.decode()
    assert text.startswith("LÄGESRAPPORT nr 1 – Storm i västra Jämtland")
    assert "Från: Åre kommun" in text
    assert "Nästa lägesrapport:" in text
    assert "Kall" in text and "reservkraft (elverk)" in text


def test_exercise_marked_on_pages(client, are_officer, kall):
    from sot.registry.models import Municipality

    drill = ops.create_event(
        name="Övning Storm",
        kind="storm",
        is_exercise=True,
        created_by=are_officer,
        municipalities=[Municipality.objects.get(code="2321")],
        points=[kall],
    )
    client.force_login(are_officer)
    page = client.get(reverse("operations:event", args=[drill.pk])).content.decode()
    assert "ÖVNING – ÖVNING – ÖVNING" in page
    text = client.get(reverse("operations:sitrep", args=[drill.pk]) + "?format=txt")
    assert text.content.decode().startswith("ÖVNING ÖVNING ÖVNING")


def test_still_current_from_the_verify_queue(
    client, coordinator, storm, kall, reported
):
    from datetime import timedelta

    from django.utils import timezone

    ops.mark_stale(now=timezone.now() + timedelta(hours=5))
    client.force_login(coordinator)
    page = client.get(reverse("operations:dashboard")).content.decode()
    assert "Att verifiera (1)" in page and "Fortfarande aktuell" in page
    url = reverse("operations:point", args=[storm.pk, "kall"])
    assert client.post(url, {"confirm": "1"}).status_code == 302
    page = client.get(reverse("operations:dashboard")).content.decode()
    assert "Att verifiera (0)" in page


def test_new_event_form_ticks_the_officers_only_municipality(
    client, are_officer, coordinator
):
    """Found on the walk: Åre's officer, who can open events only in Åre, had to tick
    Åre or get "Detta fält måste fyllas i."; the county's coordinator chooses."""
    client.force_login(are_officer)
    page = client.get(reverse("operations:event_new")).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="municipalities"[^>]*>', page)
    assert len(ticked) == 1 and "checked" in ticked[0]
    client.force_login(coordinator)
    page = client.get(reverse("operations:event_new")).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="municipalities"[^>]*>', page)
    assert len(boxes) == 8 and not any("checked" in b for b in boxes)


def test_the_dashboards_municipality_filter_is_in_swedish_order(client, coordinator):
    """Found on the walk: the filter listed Ragunda first (by code). By name, in
    Swedish order, whatever the database's collation."""
    client.force_login(coordinator)
    page = client.get(reverse("operations:dashboard")).content.decode()
    select = re.search(r'<select id="f-muni".*?</select>', page, re.S).group(0)
    names = re.findall(r'<option value="\d{4}"[^>]*>([^<]+)</option>', select)
    assert names == [
        "Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre",
        "Östersund",
    ]  # fmt: skip


def test_the_new_event_forms_municipalities_are_in_swedish_order(client, coordinator):
    """Found on the walk: the new event's checkboxes kept the database's order (by
    code, Ragunda first), unlike the dashboard's filter."""
    client.force_login(coordinator)
    page = client.get(reverse("operations:event_new")).content.decode()
    names = re.findall(
        r'<input type="checkbox" name="municipalities"[^>]*>\s*([^<(]+?) \(\d{4}\)',
        page,
    )
    assert names == [
        "Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre",
        "Östersund",
    ]  # fmt: skip
    # the order is only for reading: a ticked box still posts the municipality
    are = re.search(
        r'<input type="checkbox" name="municipalities" value="(\d+)"[^>]*>\s*Åre', page
    )
    assert are is not None
