"""Residents' subscriptions and alerts (#7, 6)."""

import pytest

from sot.operations import services as ops
from sot.outreach import subscriptions
from sot.outreach.delivery import deliver_due
from sot.outreach.models import Message, Subscription


def report(activation, user, **fields):
    return ops.submit_status_report(
        point=activation.point,
        event=activation.event,
        reported_by=user,
        source="web",
        **fields,
    )


def alerts():
    return list(
        Message.objects.filter(resident=True).exclude(purpose="optin").order_by("id")
    )


def test_sms_start_and_stopp(kall_active, sms_in, jamtland):
    result = sms_in("+46701740698", "START KALL", "p1")
    assert result.reply == "Du får nu SMS om SOT Kall. Svara STOPP för att sluta."
    sub = Subscription.objects.get(address="+46701740698")
    assert (sub.state, sub.point.slug) == ("active", "kall")
    result = sms_in("+46701740698", "start åre", "p2")
    assert "Åre (kommun)" in result.reply
    assert sms_in("+46701740698", "START NARNIA", "p3").reply.startswith(
        'SOT: hittar ingen punkt eller kommun "NARNIA"'
    )
    result = sms_in("+46701740698", "STOPP", "p4")
    assert result.outcome == "unsubscribed (2)"
    assert not Subscription.objects.filter(state="active").exists()


def test_one_sms_when_kall_opens_none_when_nothing_changes(
    kall_active, kall_operator, frg, django_capture_on_commit_callbacks, outbox
):
    picture = {
        "services": {"food": "yes"},
        "fuel_products": {"diesel": "no", "petrol": "yes"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        report(kall_active, kall_operator, state="open", **picture)
    sent = alerts()
    assert len(sent) == 1
    assert sent[0].to == frg.RESIDENT_PHONE
    assert sent[0].purpose == "point_opened"
    assert sent[0].body.startswith("SOT-punkt Kall ÖPPEN från ")
    assert "slut: diesel" in sent[0].body
    assert "mat" in sent[0].body and "bensin" in sent[0].body
    # the same picture again: nothing new for residents
    with django_capture_on_commit_callbacks(execute=True):
        report(kall_active, kall_operator, state="open", **picture)
    assert len(alerts()) == 1
    # diesel is back: one "changed"
    with django_capture_on_commit_callbacks(execute=True):
        report(
            kall_active,
            kall_operator,
            state="open",
            fuel_products={"diesel": "yes", "petrol": "yes"},
        )
    assert [m.purpose for m in alerts()] == ["point_opened", "point_changed"]
    with django_capture_on_commit_callbacks(execute=True):
        report(
            kall_active,
            kall_operator,
            state="closed",
            state_reason="Strömmen är tillbaka",
        )
    assert [m.purpose for m in alerts()][-1] == "point_closed"
    deliver_due()
    assert [m["to"] for m in outbox] == [frg.RESIDENT_PHONE] * 3
    log = list(kall_active.event.log.values_list("text", flat=True))
    assert "Invånare meddelade: Kall öppen (1 prenumeration)." in log
    assert frg.RESIDENT_PHONE not in " ".join(log)


def test_exercise_alerts_are_marked(
    kall, are_officer, kall_operator, frg, django_capture_on_commit_callbacks
):
    event = ops.create_event(
        name="Övning",
        kind="storm",
        is_exercise=True,
        municipalities=[kall.municipality],
        created_by=are_officer,
        points=[kall],
    )
    activation = event.activations.get()
    with django_capture_on_commit_callbacks(execute=True):
        report(activation, kall_operator, state="open")
    assert alerts()[0].body.startswith("ÖVNING SOT-punkt Kall")


def test_email_double_opt_in(
    client,
    kall_active,
    kall_operator,
    mailoutbox,
    django_capture_on_commit_callbacks,
    jamtland,
):
    response = client.post(
        "/prenumerera/", {"email": "Bo@Example.se", "target": "Kall", "language": "sv"}
    )
    assert response.status_code == 200
    sub = Subscription.objects.get(channel="email")
    assert (sub.state, sub.address) == ("pending", "bo@example.se")
    deliver_due()
    assert len(mailoutbox) == 1
    assert f"/prenumerera/bekrafta/{sub.token}/" in mailoutbox[0].body
    # not confirmed: no alert
    with django_capture_on_commit_callbacks(execute=True):
        report(kall_active, kall_operator, state="open")
    assert alerts() == []
    # a mail scanner following the link changes nothing: GET shows a button (#12)
    page = client.get(f"/prenumerera/bekrafta/{sub.token}/")
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    sub.refresh_from_db()
    assert sub.state == "pending"
    assert client.post(f"/prenumerera/bekrafta/{sub.token}/").status_code == 200
    sub.refresh_from_db()
    assert sub.state == "active"
    with django_capture_on_commit_callbacks(execute=True):
        report(kall_active, kall_operator, state="limited")
    deliver_due()
    alert = mailoutbox[-1]
    assert "Kall" in alert.subject
    assert f"/prenumerera/avsluta/{sub.token}/" in alert.body
    assert client.get(f"/prenumerera/avsluta/{sub.token}/").status_code == 200
    sub.refresh_from_db()
    assert sub.state == "active"
    assert client.post(f"/prenumerera/avsluta/{sub.token}/").status_code == 200
    sub.refresh_from_db()
    assert sub.state == "stopped"
    assert client.get("/prenumerera/bekrafta/nonsense/").status_code == 404


def test_api_subscribe(client, jamtland, mailoutbox):
    response = client.post(
        "/api/v1/notify/subscriptions",
        {"email": "a@example.se", "target": "Åre"},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert Subscription.objects.get().municipality.code == "2321"
    bad = client.post(
        "/api/v1/notify/subscriptions",
        {"email": "a@example.se", "target": "Narnia"},
        content_type="application/json",
    )
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("kall", "Kall"),
        ("ÅRE", "Åre"),
        ("2321", "Åre"),
        ("Åre kommun", "Åre"),
        ("", None),
        ("x", None),
    ],
)
def test_resolve_target(jamtland, text, found):
    target = subscriptions.resolve_target(text)
    assert (target.name if target else None) == found


def test_confirm_and_unsubscribe_pages_in_english(client, jamtland):
    """The confirm and unsubscribe pages (a button on GET, #12) are translated."""
    from django.conf import settings

    client.post(
        "/prenumerera/", {"email": "bo@example.se", "target": "Kall", "language": "en"}
    )
    sub = Subscription.objects.get(channel="email")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/prenumerera/bekrafta/{sub.token}/").content.decode()
    assert "Confirm the subscription" in page and "Yes, confirm" in page
    assert "opens, changes or closes?" in page
    page = client.post(f"/prenumerera/bekrafta/{sub.token}/").content.decode()
    assert "The subscription is confirmed" in page
    page = client.get(f"/prenumerera/avsluta/{sub.token}/").content.decode()
    assert "End the subscription" in page and "Yes, unsubscribe" in page
    assert "Do you want to stop getting messages about SOT" in page
    page = client.post(f"/prenumerera/avsluta/{sub.token}/").content.decode()
    assert "The subscription has ended" in page
    for words in ("Bekräfta", "Avsluta", "Ja, "):
        assert words not in page
