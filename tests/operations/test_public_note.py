"""The public note is never carried over silently (issue #11, item 3): the web form
shows the old note and asks to keep, replace or remove it; a report by API keeps it
only when asked to; a report by SMS withdraws it (tests/outreach)."""

import re

import pytest
from django.urls import reverse

from sot.accounts.models import ApiToken
from sot.operations import services as ops
from sot.operations.models import LogEntry, StatusReport

OLD = "Värmestugan i skolan är öppen."


@pytest.fixture
def noted(storm, kall, kall_active, kall_operator):
    """Kall open with diesel and petrol, its public note about the warm room."""
    return ops.submit_status_report(
        point=kall,
        event=storm,
        reported_by=kall_operator,
        source="web",
        state="open",
        fuel_products={"diesel": "yes", "petrol": "yes"},
        public_note=OLD,
    )


def _post(client, storm, noted, **extra):
    url = reverse("operations:report", args=[storm.pk, "kall"])
    data = {
        "based_on": noted.pk,
        "state": "open",
        "svc_fuel_diesel": "no",
    }
    data.update(extra)
    return client.post(url, data)


def test_form_shows_the_old_note_but_does_not_fill_it_in(
    client, kall_operator, storm, noted
):
    client.force_login(kall_operator)
    page = client.get(reverse("operations:report", args=[storm.pk, "kall"]))
    body = page.content.decode()
    assert f"<q>{OLD}</q>" in body
    # the text box for the note is empty and no choice is made for the operator
    box = re.search(r'<input[^>]*name="public_note"[^>]*>', body).group(0)
    assert "value=" not in box
    assert 'name="public_note_action" value="keep"' in body
    assert not re.search(r'name="public_note_action"[^>]*checked', body)


def test_sending_without_a_choice_is_refused_and_stores_nothing(
    client, kall_operator, storm, noted
):
    client.force_login(kall_operator)
    response = _post(client, storm, noted)
    assert response.status_code == 200
    assert "Välj om meddelandet till allmänheten ska behållas" in (
        response.content.decode()
    )
    assert StatusReport.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "stored"),
    [
        ({"public_note_action": "keep"}, OLD),
        ({"public_note_action": "clear"}, ""),
        ({"public_note_action": "edit", "public_note": "Bara bensin."}, "Bara bensin."),
        # writing a new note is a choice of its own
        ({"public_note": "Bara bensin."}, "Bara bensin."),
    ],
)
def test_keep_replace_or_remove(client, kall_operator, storm, noted, extra, stored):
    client.force_login(kall_operator)
    response = _post(client, storm, noted, **extra)
    assert response.status_code == 302, response.content.decode()
    latest = StatusReport.objects.order_by("-id").first()
    assert latest.public_note == stored
    assert latest.fuel_products == {"diesel": "no"}


def test_contradicting_choices_are_refused(client, kall_operator, storm, noted):
    client.force_login(kall_operator)
    for extra in (
        {"public_note_action": "edit"},
        {"public_note_action": "keep", "public_note": "Bara bensin."},
        {"public_note_action": "clear", "public_note": "Bara bensin."},
    ):
        assert _post(client, storm, noted, **extra).status_code == 200, extra
    assert StatusReport.objects.count() == 1


def test_a_note_the_reports_own_choices_deny_is_refused(
    client, kall_operator, storm, noted
):
    """Found on the walk: "Diesel finns." with diesel *Nej* was published as it was,
    above a table saying "Finns inte". The form names the sentence and the choice;
    nothing is stored until one of them is fixed, and what was typed stays."""
    client.force_login(kall_operator)
    response = _post(
        client, storm, noted, public_note="Diesel finns. Värmestugan är öppen."
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Meddelandet säger ”Diesel finns”, men rapporten säger Diesel: Nej. "
        "Ändra texten eller valet." in body
    )
    assert 'value="Diesel finns. Värmestugan är öppen."' in body
    assert StatusReport.objects.count() == 1
    # keeping an old note that the new choices deny is refused the same way
    noted.public_note = "Diesel och bensin finns."
    noted.save()
    response = _post(client, storm, noted, public_note_action="keep")
    assert "Meddelandet säger ”Diesel och bensin finns”" in response.content.decode()
    assert StatusReport.objects.count() == 1
    # the state: "Vi har stängt" in an open report
    response = _post(client, storm, noted, public_note="Vi har stängt.")
    assert "men rapporten säger Läge: Öppen" in response.content.decode()
    # fixed text: stored
    response = _post(client, storm, noted, public_note="Bara bensin. Diesel är slut.")
    assert response.status_code == 302
    assert StatusReport.objects.order_by("-id").first().public_note == (
        "Bara bensin. Diesel är slut."
    )


def test_without_an_old_note_the_form_asks_nothing(
    client, kall_operator, storm, kall, kall_active
):
    client.force_login(kall_operator)
    url = reverse("operations:report", args=[storm.pk, "kall"])
    assert "public_note_action" not in client.get(url).content.decode()
    response = client.post(url, {"based_on": 0, "state": "open"})
    assert response.status_code == 302
    assert StatusReport.objects.get().public_note == ""


def test_the_log_says_when_the_note_changes(client, kall_operator, storm, noted):
    client.force_login(kall_operator)
    _post(client, storm, noted, public_note_action="clear")
    texts = list(LogEntry.objects.values_list("text", flat=True))
    assert any("Meddelandet till allmänheten är borttaget." in t for t in texts)
    assert any(f"Meddelande till allmänheten: ”{OLD}”." in t for t in texts)


def test_service_withdraws_the_note_unless_kept(storm, kall, kall_operator, noted):
    args = {
        "point": kall,
        "event": storm,
        "reported_by": kall_operator,
        "source": "api",
    }
    kept = ops.submit_status_report(state="open", public_note=ops.KEEP, **args)
    assert kept.public_note == OLD
    assert kept.fuel_products == {"diesel": "yes", "petrol": "yes"}  # facts carry
    dropped = ops.submit_status_report(state="open", **args)
    assert dropped.public_note == ""


def test_api_report_withdraws_the_note_unless_kept(client, kall_operator, storm, noted):
    secret = ApiToken.issue(user=kall_operator, name="test")[1]
    url = f"/api/v1/operations/events/{storm.pk}/points/kall/reports"

    def send(body):
        return client.post(
            url,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    r = send({"state": "open", "keep_public_note": True})
    assert r.status_code == 201, r.content
    assert r.json()["public_note"] == OLD
    r = send({"state": "open", "keep_public_note": True, "public_note": "Ny."})
    assert r.status_code == 422
    r = send({"state": "open"})
    assert r.status_code == 201
    assert r.json()["public_note"] == ""
