"""Importing warnings: matching, suggestions, updates, cancellations, snapshots.

The acceptance test of issue #5: an orange SMHI wind warning for the Jämtland
mountains marks Kall, Ottsjö and the other points inside the polygon, puts one
suggestion per municipality in front of its officer, and a later cancellation
clears it.
"""

from __future__ import annotations

import pytest

from sot.warnings import services
from sot.warnings.core.model import ParseError
from sot.warnings.importing import import_bytes
from sot.warnings.models import (
    MessageState,
    Suggestion,
    SuggestionState,
    WarningMessage,
)


def load(written, name, **kw):
    kw.setdefault("via", "cli")
    return import_bytes(data=(written / name).read_bytes(), filename=name, **kw)


def test_orange_wind_marks_points_and_suggests_then_cancellation_clears(
    rules, written, are_officer, krokom_officer, coordinator
):
    report = load(written, "smhi_ibww_jamtland_orange_wind.json")
    (outcome,) = report.messages
    assert outcome.action == "created"
    assert outcome.point_ids == ["kall", "ottsjo", "rotviken", "valsjobyn"]
    assert {"2321", "2309"} <= set(outcome.municipality_codes)
    assert "2380" not in outcome.municipality_codes  # Östersund lies east of it

    are = list(services.suggestions_for(are_officer))
    krokom = list(services.suggestions_for(krokom_officer))
    assert len(are) == 1 and len(krokom) == 1
    assert sorted(are[0].points.values_list("slug", flat=True)) == ["kall", "ottsjo"]
    assert are[0].message.identifier == "4711-9001"  # which message caused it
    assert are[0].rule.name.startswith("Orange")
    assert are[0].state == SuggestionState.OPEN and are[0].event is None
    assert len(services.suggestions_for(coordinator)) == 2  # the county sees both

    # Nothing was activated by the suggestion.
    from sot.operations.models import Activation, Event

    assert not Event.objects.exists() and not Activation.objects.exists()

    # SMHI drops the warning from warning.json: the later (empty) snapshot ends it.
    later = load(written, "smhi_ibww_empty.json")
    assert later.ended == ["4711-9001"]
    assert later.cleared_suggestions == 2
    assert not services.suggestions_for(are_officer).exists()
    message = WarningMessage.objects.get(identifier="4711-9001")
    assert message.state == MessageState.ENDED
    assert Suggestion.objects.filter(state=SuggestionState.CLEARED).count() == 2


def test_update_to_red_moves_the_suggestion_and_clears_krokom(
    rules, written, are_officer, krokom_officer
):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    (before,) = services.suggestions_for(are_officer)
    report = load(written, "smhi_ibww_jamtland_red_update.json")
    assert report.messages[0].action == "updated"
    (after,) = services.suggestions_for(are_officer)
    assert after.pk == before.pk  # the same suggestion, now under the RED rule
    assert after.rule.name.startswith("Röd") and after.action == "open_event"
    assert not services.suggestions_for(krokom_officer).exists()
    assert WarningMessage.objects.get().level == "RED"


def test_reimporting_the_same_document_changes_nothing(rules, written):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    again = load(written, "smhi_ibww_jamtland_orange_wind.json")
    assert again.messages[0].action == "unchanged"
    assert Suggestion.objects.count() == 2


def test_cap_alert_update_cancel_chain(rules, written, are_officer):
    first = load(written, "cap_sv_wind_alert.xml").messages[0]
    assert first.point_ids == ["kall", "ottsjo"]  # the box holds Kall and Ottsjö
    (suggestion,) = services.suggestions_for(are_officer)
    update = load(written, "cap_sv_wind_update.xml").messages[0]
    assert update.replaced == ["sot-test-2024-0001"]
    assert update.point_ids == ["kall"]  # the 5 km circle round Kall
    suggestion.refresh_from_db()
    assert suggestion.message.identifier == "sot-test-2024-0002"
    assert list(suggestion.points.values_list("slug", flat=True)) == ["kall"]
    cancel = load(written, "cap_sv_wind_cancel.xml").messages[0]
    assert cancel.cancelled == ["sot-test-2024-0002"]
    assert not services.suggestions_for(are_officer).exists()
    assert set(WarningMessage.objects.values_list("identifier", "state")) == {
        ("sot-test-2024-0001", "replaced"),
        ("sot-test-2024-0002", "cancelled"),
        ("sot-test-2024-0003", "cancelled"),
    }


def test_exercise_vma_is_marked_and_cancelled(rules, written, are_officer):
    report = load(written, "sr_vma_v3_exercise_alert.json")
    assert [m.status for m in report.messages] == ["exercise", "exercise"]
    suggestions = list(services.suggestions_for(are_officer))
    assert suggestions and all(s.is_exercise for s in suggestions)
    load(written, "sr_vma_v3_exercise_cancel.json")
    remaining = services.suggestions_for(are_officer)
    # The county-wide VMA (second alert) still stands; the Åre one was cancelled.
    assert [s.message.identifier for s in remaining] == ["SRCAP20240301101500E"]


def test_status_flag_turns_an_actual_document_into_an_exercise(rules, written):
    report = load(written, "smhi_ibww_jamtland_orange_wind.json", status="exercise")
    assert report.messages[0].status == "exercise"
    # An actual empty snapshot does not end the exercise.
    assert load(written, "smhi_ibww_empty.json").ended == []
    assert load(written, "smhi_ibww_empty.json", status="exercise").ended == [
        "4711-9001"
    ]


def test_outage_village_and_polygon(rules, written, are_officer):
    report = load(written, "outage_jamtland.geojson")
    assert [m.point_ids for m in report.messages] == [["hallen"], ["ottsjo"]]
    suggestions = services.suggestions_for(are_officer).order_by("message__identifier")
    # One suggestion per message and municipality: two outages, two suggestions.
    assert [list(s.points.values_list("slug", flat=True)) for s in suggestions] == [
        ["hallen"],
        ["ottsjo"],
    ]
    assert all(s.action == "open_event" for s in suggestions)


def test_bad_document_stores_nothing(rules, written):
    data = (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()
    with pytest.raises(ParseError):
        import_bytes(data=data[:-40], filename="x.json", via="cli")
    assert not WarningMessage.objects.exists()


def test_rematch_after_a_point_is_added(rules, written, are_officer):
    from sot.registry.models import Municipality, Point

    load(written, "smhi_ibww_jamtland_orange_wind.json")
    (suggestion,) = services.suggestions_for(are_officer)
    # A new point in Vålådalen (Åre), inside the mountain polygon.
    Point.objects.create(
        slug="valadalen",
        name="Vålådalen",
        village="Vålådalen",
        municipality=Municipality.objects.get(code="2321"),
        lat=63.15,
        lon=13.05,
        lifecycle="planned",
    )
    assert services.rematch_in_force() == 1
    assert sorted(suggestion.points.values_list("slug", flat=True)) == [
        "kall",
        "ottsjo",
        "valadalen",
    ]


def test_krisinformation_list_is_a_snapshot(rules, recorded_dir):
    data = (recorded_dir / "krisinformation_v3_news_2023-03.json").read_bytes()
    import_bytes(data=data, via="cli")
    assert WarningMessage.objects.filter(state=MessageState.IN_FORCE).count() == 3
    later = import_bytes(data=b"[]", format="krisinformation-v3", via="cli")
    assert sorted(later.ended) == ["18434", "18435", "18478"]
    # Krisinformation's county-wide restatement of SMHI's warning gave no suggestion.
    assert not Suggestion.objects.exists()


def test_an_error_half_way_stores_nothing(rules, written, monkeypatch):
    calls = []
    real = services.reconcile_suggestions

    def failing(message, **kw):
        calls.append(message.identifier)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(message, **kw)

    monkeypatch.setattr(services, "reconcile_suggestions", failing)
    with pytest.raises(RuntimeError):
        load(written, "smhi_ibww_several_areas_hole_edge.json")
    assert calls == ["5001-1", "5001-2"]
    assert not WarningMessage.objects.exists() and not Suggestion.objects.exists()


def test_a_snapshot_that_lists_an_ended_warning_again_revives_it(
    rules, written, are_officer
):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    load(written, "smhi_ibww_empty.json")  # a flapping source drops it ...
    again = load(
        written, "smhi_ibww_jamtland_orange_wind.json"
    )  # ... and lists it again
    assert again.messages[0].action == "updated"
    assert WarningMessage.objects.get().state == MessageState.IN_FORCE
    assert services.suggestions_for(are_officer).count() == 1
