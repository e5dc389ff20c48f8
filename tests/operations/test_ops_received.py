"""Records that survive a dead network: client ids, observed and received times,
newest observation wins, clocks that are wrong (services, API and web forms)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sot.accounts.models import ApiToken
from sot.operations import services as ops
from sot.operations.models import (
    FuelDelivery,
    LogEntry,
    ReportConfirmation,
    StatusReport,
)
from sot.operations.services import checklists


@pytest.fixture
def storm(are_officer):
    """A storm in Åre that began a day ago (reports may be observed hours back)."""
    from sot.registry.models import Municipality

    return ops.create_event(
        name="Storm",
        kind="storm",
        municipalities=[Municipality.objects.get(code="2321")],
        created_by=are_officer,
        starts_at=timezone.now() - timedelta(days=1),
    )


@pytest.fixture
def kall_active(storm, kall, are_officer):
    """Kall activated in the storm, a day ago."""
    return ops.activate_point(
        event=storm,
        point=kall,
        activated_by=are_officer,
        at=timezone.now() - timedelta(hours=23),
    )


def _report(storm, kall, user, **kwargs):
    kwargs.setdefault("state", "open")
    return ops.submit_status_report(
        point=kall, event=storm, reported_by=user, source="web", **kwargs
    )


def test_same_uid_is_stored_once(storm, kall, kall_active, kall_operator):
    uid = uuid.uuid4()
    first = _report(storm, kall, kall_operator, uid=uid, power_source="generator")
    again = _report(storm, kall, kall_operator, uid=uid, state="limited")
    assert again.pk == first.pk
    assert again.state == "open"
    assert StatusReport.objects.filter(activation=kall_active).count() == 1
    kall_active.refresh_from_db()
    assert kall_active.state == "open"
    # The same id is answered even when the form it came from is now stale.
    again = _report(storm, kall, kall_operator, uid=uid, based_on_report_id=0)
    assert again.pk == first.pk


def test_newest_observation_wins_whatever_the_arrival_order(
    storm, kall, kall_active, kall_operator
):
    now = timezone.now()
    newer = _report(
        storm,
        kall,
        kall_operator,
        state="limited",
        state_reason="Kortterminalen nere",
        observed_at=now - timedelta(minutes=10),
    )
    # A report made an hour ago on a phone without network arrives now.
    older = _report(
        storm,
        kall,
        kall_operator,
        state="open",
        observed_at=now - timedelta(hours=1),
        power_source="generator",
    )
    kall_active.refresh_from_db()
    assert kall_active.last_report == newer
    assert kall_active.state == "limited"
    assert older.observed_at < older.received_at
    assert older.received_at > newer.received_at
    # History keeps both, in the order they were observed.
    history = list(kall_active.reports.all())
    assert history == [newer, older]
    late = LogEntry.objects.filter(text__contains="Kom fram sent").get()
    assert late.at == older.observed_at


def test_carry_over_from_the_report_before_it_by_observation(
    storm, kall, kall_active, kall_operator
):
    now = timezone.now()
    first = _report(
        storm,
        kall,
        kall_operator,
        observed_at=now - timedelta(hours=2),
        power_source="generator",
    )
    _report(
        storm, kall, kall_operator, observed_at=now, power_source="grid", state="open"
    )
    late = _report(
        storm, kall, kall_operator, state=None, observed_at=now - timedelta(hours=1)
    )
    assert late.based_on == first
    assert late.power_source == "generator"
    assert late.state == "open"


def test_wrong_clock_is_detected_and_translated(
    storm, kall, kall_active, kall_operator
):
    now = timezone.now()
    # The phone's clock is 3 hours ahead: it says it saw it at (its) now - 5 min.
    skew = timedelta(hours=3)
    report = _report(
        storm,
        kall,
        kall_operator,
        observed_at=now + skew - timedelta(minutes=5),
        sent_at=now + skew,
    )
    assert report.clock_offset_s == pytest.approx(skew.total_seconds(), abs=5)
    assert abs(report.observed_at - (now - timedelta(minutes=5))) < timedelta(seconds=5)
    # A clock within the tolerance is network delay: kept, not flagged.
    ok = _report(
        storm,
        kall,
        kall_operator,
        observed_at=now - timedelta(minutes=1),
        sent_at=now - timedelta(seconds=20),
    )
    assert ok.observed_at == now - timedelta(minutes=1)
    assert abs(ok.clock_offset_s) < 60


def test_officials_see_the_clock_warning(
    client, storm, kall, kall_active, kall_operator, are_officer
):
    now = timezone.now()
    ahead = timedelta(hours=2)
    _report(
        storm,
        kall,
        kall_operator,
        observed_at=now + ahead - timedelta(minutes=1),
        sent_at=now + ahead,
    )
    client.force_login(are_officer)
    page = client.get(
        reverse("operations:point", args=[storm.pk, kall.slug])
    ).content.decode()
    assert "klocka" in page
    assert "2 h" in page


def test_confirmation_delivery_log_and_tick_are_idempotent(
    storm, kall, kall_active, kall_operator
):
    _report(storm, kall, kall_operator)
    uid = uuid.uuid4()
    for _ in range(3):
        ops.confirm_report(event=storm, point=kall, by=kall_operator, uid=uid)
    assert ReportConfirmation.objects.filter(uid=uid).count() == 1
    uid = uuid.uuid4()
    for _ in range(2):
        ops.record_fuel_delivery(
            point=kall,
            event=storm,
            recorded_by=kall_operator,
            delivered_l=300,
            uid=uid,
        )
    assert FuelDelivery.objects.filter(activation=kall_active).count() == 1
    uid = uuid.uuid4()
    for _ in range(2):
        ops.add_log_entry(
            event=storm, author=kall_operator, text="Hämtat ved", point=kall, uid=uid
        )
    assert LogEntry.objects.filter(text="Hämtat ved").count() == 1
    item = kall_active.checklists.get().items.first()
    uid = uuid.uuid4()
    at = timezone.now() - timedelta(minutes=30)
    ticked = checklists.tick_item(item=item, by=kall_operator, uid=uid, at=at)
    assert ticked.done_uid == uid
    assert ticked.done_at == at
    assert ticked.done_received_at > at
    # A uid used for one thing cannot be used for another.
    other = kall_active.checklists.get().items.last()
    with pytest.raises(ops.OperationRefused) as exc:
        checklists.tick_item(item=other, by=kall_operator, uid=uid)
    assert exc.value.code == "uid_conflict"


def test_uid_of_another_point_is_refused(
    storm, kall, kall_active, valsjobyn, coordinator, kall_operator
):
    ops.activate_point(event=storm, point=valsjobyn, activated_by=coordinator)
    uid = uuid.uuid4()
    _report(storm, kall, kall_operator, uid=uid)
    with pytest.raises(ops.OperationRefused) as exc:
        ops.submit_status_report(
            point=valsjobyn,
            event=storm,
            reported_by=coordinator,
            source="web",
            state="open",
            uid=uid,
        )
    assert exc.value.code == "uid_conflict"


def test_api_repeats_answer_with_the_stored_report(
    client, storm, kall, kall_active, kall_operator
):
    secret = ApiToken.issue(user=kall_operator, name="t")[1]
    h = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = f"/api/v1/operations/events/{storm.pk}/points/kall/reports"
    uid = str(uuid.uuid4())
    observed = (timezone.now() - timedelta(minutes=40)).isoformat()
    body = {"state": "open", "uid": uid, "observed_at": observed}
    first = client.post(url, body, content_type="application/json", **h)
    second = client.post(url, body, content_type="application/json", **h)
    assert first.status_code == second.status_code == 201, first.content
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["uid"] == uid
    assert first.json()["received_at"] > first.json()["observed_at"]
    assert StatusReport.objects.filter(activation=kall_active).count() == 1
    listed = client.get(url, **h).json()
    assert [r["uid"] for r in listed] == [uid]


def test_web_form_double_submit_stores_once(
    client, storm, kall, kall_active, kall_operator
):
    client.force_login(kall_operator)
    url = reverse("operations:report", args=[storm.pk, kall.slug])
    page = client.get(url).content.decode()
    assert 'name="uid"' in page and 'name="observed_at"' in page
    uid = str(uuid.uuid4())
    post = {"based_on": "0", "state": "open", "uid": uid, "observed_at": ""}
    assert client.post(url, post).status_code == 302
    # The second press of the button posts the same form again.
    assert client.post(url, post).status_code == 302
    assert StatusReport.objects.filter(activation=kall_active).count() == 1


def test_outbox_post_answers_json_and_queued_skips_the_stale_check(
    client, storm, kall, kall_active, kall_operator
):
    client.force_login(kall_operator)
    url = reverse("operations:report", args=[storm.pk, kall.slug])
    h = {"HTTP_X_SOT_OUTBOX": "1"}
    first = client.post(url, {"based_on": "0", "state": "open"}, **h)
    assert first.status_code == 200
    assert first.json()["ok"] is True
    # Online and stale: refused with 409 so the page can show the new values.
    stale = client.post(url, {"based_on": "0", "state": "limited"}, **h)
    assert stale.status_code == 409
    assert stale.json()["ok"] is False
    # Queued while offline: accepted; the newest observation decides.
    observed = (timezone.now() - timedelta(hours=1)).isoformat()
    queued = client.post(
        url,
        {
            "based_on": "0",
            "state": "limited",
            "state_reason": "x",
            "queued": "1",
            "uid": str(uuid.uuid4()),
            "observed_at": observed,
            "sent_at": timezone.now().isoformat(),
        },
        **h,
    )
    assert queued.status_code == 200, queued.content
    kall_active.refresh_from_db()
    assert kall_active.state == "open"
    assert StatusReport.objects.filter(activation=kall_active).count() == 2
    bad = client.post(url, {"state": "nonsense", "queued": "1"}, **h)
    assert bad.status_code == 422
    assert bad.json()["error"]


def test_service_worker_and_manifest(client):
    sw = client.get("/drift/sw.js")
    assert sw.status_code == 200
    assert sw["Content-Type"].startswith("text/javascript")
    body = sw.content.decode()
    assert "__PRECACHE__" not in body and "/drift/punkt/" in body
    assert 'importScripts("/static/operations/outbox.js")' in body
    manifest = client.get("/drift/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["scope"] == "/drift/" and data["display"] == "standalone"
