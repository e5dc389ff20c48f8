"""Public messages posted by the municipal officer."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sot.public.forms import PublicMessageForm
from sot.public.models import PublicMessage


def form_data(muni, point=None, text="Diesel endast till räddningstjänst till kl 18"):
    return {
        "municipality": muni.pk,
        "point": point.pk if point else "",
        "event": "",
        "text": text,
        "text_en": "",
        "published_at": timezone.now(),
        "expires_at": "",
        "withdrawn_at": "",
    }


def test_officer_posts_for_own_municipality_only(are_officer, kall, valsjobyn):
    ok = PublicMessageForm(data=form_data(kall.municipality, kall), user=are_officer)
    assert ok.is_valid(), ok.errors
    other = PublicMessageForm(
        data=form_data(valsjobyn.municipality, valsjobyn), user=are_officer
    )
    assert not other.is_valid()
    assert list(ok.fields["municipality"].queryset.values_list("code", flat=True)) == [
        "2321"
    ]


def test_point_must_lie_in_the_municipality(coordinator, kall, valsjobyn):
    form = PublicMessageForm(
        data=form_data(valsjobyn.municipality, kall), user=coordinator
    )
    assert not form.is_valid() and "point" in form.errors


def test_message_shown_on_point_page_until_withdrawn(client, kall_open, are_officer):
    msg = PublicMessage.objects.create(
        municipality=kall_open.municipality,
        point=kall_open,
        text="Diesel endast till räddningstjänst till kl 18",
        text_en="Diesel for the rescue service only",
    )
    assert (
        "Diesel endast till räddningstjänst"
        in client.get("/punkt/kall/").content.decode()
    )
    assert (
        "Diesel for the rescue service only"
        in client.get("/en/punkt/kall/").content.decode()
    )
    assert "Diesel endast" in client.get("/meddelanden/").content.decode()
    assert "Diesel endast" in client.get("/kommun/2321/").content.decode()
    msg.withdrawn_at = timezone.now()
    msg.save()
    assert "Diesel endast" not in client.get("/punkt/kall/").content.decode()


def test_expired_message_not_shown(client, kall):
    PublicMessage.objects.create(
        municipality=kall.municipality,
        point=kall,
        text="Gammalt",
        published_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    assert "Gammalt" not in client.get("/meddelanden/").content.decode()


def test_admin_add_page_for_officer(client, are_officer):
    client.force_login(are_officer)
    response = client.get("/admin/public/publicmessage/add/")
    assert response.status_code == 200
    response = client.post(
        "/admin/public/publicmessage/add/",
        {
            "municipality": are_officer.municipality_id,
            "point": "",
            "event": "",
            "text": "Vattnet är tjänligt igen",
            "text_en": "",
            "published_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "published_at_1": timezone.localtime().strftime("%H:%M:%S"),
            "expires_at_0": "",
            "expires_at_1": "",
            "withdrawn_at_0": "",
            "withdrawn_at_1": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    msg = PublicMessage.objects.get()
    assert msg.author == are_officer and msg.text == "Vattnet är tjänligt igen"


def test_operator_cannot_post(client, kall_operator):
    client.force_login(kall_operator)
    assert client.get("/admin/public/publicmessage/add/").status_code in (302, 403)


def test_the_admin_writes_messages_only_through_the_service(
    client, are_officer, monkeypatch
):
    """Posting and changing a message in the admin goes through
    services.save_message, which makes the poster the author (#10)."""
    from sot.public import services

    calls = []
    real = services.save_message

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "save_message", spy)
    client.force_login(are_officer)
    now = timezone.localtime()
    data = {
        "municipality": are_officer.municipality_id,
        "point": "",
        "event": "",
        "text": "Vattnet är tjänligt igen",
        "text_en": "",
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "expires_at_0": "",
        "expires_at_1": "",
        "withdrawn_at_0": "",
        "withdrawn_at_1": "",
    }
    response = client.post("/admin/public/publicmessage/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    msg = PublicMessage.objects.get()
    assert len(calls) == 1 and calls[0]["actor"] == are_officer
    data["text"] = "Vattnet är tjänligt"
    response = client.post(f"/admin/public/publicmessage/{msg.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(calls) == 2 and calls[1]["message"].pk == msg.pk
    msg.refresh_from_db()
    assert msg.text == "Vattnet är tjänligt" and msg.author == are_officer


def test_the_message_service_refuses_another_municipality(are_officer, kall, valsjobyn):
    import pytest

    from sot.errors import Refused
    from sot.public import services

    message = PublicMessage(
        municipality=valsjobyn.municipality, text="Nej", published_at=timezone.now()
    )
    with pytest.raises(Refused):
        services.save_message(actor=are_officer, message=message)
    assert not PublicMessage.objects.exists()
