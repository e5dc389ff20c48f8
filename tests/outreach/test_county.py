"""County subscriptions and a county's warning to residents: one message per
address whatever subscriptions brought it in, fanned out off the request."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from sot import errors
from sot.accounts.models import User
from sot.operations import services as ops
from sot.outreach import conf, fanout, subscriptions, tasks
from sot.outreach.delivery import deliver_due
from sot.outreach.models import Message, ResidentWarning, Subscription
from sot.registry.models import County, Municipality, Point


@pytest.fixture
def counties(jamtland):
    """Jämtland (23) with Åre and Krokom, and Västernorrland (22) with Sundsvall."""
    jamt = County.objects.create(code="23", name="Jämtlands län")
    vn = County.objects.create(code="22", name="Västernorrlands län")
    Municipality.objects.create(code="2281", name="Sundsvall", county_code="22")
    return jamt, vn


def _sub(address, channel="sms", **target):
    return Subscription.objects.create(
        channel=channel, address=address, state="active", **target
    )


@pytest.mark.parametrize(
    "words", ["JÄMTLAND", "jamtland", "Jämtlands län", "JAMTLANDS LAN", "LÄN 23"]
)
def test_start_with_a_county_subscribes_to_the_whole_county(counties, words):
    outcome, reply = subscriptions.sms_subscribe(phone="+46701740601", target=words)
    sub = Subscription.objects.get(address="+46701740601")
    assert sub.county == counties[0] and sub.point is None
    assert sub.municipality is None and sub.state == "active"
    assert sub.consent_method == "sms" and outcome == "subscribed to JÄMTLAND"
    assert "Jämtlands län" in reply
    # and STOPP with the county ends it
    subscriptions.sms_unsubscribe(phone="+46701740601", target="Jämtland")
    sub.refresh_from_db()
    assert sub.state == "stopped"


def test_a_municipality_of_the_same_name_is_not_taken_for_the_county(counties):
    """Åre is a municipality; only a county's own name picks the county."""
    assert subscriptions.resolve_target("Åre") == Municipality.objects.get(code="2321")
    assert subscriptions.resolve_target("Västernorrland") == counties[1]


def test_a_point_alert_reaches_county_subscribers_once_per_address(
    counties, kall_active, kall_operator, django_capture_on_commit_callbacks
):
    jamt, vn = counties
    kall = kall_active.point
    _sub("+46701", county=jamt)
    # the same number through the point, the municipality and the county: once
    _sub("+46702", point=kall)
    _sub("+46702", municipality=kall.municipality)
    _sub("+46702", county=jamt)
    # not about Kall: another county, another municipality of the county
    _sub("+46703", county=vn)
    _sub("+46704", municipality=Municipality.objects.get(code="2309"))
    with django_capture_on_commit_callbacks(execute=True):
        ops.submit_status_report(
            point=kall,
            event=kall_active.event,
            reported_by=kall_operator,
            source="web",
            state="open",
            services={"food": "yes"},
        )
    alerts = Message.objects.filter(purpose="point_opened")
    assert sorted(alerts.values_list("to", flat=True)) == ["+46701", "+46702"]


def test_a_county_warning_reaches_every_subscriber_in_the_county_once(
    monkeypatch, counties, jamtland
):
    monkeypatch.setattr(conf, "FAN_OUT_BATCH", 2)  # the duplicates cross batches
    monkeypatch.setenv("SOT_SITE_URL", "https://sot.example.se")
    jamt, vn = counties
    kall, valsjobyn = (
        Point.objects.get(slug="kall"),
        Point.objects.get(slug="valsjobyn"),
    )
    krokom = Municipality.objects.get(code="2309")
    _sub("+46701", county=jamt)
    _sub("+46702", point=valsjobyn)
    _sub("+46703", municipality=krokom)
    _sub("+46704", point=kall)
    _sub("+46704", municipality=kall.municipality)  # twice: one message
    _sub("+46704", county=jamt)  # three times
    mail = _sub("bo@example.se", channel="email", county=jamt)
    _sub("+46705", county=vn)  # another county
    Subscription.objects.create(
        channel="sms", address="+46706", county=jamt, state="stopped"
    )
    Subscription.objects.create(
        channel="sms", address="+46707", county=jamt, state="pending"
    )
    coordinator = User.objects.get(username="lansstyrelsen")
    warning = subscriptions.warn_county(
        by=coordinator, county=jamt, text="Storm i natt. Ladda  telefonen."
    )
    assert subscriptions.send_warning(warning_id=warning.pk) == 5
    sent = Message.objects.filter(purpose="county_warning")
    assert sorted(sent.values_list("to", flat=True)) == [
        "+46701",
        "+46702",
        "+46703",
        "+46704",
        "bo@example.se",
    ]
    sms = sent.get(to="+46701")
    assert sms.body == "SOT Jämtlands län: Storm i natt. Ladda telefonen."
    assert sms.resident and sms.state == "queued" and sms.segments == 1
    assert sent.get(to="bo@example.se").body.endswith(
        f"Avsluta: https://sot.example.se/prenumerera/avsluta/{mail.token}/"
    )
    warning.refresh_from_db()
    assert warning.recipients == 5 and warning.fanned_out_at is not None


def test_the_request_only_records_the_warning_and_enqueues_one_task(
    counties, django_capture_on_commit_callbacks
):
    jamt, _ = counties
    for i in range(30):
        _sub(f"+467000{i:05d}", county=jamt)
    with django_capture_on_commit_callbacks(execute=True):
        warning = subscriptions.warn_county(
            by=User.objects.get(username="lansstyrelsen"), county=jamt, text="Storm."
        )
    assert not Message.objects.filter(purpose="county_warning").exists()
    queued = DBTaskResult.objects.filter(task_path__endswith=".warn")
    assert queued.count() == 1 and queued.get().args_kwargs["args"] == [warning.pk]
    assert tasks.warn.call(warning.pk) == 30  # what the worker runs
    assert Message.objects.filter(purpose="county_warning").count() == 30


def test_only_a_coordinator_of_the_county_may_warn_it(counties):
    jamt, vn = counties
    coordinator = User.objects.get(username="lansstyrelsen")
    for user, county in (
        (User.objects.get(username="are"), jamt),  # a municipal officer
        (User.objects.get(username="kall"), jamt),  # an operator
        (coordinator, vn),  # another county
    ):
        with pytest.raises(errors.Refused):
            subscriptions.warn_county(by=user, county=county, text="Storm.")
    assert not ResidentWarning.objects.exists()


def test_a_warning_without_text_or_too_long_is_refused_clearly(counties):
    jamt, _ = counties
    coordinator = User.objects.get(username="lansstyrelsen")
    with pytest.raises(errors.Invalid, match="Skriv varningens text"):
        subscriptions.warn_county(by=coordinator, county=jamt, text="   ")
    with pytest.raises(errors.Invalid, match=r"\(text_en\) blir 3 SMS; högst 2"):
        subscriptions.warn_county(
            by=coordinator, county=jamt, text="Storm.", text_en="Storm " * 60
        )
    assert not ResidentWarning.objects.exists()
    # English subscribers get the English text, with the Swedish as fallback
    both = subscriptions.warn_county(
        by=coordinator, county=jamt, text="Storm i natt.", text_en="Storm tonight."
    )
    assert both.sms_text("en") == "SOT Jämtlands län: Storm tonight."
    only_sv = subscriptions.warn_county(by=coordinator, county=jamt, text="Storm.")
    assert only_sv.sms_text("en") == "SOT Jämtlands län: Storm."


def test_english_subscribers_get_the_english_text(counties):
    jamt, _ = counties
    Subscription.objects.create(
        channel="sms", address="+46708", county=jamt, state="active", language="en"
    )
    warning = subscriptions.warn_county(
        by=None, county=jamt, text="Storm i natt.", text_en="Storm tonight."
    )
    assert fanout.fan_out_warning(warning=warning) == 1
    assert Message.objects.get(to="+46708").body.endswith("Storm tonight.")


def test_sot_warn_residents(counties):
    jamt, _ = counties
    _sub("+46701", county=jamt)
    _sub("+46702", point=Point.objects.get(slug="kall"))
    with pytest.raises(CommandError, match="no county"):
        call_command("warn_residents", "Storm.", county="99")
    with pytest.raises(CommandError):  # a municipal officer may not
        call_command("warn_residents", "Storm.", county="23", by="are")
    call_command(
        "warn_residents", "Storm i natt.", county="23", by="lansstyrelsen", now=True
    )
    sent = Message.objects.filter(purpose="county_warning")
    assert sorted(sent.values_list("to", flat=True)) == ["+46701", "+46702"]
    assert ResidentWarning.objects.get().created_by.username == "lansstyrelsen"


def test_the_email_form_and_the_api_take_a_county(client, counties, mailoutbox):
    jamt, _ = counties
    page = client.post(
        "/prenumerera/",
        {"email": "bo@example.se", "target": "Jämtlands län", "language": "sv"},
    )
    assert page.status_code == 200
    sub = Subscription.objects.get(address="bo@example.se")
    assert (sub.county, sub.state) == (jamt, "pending")
    response = client.post(
        "/api/v1/notify/subscriptions",
        {"email": "jo@example.se", "target": "Jämtland", "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert Subscription.objects.get(address="jo@example.se").county == jamt
    deliver_due()  # the confirmation mails
    assert "SOT Jämtlands län" in mailoutbox[0].subject
    assert "alerts about SOT Jämtlands län" in mailoutbox[1].subject


def test_the_api_sends_a_county_warning_off_the_request(
    client, counties, django_capture_on_commit_callbacks
):
    from sot.accounts.models import ApiToken

    jamt, _ = counties
    for i in range(20):
        _sub(f"+467000{i:05d}", county=jamt)
    coordinator = User.objects.get(username="lansstyrelsen")
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=coordinator, name='t')[1]}"
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/api/v1/notify/warnings",
            {"county": "23", "text": "Storm i natt."},
            content_type="application/json",
            **headers,
        )
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["recipients"] is None and body["county"] == "23"
    assert not Message.objects.filter(purpose="county_warning").exists()
    assert DBTaskResult.objects.filter(task_path__endswith=".warn").count() == 1
    tasks.warn.call(body["id"])  # the worker
    got = client.get(f"/api/v1/notify/warnings/{body['id']}", **headers).json()
    assert got["recipients"] == 20 and got["fanned_out_at"]
    # an officer may neither send nor read it; a text too long is a clear 422
    officer = User.objects.get(username="are")
    other = {
        "HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=officer, name='t')[1]}"
    }
    assert (
        client.post(
            "/api/v1/notify/warnings",
            {"county": "23", "text": "Storm."},
            content_type="application/json",
            **other,
        ).status_code
        == 403
    )
    assert (
        client.get(f"/api/v1/notify/warnings/{body['id']}", **other).status_code == 403
    )
    long = client.post(
        "/api/v1/notify/warnings",
        {"county": "23", "text": "Storm " * 50},
        content_type="application/json",
        **headers,
    )
    assert long.status_code == 422 and "högst 2" in long.json()["detail"]
    assert ResidentWarning.objects.count() == 1


def test_the_county_coordinators_page_sends_a_warning(
    client, counties, django_capture_on_commit_callbacks
):
    jamt, _ = counties
    _sub("+46701", county=jamt)
    url = "/utskick/lan/23/varningar/"
    client.force_login(User.objects.get(username="are"))
    assert client.get(url).status_code == 403  # a municipal officer
    client.force_login(User.objects.get(username="lansstyrelsen"))
    page = client.get(url)
    assert page.status_code == 200 and "Inga varningar ännu." in page.content.decode()
    too_long = client.post(url, {"text": "Storm " * 49})
    assert "högst 2. Korta den." in too_long.content.decode()
    assert not ResidentWarning.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"text": "Storm i natt.", "exercise": "on"})
    assert sent.status_code == 302 and sent["Location"] == url
    warning = ResidentWarning.objects.get()
    assert warning.exercise and warning.created_by.username == "lansstyrelsen"
    assert DBTaskResult.objects.filter(task_path__endswith=".warn").count() == 1
    tasks.warn.call(warning.pk)
    assert Message.objects.get(to="+46701").body == (
        "ÖVNING SOT Jämtlands län: Storm i natt."
    )
    listed = client.get(url).content.decode()
    assert "Storm i natt." in listed and "<td>1</td>" in listed


def test_the_coordinators_dashboard_links_the_county_warning(
    client, counties, coordinator, are_officer
):
    """The county warning page is reached from the officials' dashboard, by those
    who may send one (the county coordinator), not by a municipal officer."""
    from django.urls import reverse

    url = reverse("outreach:county-warnings", args=["23"])
    client.force_login(coordinator)
    page = client.get(reverse("operations:dashboard")).content.decode()
    assert f'href="{url}"' in page and "Varna invånarna i länet" in page
    assert client.get(url).status_code == 200
    client.force_login(are_officer)
    page = client.get(reverse("operations:dashboard")).content.decode()
    assert url not in page
