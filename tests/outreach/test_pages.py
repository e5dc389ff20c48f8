"""The officials' call-out page and the exercise SMS console."""

from sot.outreach.models import CallOut, Recipient


def test_officer_starts_and_follows_a_callout(
    client, kall_active, are_officer, frg, outbox
):
    client.force_login(are_officer)
    url = f"/utskick/aktiveringar/{kall_active.pk}/utrop/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Skicka utrop" in page.content.decode()
    response = client.post(
        url, {"needed": 4, "skills": ["generator", "first_aid"], "from_time": "18:00"}
    )
    assert response.status_code == 302
    callout = CallOut.objects.get()
    assert callout.recipients.count() == 12 and len(outbox) == 12
    # answers typed in the exercise console
    first = callout.recipients.order_by("rank").first().member
    console = client.post(
        "/utskick/ovnings-sms/", {"sender": first.phone, "text": "JA"}
    )
    assert "Tack Anna" in console.content.decode()
    assert Recipient.objects.get(member=first).status == "yes"
    page = client.get(url).content.decode()
    assert "Anna Berg" in page and "ja 1" in page and "Första hjälpen" in page
    cancel = client.post(f"/utskick/utrop/{callout.pk}/avsluta/")
    assert cancel.status_code == 302
    assert CallOut.objects.get().state == "cancelled"


def test_operator_sees_but_cannot_start(client, kall_active, kall_operator, frg):
    client.force_login(kall_operator)
    url = f"/utskick/aktiveringar/{kall_active.pk}/utrop/"
    page = client.get(url)
    assert page.status_code == 200 and "Skicka utrop" not in page.content.decode()
    assert client.post(url, {"needed": 2}).status_code == 403
    assert client.get("/utskick/ovnings-sms/").status_code == 403


def test_console_closed_with_a_real_provider(client, are_officer, frg, monkeypatch):
    monkeypatch.setenv("SOT_SMS_BACKEND", "twilio")
    client.force_login(are_officer)
    assert client.get("/utskick/ovnings-sms/").status_code == 403


def test_anonymous_is_sent_to_login(client, kall_active):
    assert (
        client.get(f"/utskick/aktiveringar/{kall_active.pk}/utrop/").status_code == 302
    )


def test_roster_admin_scoped_and_erasing(
    client, frg, are_officer, krokom_officer, kall_operator
):
    from sot.outreach.models import Member

    member = Member.objects.get(name="Anna Berg")
    url = f"/admin/outreach/member/{member.pk}/change/"
    client.force_login(kall_operator)
    assert client.get(url).status_code in (302, 403)
    client.force_login(krokom_officer)
    assert client.get(url).status_code in (302, 404)
    client.force_login(are_officer)
    assert client.get("/admin/outreach/member/").status_code == 200
    assert client.get(url).status_code == 200
    response = client.post(
        f"/admin/outreach/member/{member.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Member.objects.filter(name="Anna Berg").exists()


def test_console_acts_only_as_numbers_in_the_officers_scope(
    client, kall_active, krokom_officer, are_officer, frg
):
    """A Krokom officer cannot report for Kall with its operator's number, nor end
    a Kall resident's subscription with STOPP; Åre's officer can (#12)."""
    from sot.operations.models import StatusReport
    from sot.outreach import demo
    from sot.outreach.models import Subscription

    client.force_login(krokom_officer)
    for sender, text in (
        (demo.OPERATOR_PHONE, "KALL STÄNGD"),
        (demo.RESIDENT_PHONE, "STOPP"),
        ("+46701740605", "JA"),  # Anna Berg, a volunteer in Åre's roster
        ("+46705551234", "HJÄLP"),  # a real-looking number of nobody in sot
    ):
        r = client.post("/utskick/ovnings-sms/", {"sender": sender, "text": text})
        assert r.status_code == 403, sender
    assert not StatusReport.objects.exists()
    assert Subscription.objects.get(address=demo.RESIDENT_PHONE).state == "active"
    # an unused fiction number simulates a new resident
    r = client.post("/utskick/ovnings-sms/", {"sender": "0701740650", "text": "HJÄLP"})
    assert r.status_code == 200
    # Åre's officer may act for Kall's operator and Kall's resident
    client.force_login(are_officer)
    r = client.post(
        "/utskick/ovnings-sms/", {"sender": demo.RESIDENT_PHONE, "text": "STOPP"}
    )
    assert r.status_code == 200
    assert Subscription.objects.get(address=demo.RESIDENT_PHONE).state == "stopped"
