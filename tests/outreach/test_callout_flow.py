"""Call-out from an activation until N yes, through inbound SMS (issue #7, 2 and 7)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sot.outreach import callouts
from sot.outreach.delivery import deliver_due
from sot.outreach.models import CallOut, Message, Recipient


@pytest.fixture
def callout(kall_active, are_officer, frg):
    """Four volunteers with generator or first-aid skills asked for at Kall."""
    return callouts.start_callout(
        activation=kall_active,
        needed=4,
        skills=["generator", "first_aid"],
        by=are_officer,
        starts_at_text="18:00",
    )


def test_twelve_asked_by_skill_training_and_distance(callout, outbox):
    recipients = list(callout.recipients.select_related("member").order_by("rank"))
    # Worked out by hand from sot.outreach.demo.VOLUNTEERS: everyone has one of the
    # two skills asked for, so FRG-trained people come first, nearest first, then
    # the untrained by distance; Per Rask is away, Hassan and Nils lack the skills.
    assert [r.member.name for r in recipients] == [
        "Anna Berg",
        "Bengt Ek",
        "Cecilia Holm",
        "Eva Nord",
        "Fredrik Sjö",
        "Ingrid Vik",
        "Johan Älv",
        "Karin Ås",
        "Maria Dahl",
        "Olga Petrova",
        "David Lund",
        "Greta Strand",
    ]
    assert round(recipients[0].distance_m, -1) == 540  # 0.5 km N, 0.2 km E
    assert deliver_due() == 12
    assert len(outbox) == 12
    assert all("Kall" in m["body"] and callout.ref in m["body"] for m in outbox)
    assert {m["to"] for m in outbox} == {r.member.phone for r in recipients}
    english = [m["body"] for m in outbox if m["to"] == recipients[9].member.phone]
    assert english[0].startswith("SOT Kall needs 4 volunteers (generator, first aid)")


def _not_needed(body: str) -> bool:
    return "behövs inte" in body or "not needed" in body


def test_stops_at_four_yes_with_answers_out_of_order_and_twice(
    callout, outbox, storm, sms_in
):
    deliver_due()
    outbox.clear()
    rs = list(callout.recipients.select_related("member").order_by("rank"))
    t0 = timezone.now()
    phone = [r.member.phone for r in rs]
    # r0 sent NEJ at t0+1 then JA at t0+5, but JA arrives first
    sms_in(phone[0], "JA", "a1", received_at=t0 + timedelta(minutes=5))
    sms_in(phone[0], "NEJ", "a0", received_at=t0 + timedelta(minutes=1))
    # r1 says yes twice (the same SMS delivered twice, and once more)
    sms_in(phone[1], "ja", "b1", received_at=t0 + timedelta(minutes=2))
    sms_in(phone[1], "ja", "b1", received_at=t0 + timedelta(minutes=2))
    sms_in(phone[1], "Ja " + callout.ref, "b2", received_at=t0 + timedelta(minutes=3))
    sms_in(phone[2], "SENARE", "c1", received_at=t0 + timedelta(minutes=2))
    sms_in(phone[3], "NEJ", "d1", received_at=t0 + timedelta(minutes=2))
    sms_in(phone[4], "JA", "e1", received_at=t0 + timedelta(minutes=4))
    callout.refresh_from_db()
    assert callout.state == "open"
    sms_in(phone[5], "JA", "f1", received_at=t0 + timedelta(minutes=6))
    callout.refresh_from_db()
    assert callout.state == "filled"
    statuses = dict(
        Recipient.objects.filter(callout=callout).values_list("rank", "status")
    )
    assert [statuses[i] for i in range(1, 7)] == [
        "yes",
        "yes",
        "not_needed",
        "no",
        "yes",
        "yes",
    ]
    assert sum(1 for s in statuses.values() if s == "yes") == 4
    # a fifth yes after the stop is thanked and told not needed
    sms_in(phone[6], "JA", "g1", received_at=t0 + timedelta(minutes=7))
    assert Recipient.objects.get(callout=callout, rank=7).status == "surplus"
    deliver_due()
    by_to: dict[str, list[str]] = {}
    for m in outbox:
        by_to.setdefault(m["to"], []).append(m["body"])
    # one confirmation each, never two
    for p in (phone[0], phone[1], phone[4], phone[5]):
        assert sum("inbokad" in b for b in by_to[p]) == 1, by_to[p]
    # everybody still waiting (6 never answered + the one who said later) was told once
    told = [p for p, bodies in by_to.items() if any(_not_needed(b) for b in bodies)]
    assert set(phone[6:]) | {phone[2]} == set(told)
    # once each; the late yes (phone[6]) also gets a reply to its own message
    assert all(sum(map(_not_needed, by_to[p])) == 1 for p in told if p != phone[6])
    assert sum(map(_not_needed, by_to[phone[6]])) == 2
    # nothing is queued twice: one message per idempotency key, none left waiting
    assert Message.objects.filter(state="queued").count() == 0
    # the logbook has the call-out with counts and no names or numbers
    texts = list(storm.log.values_list("text", flat=True))
    assert any("12 tillfrågade" in t for t in texts)
    assert any("fyllt: 4 av 4" in t for t in texts)
    joined = " ".join(texts)
    assert all(r.member.name not in joined and r.member.phone not in joined for r in rs)


def test_answer_from_a_stranger_changes_nothing(callout, sms_in):
    result = sms_in("+46701740666", "JA", "x1")
    assert result.outcome == "unknown sender; ignored"
    assert result.reply == ""
    assert not callout.recipients.filter(status="yes").exists()


def test_reminders_after_configured_time(callout, outbox, sms_in):
    deliver_due()
    outbox.clear()
    rs = list(callout.recipients.select_related("member").order_by("rank"))
    sms_in(rs[0].member.phone, "JA", "y1")
    later = timezone.now() + timedelta(minutes=callout.reminder_after_minutes + 1)
    assert callouts.send_reminders(callout_id=callout.pk, now=later) == 11
    assert callouts.send_reminders(callout_id=callout.pk, now=later) == 0  # max 1
    deliver_due(now=later)
    reminders = [m for m in outbox if m["body"].startswith(("Påminnelse", "Reminder"))]
    assert len(reminders) == 11


def test_cancel_tells_those_who_said_yes_or_nothing(
    callout, outbox, are_officer, sms_in
):
    rs = list(callout.recipients.select_related("member").order_by("rank"))
    sms_in(rs[0].member.phone, "JA", "z1")
    sms_in(rs[1].member.phone, "NEJ", "z2")
    deliver_due()
    outbox.clear()
    callouts.cancel_callout(callout=callout, by=are_officer)
    deliver_due()
    assert len(outbox) == 11  # all but the one who said no
    assert CallOut.objects.get(pk=callout.pk).state == "cancelled"


def test_operator_may_not_start_a_callout(kall_active, kall_operator, frg):
    from sot.errors import Refused as PermissionRefused

    with pytest.raises(PermissionRefused):
        callouts.start_callout(activation=kall_active, needed=2, by=kall_operator)


def test_answer_from_a_person_in_two_rosters(callout, sms_in):
    from sot.outreach.models import Member
    from sot.registry.models import Municipality

    first = callout.recipients.order_by("rank").first().member
    Member.objects.create(
        municipality=Municipality.objects.get(code="2309"),
        name=first.name,
        phone=first.phone,
    )
    sms_in(first.phone, "JA", "two")
    assert callout.recipients.get(member=first).status == "yes"


@pytest.mark.parametrize("needed", [0, 100, 10**9])
def test_a_callout_for_an_absurd_number_of_people_is_refused(
    kall_active, are_officer, frg, client, needed
):
    """The service refuses what the form refuses (1-99), and so does the API (#12)."""
    from sot.accounts.models import ApiToken

    with pytest.raises(callouts.CallOutRefused):
        callouts.start_callout(activation=kall_active, needed=needed, by=are_officer)
    token = ApiToken.issue(user=are_officer, name="t")[1]
    r = client.post(
        "/api/v1/notify/callouts",
        {"point": "kall", "needed": needed},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 422, r.content
    assert CallOut.objects.count() == 0
