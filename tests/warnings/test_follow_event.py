"""Suggestions and warnings follow the event (issue #11, item 5).

Raising readiness does not close a suggestion: it can still become an event, and an
escalation puts it before the officer again. An event opened from a warning keeps
the link: the warning's update, cancellation or end is written in the event's
logbook and shown as a banner on its page; the suggestion list follows too.
Documents: the hand-written SMHI and CAP files in tests/warnings/core/data.
"""

from __future__ import annotations

import pytest

from sot.operations.models import Event
from sot.warnings import decisions, services
from sot.warnings.importing import import_bytes
from sot.warnings.models import Suggestion, SuggestionState


def load(written, name, **kw):
    kw.setdefault("via", "cli")
    return import_bytes(data=(written / name).read_bytes(), filename=name, **kw)


def _are(are_officer) -> Suggestion:
    (suggestion,) = services.suggestions_for(are_officer)
    return suggestion


def _warning_lines(event) -> list[str]:
    return list(
        event.log.filter(source="system")
        .order_by("at", "id")
        .values_list("text", flat=True)
    )


def test_raised_readiness_can_still_become_an_event(rules, written, are_officer):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    suggestion = decisions.decide(
        suggestion=_are(are_officer), by=are_officer, decision="readiness_raised"
    )
    assert suggestion.state == SuggestionState.ACCEPTED and suggestion.event is None
    # Not hidden: it is listed as one that can still become an event.
    assert list(services.raised_suggestions_for(are_officer)) == [suggestion]

    opened = decisions.decide(
        suggestion=suggestion, by=are_officer, decision="event_opened", note="Värre"
    )
    assert opened.decision == "event_opened" and opened.event is not None
    assert opened.event.external_ref == "smhi:4711-9001"
    assert sorted(a.point.slug for a in opened.event.activations.all()) == [
        "kall",
        "ottsjo",
    ]
    assert not services.raised_suggestions_for(are_officer).exists()
    # Now it is decided for good: a second event is refused.
    with pytest.raises(decisions.SuggestionClosed):
        decisions.decide(suggestion=opened, by=are_officer, decision="event_opened")
    assert Event.objects.count() == 1


def test_escalation_to_red_puts_a_raised_suggestion_before_the_officer_again(
    rules, written, are_officer
):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    decisions.decide(
        suggestion=_are(are_officer), by=are_officer, decision="readiness_raised"
    )
    assert not services.suggestions_for(are_officer).exists()
    load(written, "smhi_ibww_jamtland_red_update.json")
    again = _are(are_officer)
    assert again.state == SuggestionState.OPEN and again.action == "open_event"
    assert again.decision == "readiness_raised"  # what was done stays visible
    assert again.cause_updated_at is not None
    opened = decisions.decide(suggestion=again, by=are_officer, decision="event_opened")
    assert opened.event.severity == "extreme"


def test_cancelled_warning_no_longer_becomes_an_event(rules, written, are_officer):
    load(written, "cap_sv_wind_alert.xml")
    suggestion = decisions.decide(
        suggestion=_are(are_officer), by=are_officer, decision="readiness_raised"
    )
    load(written, "cap_sv_wind_update.xml")
    suggestion.refresh_from_db()
    assert suggestion.message.identifier == "sot-test-2024-0002"
    assert list(suggestion.points.values_list("slug", flat=True)) == ["kall"]
    load(written, "cap_sv_wind_cancel.xml")
    suggestion.refresh_from_db()
    assert suggestion.cause_ended_at is not None
    assert not services.raised_suggestions_for(are_officer).exists()
    with pytest.raises(decisions.SuggestionClosed):
        decisions.decide(suggestion=suggestion, by=are_officer, decision="event_opened")
    assert not Event.objects.exists()


def test_event_logs_and_shows_the_update_and_cancellation_of_its_warning(
    rules, written, are_officer, client
):
    load(written, "cap_sv_wind_alert.xml")
    suggestion = decisions.decide(
        suggestion=_are(are_officer), by=are_officer, decision="event_opened"
    )
    event = suggestion.event
    client.force_login(are_officer)
    page = client.get(f"/drift/handelser/{event.pk}/").content.decode()
    assert "Öppnad från varning" in page and "sot-test-2024-0001" in page
    assert 'class="banner"' not in page
    assert _warning_lines(event) == []

    load(written, "cap_sv_wind_update.xml")
    (line,) = _warning_lines(event)
    assert line.startswith("Varningen har uppdaterats: Röd varning för vind kring Kall")
    assert "sot-test-2024-0002" in line
    page = client.get(f"/drift/handelser/{event.pk}/").content.decode()
    assert 'class="banner" role="alert"><strong>Varningen har uppdaterats' in page
    assert "sot-test-2024-0002" in page  # the link follows the newest message

    load(written, "cap_sv_wind_cancel.xml")
    lines = _warning_lines(event)
    assert len(lines) == 2 and lines[1].startswith("Varningen har upphävts:")
    page = client.get(f"/drift/handelser/{event.pk}/").content.decode()
    assert "<strong>Varningen har upphävts</strong>" in page
    assert "Varningen har uppdaterats</strong>" not in page  # the end wins
    # The suggestion list follows too.
    listing = client.get("/varningar/forslag/").content.decode()
    assert "Upphävd" in listing and f"/drift/handelser/{event.pk}/" in listing
    # The same page in English.
    client.cookies["django_language"] = "en"
    page = client.get(f"/drift/handelser/{event.pk}/").content.decode()
    assert "The warning has been cancelled" in page


def test_smhi_republishing_and_ending_reach_the_event(rules, written, are_officer):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    event = decisions.decide(
        suggestion=_are(are_officer), by=are_officer, decision="event_opened"
    ).event
    load(written, "smhi_ibww_jamtland_orange_wind.json")  # unchanged: no line
    assert _warning_lines(event) == []
    load(written, "smhi_ibww_jamtland_red_update.json")  # same id, sent later
    load(written, "smhi_ibww_empty.json")  # SMHI no longer lists it
    lines = _warning_lines(event)
    assert len(lines) == 2
    assert lines[0].startswith("Varningen har uppdaterats:") and "(Röd)" in lines[0]
    assert lines[1].startswith("Varningen har upphört:")
    assert set(
        event.log.filter(source="system").values_list("author_name", flat=True)
    ) == {"SMHI"}


def test_an_ended_event_gets_no_more_lines(rules, written, are_officer):
    from sot.operations import services as ops

    load(written, "smhi_ibww_jamtland_orange_wind.json")
    event = decisions.decide(
        suggestion=_are(are_officer), by=are_officer, decision="event_opened"
    ).event
    ops.end_event(event=event, by=are_officer, reason="Över")
    load(written, "smhi_ibww_empty.json")
    assert _warning_lines(event) == []


def test_officer_raises_readiness_then_opens_the_event_in_the_browser_pages(
    rules, written, client, are_officer
):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    suggestion = _are(are_officer)
    client.force_login(are_officer)
    client.post(
        f"/varningar/forslag/{suggestion.pk}/", {"decision": "readiness_raised"}
    )
    listing = client.get("/varningar/forslag/").content.decode()
    assert "Beredskapen höjd – kan bli en händelse" in listing
    assert f"/varningar/forslag/{suggestion.pk}/" in listing
    page = client.get(f"/varningar/forslag/{suggestion.pk}/").content.decode()
    assert 'value="event_opened"' in page and 'value="dismissed"' not in page
    response = client.post(
        f"/varningar/forslag/{suggestion.pk}/", {"decision": "event_opened"}
    )
    suggestion.refresh_from_db()
    assert response.status_code == 302 and suggestion.event_id is not None
    api = client.get("/api/v1/warnings/suggestions?state=all").json()
    (row,) = [r for r in api if r["id"] == suggestion.pk]
    assert row["event_id"] == suggestion.event_id and row["can_open_event"] is False
