"""Free text that contradicts the report's own data (sot.operations.core.notecheck)."""

from __future__ import annotations

import pytest

from sot.operations.core.notecheck import claims, contradictions

KALL = {"fuel_diesel": "no", "fuel_petrol95": "yes", "food": "yes", "heating": "yes"}


def test_the_walks_note_contradicts_diesel_not_available():
    found = contradictions(
        "Diesel finns. Värmestugan i skolan är öppen.", KALL, state="open"
    )
    assert [(c.topic, c.said, c.reported, c.sentence) for c in found] == [
        ("fuel_diesel", "yes", "no", "Diesel finns")
    ]


@pytest.mark.parametrize(
    ("text", "topic", "said"),
    [
        ("Diesel finns", "fuel_diesel", "yes"),
        ("Det finns diesel", "fuel_diesel", "yes"),
        ("Vi har diesel och bensin", "fuel_diesel", "yes"),
        ("Diesel finns inte", "fuel_diesel", "no"),
        ("Dieseln är slut sedan i morse", "fuel_diesel", "no"),
        ("Ingen diesel just nu", "fuel_diesel", "no"),
        ("Slut på bensin", "fuel_petrol95", "no"),
        ("Vi har inte bensin", "fuel_petrol95", "no"),
        ("Mat och värme finns", "heating", "yes"),
        ("Maten är slut", "food", "no"),
        ("Värmestugan i skolan är öppen", "warm_room", "yes"),
        ("Toaletten fungerar inte", "toilets", "no"),
        ("Dricksvatten finns att hämta i skolan", "drinking_water", "yes"),
        ("No diesel today", "fuel_diesel", "no"),
        ("Diesel available at pump 2", "fuel_diesel", "yes"),
        ("Vi har stängt för natten", "state", "no"),
        ("Vi har öppet till 20", "state", "yes"),
    ],
)
def test_plain_statements_are_understood(text, topic, said):
    assert (topic, said) in [(t, s) for t, s, _ in claims(text)], claims(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Kortbetalning fungerar igen via reservlänk.",
        "Ring 112 vid fara för liv.",
        "Informationsmöte i skolan kl 18.",
        "Dieselleverans väntas i kväll",  # names no availability
        "Värmestugan",
        "Värmen i värmestugan kommer från ett aggregat",  # no verb of availability
        "Vi har stängt mellan 22 och 07",  # the hours, not the state now
    ],
)
def test_anything_vaguer_is_left_alone(text):
    assert contradictions(text, dict.fromkeys(KALL, "no") | {"warm_room": "no"}) == []


def test_a_denial_beats_an_affirmation_in_one_sentence():
    assert claims("Diesel finns inte") == [("fuel_diesel", "no", "Diesel finns inte")]


def test_limited_and_unknown_contradict_nothing():
    values = {"fuel_diesel": "limited", "food": "unknown"}
    assert contradictions("Diesel finns. Maten är slut.", values, state="open") == []


def test_each_sentence_is_judged_on_its_own():
    found = contradictions(
        "Diesel är slut men bensin finns", {"fuel_diesel": "yes", "fuel_petrol95": "no"}
    )
    assert {(c.topic, c.said) for c in found} == {
        ("fuel_diesel", "no"),
        ("fuel_petrol95", "yes"),
    }


def test_the_state_sentence_against_the_reported_state():
    assert [c.topic for c in contradictions("Vi har stängt.", {}, "open")] == ["state"]
    assert [c.topic for c in contradictions("Vi har öppet.", {}, "closed")] == ["state"]
    assert contradictions("Vi har öppet.", {}, "open") == []
    assert contradictions("Vi har stängt.", {}, "closed") == []
    # a sentence about a topic is not read as the point's state
    assert contradictions("Värmestugan är stängd.", {}, "open") == []


@pytest.mark.parametrize(
    "text",
    ["Vi har stängt mellan 22 och 07", "Vi har stängt kl 22-07", "Closed at night"],
)
def test_hours_are_not_read_as_the_state_now(text):
    assert claims(text) == []
    assert contradictions(text, {}, "open") == []
