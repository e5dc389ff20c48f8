"""The poller with the database: health on the dashboard and in the API, and the last
good warnings staying in force while a source fails (issue #5, "done when")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from sot.warnings import polling, services, tasks
from sot.warnings.models import MessageState, WarningMessage, WarningSource

T0 = datetime(2026, 1, 15, 6, 0, tzinfo=UTC)


def mock(responses):
    """An httpx client answering with the given responses in turn."""
    queue = list(responses)
    seen = []

    def handler(request):
        seen.append(request)
        return queue.pop(0)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    client.seen = seen
    return client


def test_failing_source_is_unhealthy_while_last_good_warnings_stay(
    rules, written, client, coordinator
):
    polling.ensure_sources()
    smhi = WarningSource.objects.get(slug="smhi")
    body = (written / "smhi_ibww_jamtland_orange_wind.json").read_bytes()
    http = mock(
        [
            httpx.Response(
                200,
                content=body,
                headers={"Content-Type": "application/json", "ETag": '"a"'},
            ),
            httpx.Response(304),
            httpx.Response(500),
            httpx.Response(
                200,
                content=b'[{"id": 1, ',
                headers={"Content-Type": "application/json"},
            ),
        ]
    )
    assert polling.poll_source(smhi, client=http, now=T0).outcome == "fetched"
    smhi.refresh_from_db()
    assert smhi.etag == '"a"' and smhi.last_success_at == T0
    assert WarningMessage.objects.get().state == MessageState.IN_FORCE
    assert services.suggestions_for(coordinator).count() == 2

    t1 = T0 + timedelta(minutes=5)
    assert polling.poll_source(smhi, client=http, now=t1).outcome == "not_modified"
    assert http.seen[1].headers["If-None-Match"] == '"a"'

    t2 = T0 + timedelta(minutes=10)
    assert polling.poll_source(smhi, client=http, now=t2).outcome == "failed"
    smhi.refresh_from_db()
    assert smhi.last_error == "HTTP 500" and smhi.failures == 1
    assert smhi.retry_at == t2 + timedelta(seconds=600)  # 300 s interval, doubled
    (row,) = [r for r in polling.health(now=t2) if r["slug"] == "smhi"]
    assert row["health"] == "failing"
    # While backing off, no request is made.
    assert (
        polling.poll_source(smhi, client=http, now=t2 + timedelta(seconds=1)).outcome
        == "waiting"
    )
    # After the back-off, a truncated document is refused; the warning stays.
    t3 = t2 + timedelta(seconds=601)
    result = polling.poll_source(smhi, client=http, now=t3)
    assert result.outcome == "failed" and "malformed JSON" in result.error
    assert WarningMessage.objects.get().state == MessageState.IN_FORCE
    assert services.suggestions_for(coordinator).count() == 2

    # The coordinator's page and the API show the source as failing.
    client.force_login(coordinator)
    page = client.get("/varningar/").content.decode()
    assert "malformed JSON" in page and "Fel" in page
    assert "Vind i fjällen" in page  # the last good warning is still shown
    api = client.get("/api/v1/warnings/health").json()
    assert {r["slug"]: r["health"] for r in api}["smhi"] == "failing"


def test_poll_due_respects_intervals_and_disabled_sources(rules, written):
    polling.ensure_sources()
    WarningSource.objects.exclude(slug="vma").update(enabled=False)
    http = mock(
        [
            httpx.Response(
                200,
                content=b'{"timestamp": "x", "alerts": []}',
                headers={"Content-Type": "application/json"},
            )
        ]
    )
    assert polling.poll_due(client=http, now=T0) == {"vma": "fetched"}
    assert polling.poll_due(client=http, now=T0 + timedelta(seconds=30)) == {}
    (row,) = [
        r for r in polling.health(now=T0 + timedelta(seconds=30)) if r["slug"] == "vma"
    ]
    assert row["health"] == "ok" and row["data_age_s"] == 30
    stale = [
        r for r in polling.health(now=T0 + timedelta(hours=2)) if r["slug"] == "vma"
    ]
    assert stale[0]["health"] == "stale"


def test_polled_message_expires_but_a_replayed_import_is_kept(rules, written):
    from sot.warnings.importing import import_bytes

    data = (written / "cap_sv_wind_alert.xml").read_bytes()
    import_bytes(data=data, via="cli")  # expired in 2024: kept until ended by hand
    message = WarningMessage.objects.get()
    assert message.keep_after_expiry
    assert services.expire_messages() == 0
    WarningMessage.objects.update(keep_after_expiry=False)
    assert services.expire_messages() == 1
    assert WarningMessage.objects.get().state == MessageState.EXPIRED


def _run_queued(row: DBTaskResult) -> DBTaskResult:
    """Run one queued task as `sot serve`'s worker does (its own ``run_task``)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    row.claim("test")
    worker.run_task(row)
    row.refresh_from_db()
    return row


@pytest.mark.parametrize(
    ("old_name", "enqueue", "returned"),
    [
        ("poll_due_feeds", lambda: tasks.poll_due_sources.enqueue(every_s=60), {}),
        ("poll_feed", lambda: tasks.poll_source.enqueue("smhi"), "waiting"),
    ],
)
def test_a_task_enqueued_under_its_old_name_still_runs(
    rules, old_name, enqueue, returned
):
    """The queue keeps a task's dotted path: a poll enqueued before #10 renamed
    ``poll_due_feeds``/``poll_feed`` still runs after an upgrade (no network: the
    sources are switched off or backing off)."""
    polling.ensure_sources()
    WarningSource.objects.update(
        enabled=False, retry_at=timezone.now() + timedelta(hours=1)
    )
    enqueue()
    DBTaskResult.objects.update(task_path=f"sot.warnings.tasks.{old_name}")
    row = _run_queued(DBTaskResult.objects.get())
    assert (row.status, row.return_value) == ("SUCCESSFUL", returned)


def test_a_waiting_poll_under_the_old_name_counts_and_the_next_has_the_new(rules):
    """A self-repeating poll waiting under the old name is the one poll: nothing
    is enqueued beside it, and when it runs it enqueues the next one under the new
    name."""
    polling.ensure_sources()
    WarningSource.objects.update(enabled=False)
    assert tasks.schedule_polling(every_s=60)
    DBTaskResult.objects.update(task_path="sot.warnings.tasks.poll_due_feeds")
    assert tasks.pending_polls() == 1
    assert not tasks.schedule_polling(every_s=60)
    assert _run_queued(DBTaskResult.objects.get()).status == "SUCCESSFUL"
    (following,) = DBTaskResult.objects.filter(status="READY")
    assert following.task_path == "sot.warnings.tasks.poll_due_sources"
