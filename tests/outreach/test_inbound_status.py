"""Status by SMS from operators (issue #7, point 5)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sot.operations.models import StatusReport
from sot.outreach.models import InboundSms, Message


def test_operator_sms_sets_kall_open_with_diesel_out(kall_active, frg, sms_in, outbox):
    from sot.outreach.delivery import deliver_due

    result = sms_in(
        frg.OPERATOR_PHONE, "KALL ÖPPEN DIESEL NEJ BENSIN JA BRÄNSLE 60%", "s1"
    )
    assert result.outcome == "status report for kall"
    report = StatusReport.objects.get()
    assert report.source == "sms"
    assert report.state == "open"
    assert report.fuel_products == {"diesel": "no", "petrol": "yes"}
    assert report.generator_fuel_pct == 60
    assert report.reported_by.username == "kall"
    kall_active.refresh_from_db()
    assert kall_active.state == "open"
    # the receipt goes back to the operator
    deliver_due()
    receipts = [m for m in outbox if m["to"] == frg.OPERATOR_PHONE]
    assert len(receipts) == 1
    assert receipts[0]["body"].endswith(
        "SOT Kall (Storm i västra Jämtland): öppen, diesel nej, bensin ja, bränsle 60%"
    )


def test_later_sms_merges_with_the_previous_report(kall_active, frg, sms_in):
    sms_in(frg.OPERATOR_PHONE, "KALL ÖPPEN DIESEL NEJ BENSIN JA", "s1")
    sms_in(frg.OPERATOR_PHONE, "ÖPPEN DIESEL JA MAT NEJ", "s2")  # own point implied
    latest = StatusReport.objects.order_by("-id").first()
    assert latest.fuel_products == {"diesel": "yes", "petrol": "yes"}
    assert latest.services == {"food": "no"}


def test_the_same_sms_twice_makes_one_report(kall_active, frg, sms_in):
    sms_in(frg.OPERATOR_PHONE, "KALL ÖPPEN", "dup")
    again = sms_in(frg.OPERATOR_PHONE, "KALL ÖPPEN", "dup")
    assert again.duplicate
    assert StatusReport.objects.count() == 1
    assert Message.objects.filter(purpose="reply").count() == 1


def test_words_not_understood_change_nothing_and_are_listed(kall_active, frg, sms_in):
    result = sms_in(frg.OPERATOR_PHONE, "KALL ÖPPEN DIESELL NEJ", "s1")
    assert StatusReport.objects.count() == 0
    assert 'förstod inte "DIESELL NEJ"' in result.reply


def test_closing_needs_a_reason_and_takes_it_from_obs(kall_active, frg, sms_in):
    from sot.operations import services as ops

    ops.set_point_state(
        event=kall_active.event, point=kall_active.point, state="open", by=None
    )
    refused = sms_in(frg.OPERATOR_PHONE, "KALL STÄNGD", "c1")
    assert refused.outcome.startswith("refused")
    assert "inget ändrat" in refused.reply
    ok = sms_in(frg.OPERATOR_PHONE, "KALL STÄNGD OBS elverket trasigt", "c2")
    assert ok.outcome == "status report for kall"
    kall_active.refresh_from_db()
    assert kall_active.state == "closed"
    assert kall_active.state_reason == "elverket trasigt"


def test_operator_of_another_point_is_refused(kall_active, frg, sms_in, valsjobyn):
    from sot.accounts.models import User

    other = User.objects.create(
        username="v", role="point_operator", phone="070-174 06 77"
    )
    other.points.add(valsjobyn)
    result = sms_in("+46701740677", "KALL ÖPPEN", "o1")
    assert result.outcome == "not allowed"
    assert StatusReport.objects.count() == 0


def test_volunteer_may_not_report(kall_active, frg, sms_in):
    result = sms_in("+46701740605", "KALL ÖPPEN", "v1")
    assert result.outcome == "not allowed"
    assert result.reply == "SOT: du kan inte rapportera för Kall. Inget ändrat."
    assert StatusReport.objects.count() == 0


def test_point_not_activated(jamtland, frg, sms_in):
    result = sms_in(frg.OPERATOR_PHONE, "KALL ÖPPEN", "n1")
    assert result.outcome == "point not activated"
    assert "inte aktiverad" in result.reply


def test_unknown_number_gets_nothing_and_is_logged(kall_active, frg, sms_in, caplog):
    result = sms_in("+46701740666", "KALL ÖPPEN DIESEL NEJ", "u1")
    assert result.reply == ""
    assert StatusReport.objects.count() == 0
    assert Message.objects.count() == 0
    stored = InboundSms.objects.get(provider_id="u1")
    assert not stored.known_sender and stored.outcome == "unknown sender; ignored"
    assert "unknown number" in caplog.text
    assert "+46701740666" not in caplog.text  # masked in the log


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=200), sender=st.sampled_from(["stranger", "volunteer"]))
def test_arbitrary_text_from_unauthorised_numbers_never_changes_state(
    kall_active, frg, sms_in, text, sender
):
    """Neither a stranger nor a volunteer (known, but no operator) changes a status."""
    phone = "+46701740666" if sender == "stranger" else "+46701740605"
    before = (StatusReport.objects.count(), kall_active.state)
    n = InboundSms.objects.count()
    result = sms_in(phone, text, f"h{n}")
    kall_active.refresh_from_db()
    assert (StatusReport.objects.count(), kall_active.state) == before
    if sender == "stranger" and result.kind not in ("subscribe", "unsubscribe", "find"):
        assert result.reply == ""


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=200))
def test_arbitrary_text_from_the_operator_never_crashes(kall_active, frg, sms_in, text):
    n = InboundSms.objects.count()
    result = sms_in(frg.OPERATOR_PHONE, text, f"op{n}")
    assert result.outcome


@pytest.mark.parametrize("text", ["HJÄLP", "help"])
def test_help_for_known_numbers(kall_active, frg, sms_in, text):
    assert "BRÄNSLE" in sms_in(frg.OPERATOR_PHONE, text, "h").reply or "FUEL" in (
        sms_in(frg.OPERATOR_PHONE, text, "h2").reply
    )


def test_sms_report_withdraws_the_public_note_and_says_so(
    kall_active, frg, sms_in, outbox
):
    """A basic phone cannot show the public note, so an SMS report never carries it
    over: it is withdrawn and a second SMS tells the operator (issue #11, item 3)."""
    from sot.operations import services as ops
    from sot.outreach.delivery import deliver_due

    ops.submit_status_report(
        point=kall_active.point,
        event=kall_active.event,
        reported_by=None,
        source="web",
        state="open",
        fuel_products={"diesel": "yes"},
        public_note="Diesel och bensin finns.",
    )
    result = sms_in(frg.OPERATOR_PHONE, "KALL ÖPPEN DIESEL NEJ", "n1")
    assert result.outcome == "status report for kall"
    latest = StatusReport.objects.order_by("-id").first()
    assert latest.public_note == ""
    assert latest.fuel_products == {"diesel": "no"}
    deliver_due()
    bodies = [m["body"] for m in outbox if m["to"] == frg.OPERATOR_PHONE]
    assert len(bodies) == 2
    assert bodies[0].endswith("öppen, diesel nej")
    assert bodies[1].startswith("Meddelandet till allmänheten är borttaget.")
    # without a note to withdraw, the receipt comes alone
    sms_in(frg.OPERATOR_PHONE, "KALL ÖPPEN", "n2")
    deliver_due()
    assert len([m for m in outbox if m["to"] == frg.OPERATOR_PHONE]) == 3
