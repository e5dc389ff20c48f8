"""Residents ask by SMS: "SOT JÄRPEN", "SOT 83005", "SOT KALL" (issue #13)."""

from __future__ import annotations

import pytest

from sot.outreach.core.gsm import segment_info
from sot.outreach.models import Message

STRANGER = "+46701740666"  # a resident nobody knows


@pytest.fixture
def kall_open(kall_active, kall_operator):
    """Kall open with food and diesel, charging limited, water out."""
    from sot.operations import services as ops

    ops.submit_status_report(
        point=kall_active.point,
        event=kall_active.event,
        reported_by=kall_operator,
        source="web",
        state="open",
        services={"food": "yes", "heating": "yes", "phone_charging": "limited",
                  "drinking_water": "no"},
        fuel_products={"diesel": "yes", "petrol": "no"},
    )  # fmt: skip
    return kall_active


@pytest.mark.parametrize("body", ["SOT JÄRPEN", "sot järpen", "SOT Jarpen", "SOT 83005",
                                  "SOT 830 05", "SOT 63.35 13.46"])  # fmt: skip
def test_place_or_postcode_gets_the_nearest_open_point(kall_open, frg, sms_in, body):
    result = sms_in(STRANGER, body, f"r-{body}")
    assert result.kind == "find"
    reply = result.reply
    assert reply.startswith("SOT nära ") and "Kall ÖPPEN" in reply
    assert " km" in reply and "livsmedel" in reply and "diesel" in reply
    assert "begränsat laddning av telefon" in reply
    info = segment_info(reply)
    assert info.encoding == "gsm7" and info.segments <= 2
    sent = Message.objects.get(purpose="reply", to=STRANGER)
    assert sent.body == reply


def test_a_roughly_placed_town_is_said_to_be_rough(kall_open, frg, sms_in):
    """GeoNames only estimated where Alsen (Krokom) is: the answer says so."""
    reply = sms_in(STRANGER, "SOT ALSEN", "r-rough").reply
    assert reply.startswith("SOT nära Alsen (ungefärligt läge): Kall ÖPPEN")
    assert segment_info(reply).segments <= 2
    reply = sms_in(STRANGER, "SOT JÄRPEN", "r-sure").reply
    assert reply.startswith("SOT nära Järpen: ")


def test_point_name_gets_its_state(kall_open, frg, sms_in):
    reply = sms_in(STRANGER, "SOT KALL", "r-kall").reply
    assert reply.startswith("SOT Kall: ÖPPEN (uppd. ")
    assert "Finns " in reply and "finns inte dricksvatten" in reply
    assert "bensin 95" in reply and segment_info(reply).segments <= 2


def test_nothing_open_says_so(jamtland, frg, sms_in):
    reply = sms_in(STRANGER, "SOT JÄRPEN", "r-none").reply
    assert reply.startswith("SOT: Ingen SOT-punkt är öppen nu") or (
        "Ingen SOT-punkt är öppen nu" in reply
    )
    assert "Kall INTE AKTIVERAD" in reply


def test_unknown_place_and_empty_question(jamtland, frg, sms_in):
    assert "hittade inte Atlantis" in sms_in(STRANGER, "SOT Atlantis", "r-x").reply
    assert sms_in(STRANGER, "SOT", "r-e").reply.startswith("Skriv SOT och din ort")


def test_place_outside_the_area(kall_open, frg, sms_in):
    reply = sms_in(STRANGER, "SOT KIRUNA", "r-k").reply
    assert reply.startswith("Kiruna ligger utanför")
    # this install has no county row: the answer names no bare county code
    assert reply.startswith("Kiruna ligger utanför området.")


def test_a_point_not_serving_points_to_the_nearest_open_one(kall_open, frg, sms_in):
    """ "SOT VALSJÖBYN" while only Kall is open: the state, then where to go."""
    reply = sms_in(STRANGER, "SOT Valsjöbyn", "r-v").reply
    assert reply.startswith("SOT Valsjöbyn: INTE AKTIVERAD.")
    assert "Närmast öppen: Kall " in reply and reply.endswith(" km.")
    assert segment_info(reply).segments <= 2


def test_an_open_point_names_no_other(kall_open, frg, sms_in):
    assert "Närmast öppen" not in sms_in(STRANGER, "SOT KALL", "r-k2").reply


def test_nothing_open_anywhere_adds_nothing(jamtland, frg, sms_in):
    reply = sms_in(STRANGER, "SOT Valsjöbyn", "r-v0").reply
    assert reply == "SOT Valsjöbyn: INTE AKTIVERAD."


def test_an_exercise_is_never_told_as_real(
    are_officer, kall, kall_operator, frg, sms_in
):
    """A resident must not take an exercise's "open" for a real one: the point's
    name carries ÖVNING in the point's answer and in the nearest list."""
    from sot.operations import services as ops
    from sot.registry.models import Municipality

    drill = ops.create_event(
        name="Övning Storm",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
        is_exercise=True,
    )
    ops.activate_point(event=drill, point=kall, activated_by=are_officer)
    ops.submit_status_report(
        point=kall, event=drill, reported_by=kall_operator, source="web",
        state="open", services={"food": "yes"},
    )  # fmt: skip
    own = sms_in(STRANGER, "SOT KALL", "r-ex1").reply
    assert own.startswith("SOT Kall (ÖVNING): ÖPPEN")
    near = sms_in(STRANGER, "SOT JÄRPEN", "r-ex2").reply
    assert "Kall (ÖVNING) ÖPPEN" in near
    other = sms_in(STRANGER, "SOT Valsjöbyn", "r-ex3").reply
    assert "Närmast öppen: Kall (ÖVNING) " in other
