"""Guarded actions (issue #11, item 7): ending an event, closing all its points and
deleting an exercise ask for a confirmation and a reason on a page of their own
(plain forms, no JavaScript), the reason goes into the log; a report refused as a
concurrent edit shows the operator's own input beside the newer values."""

import re

import pytest
from django.urls import reverse

from sot.operations import services as ops
from sot.operations.models import Activation, Event, LogEntry, StatusReport
from sot.registry.models import ChangeRecord


def _action(event, name):
    return reverse("operations:event_action", args=[event.pk, name])


def test_event_page_offers_the_guarded_actions(client, are_officer, storm, kall_active):
    client.force_login(are_officer)
    page = client.get(reverse("operations:event", args=[storm.pk])).content.decode()
    for name in ("end", "close_all"):
        assert f'action="{_action(storm, name)}"' in page


def test_ending_asks_first_and_needs_a_reason(client, are_officer, storm, kall_active):
    client.force_login(are_officer)
    url = _action(storm, "end")
    # one click on the event page only shows what will happen
    page = client.post(url, {"reason": "Strömmen tillbaka"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Avsluta händelsen och stäng alla punkter?" in body
    assert "<li>Kall</li>" in body
    assert re.search(r'name="reason"[^>]*value="Strömmen tillbaka"', body)
    assert re.search(r'name="confirmed"[^>]*value="True"', body)
    storm.refresh_from_db()
    assert storm.ends_at is None
    # confirmed without a reason: asked again, nothing done
    page = client.post(url, {"reason": " ", "confirmed": "True"})
    assert page.status_code == 200
    assert "Ange en orsak." in page.content.decode()
    storm.refresh_from_db()
    assert storm.ends_at is None
    # confirmed with a reason: ended, the points closed, the reason in the log
    response = client.post(url, {"reason": "Strömmen tillbaka", "confirmed": "True"})
    assert response.status_code == 302
    storm.refresh_from_db()
    assert storm.ends_at is not None
    kall_active.refresh_from_db()
    assert kall_active.state == "closed"
    assert kall_active.state_reason == "Strömmen tillbaka"
    assert LogEntry.objects.filter(
        event=storm, text="Händelsen avslutad: Strömmen tillbaka"
    ).exists()


def test_reloading_a_confirmation_page_changes_nothing(
    client, are_officer, storm, kall_active
):
    """A GET of an action (a reload, a bookmark, the back button) leads back to the
    event's page instead of a blank 405, and does nothing."""
    client.force_login(are_officer)
    for name in ("end", "close_all", "activate", "log"):
        response = client.get(_action(storm, name))
        assert response.status_code == 302
        assert response["Location"] == reverse("operations:event", args=[storm.pk])
    storm.refresh_from_db()
    kall_active.refresh_from_db()
    assert storm.ends_at is None and kall_active.state != "closed"


def test_close_all_points_keeps_the_event(client, are_officer, storm, kall_active):
    client.force_login(are_officer)
    url = _action(storm, "close_all")
    assert "Stänga alla punkter i händelsen?" in client.post(url).content.decode()
    assert Activation.objects.get(pk=kall_active.pk).state != "closed"
    response = client.post(url, {"reason": "Nätet åter i Kall", "confirmed": "True"})
    assert response.status_code == 302
    storm.refresh_from_db()
    assert storm.ends_at is None
    assert Activation.objects.get(pk=kall_active.pk).state == "closed"
    assert LogEntry.objects.filter(
        event=storm, text="Alla punkter stängda (Kall): Nätet åter i Kall"
    ).exists()


def test_deleting_an_exercise_asks_and_keeps_the_reason(
    client, are_officer, storm, kall
):
    drill = ops.create_event(
        name="Övning Storm",
        kind="storm",
        is_exercise=True,
        municipalities=storm.municipalities.all(),
        created_by=are_officer,
        points=[kall],
    )
    client.force_login(are_officer)
    url = _action(drill, "delete")
    body = client.post(url).content.decode()
    assert "Ta bort övningen?" in body
    assert "1 larmade punkter" in body
    assert Event.objects.filter(pk=drill.pk).exists()
    response = client.post(url, {"reason": "Testövning klar", "confirmed": "True"})
    assert response.status_code == 302
    assert not Event.objects.filter(pk=drill.pk).exists()
    # the exercise's own log is gone with it; the register's history keeps why
    entry = ChangeRecord.objects.get(
        model="operations.event", object_id=str(drill.pk), action="delete"
    )
    assert entry.user == are_officer
    assert "Övning Storm" in entry.object_repr
    assert entry.changes == {"orsak": ["Testövning klar", None]}


def test_a_real_event_is_never_offered_for_deletion(client, are_officer, storm):
    client.force_login(are_officer)
    response = client.post(
        _action(storm, "delete"), {"reason": "x", "confirmed": "True"}
    )
    assert response.status_code == 302
    assert Event.objects.filter(pk=storm.pk).exists()


def test_an_operator_gets_no_confirmation_page(client, kall_operator, storm):
    client.force_login(kall_operator)
    assert client.post(_action(storm, "end")).status_code == 403
    storm.refresh_from_db()
    assert storm.ends_at is None


@pytest.fixture
def reported(storm, kall, kall_active, kall_operator):
    """Kall open with diesel."""
    return ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="web",
        state="open",
        fuel_products={"diesel": "yes"},
    )


def test_concurrent_report_shows_own_input_beside_the_newer(
    client, kall_operator, storm, kall, reported
):
    client.force_login(kall_operator)
    url = reverse("operations:report", args=[storm.pk, "kall"])
    newer = ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="sms",
        state="limited",
        state_reason="Kortterminalen nere",
        public_note="Bara kontanter.",
    )
    response = client.post(
        url,
        {
            "based_on": reported.pk,
            "state": "closed",
            "state_reason": "Elverket trasigt",
            "svc_fuel_diesel": "no",
            "people_present": "12",
            "note": "Ring elektrikern",
            "public_note": "Stängt tills vidare.",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert StatusReport.objects.count() == 2
    assert "Det du skickade bredvid den nyare rapporten" in body
    rows = {
        label: (mine, theirs)
        for label, mine, theirs in re.findall(
            r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>', body
        )
    }
    assert rows["Läge"] == ("Stängd", "Begränsad")
    assert rows["Orsak (krävs vid stängning)"] == (
        "Elverket trasigt",
        "Kortterminalen nere",
    )
    assert rows["Personer på plats"] == ("12", "–")
    assert rows["Kommentar till kommunen"] == ("Ring elektrikern", "–")
    assert rows["Meddelande till allmänheten"] == (
        "Stängt tills vidare.",
        "Bara kontanter.",
    )
    # the form holds the newer values, and what was typed as free text stays in it
    assert f'name="based_on" value="{newer.pk}"' in body
    assert re.search(r'value="limited"[^>]*checked', body)
    assert "Ring elektrikern</textarea>" in body
    assert re.search(r'name="public_note"[^>]*value="Stängt tills vidare."', body)
    assert re.search(r'name="public_note_action" value="edit"[^>]*checked', body)
