"""Republishing runs in the task queue: a change in a web process writes down what
changed and enqueues one debounced task; the task worker publishes (#10)."""

from __future__ import annotations

import threading

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from sot.public import site, tasks
from sot.public.models import PendingPublish


def _publish_tasks(name="publish_pending"):
    return DBTaskResult.objects.filter(task_path=f"sot.public.tasks.{name}")


def _run_worker(name="publish_pending") -> int:
    """Run the waiting publish tasks with the task worker's own ``run_task`` (as
    `sot serve`'s worker does), without waiting out their debounce."""
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
    ran = 0
    while row := _publish_tasks(name).filter(status="READY").first():
        row.claim("test")
        worker.run_task(row)
        ran += 1
    return ran


def _report(point, event, user, state, note=""):
    from sot.operations import services as ops

    ops.submit_status_report(
        point=point,
        event=event,
        reported_by=user,
        source="web",
        state=state,
        state_reason="Elverket stannade" if state == "closed" else "",
        public_note=note,
    )


@pytest.fixture
def published(tmp_path, settings, kall_open):
    """A published snapshot in SOT_PUBLISH_DIR with Kall open."""
    settings.PUBLISH_DIR = str(tmp_path / "site")
    site.publish(settings.PUBLISH_DIR)
    return tmp_path / "site"


def test_a_change_enqueues_the_task_and_starts_no_thread(
    published,
    exercise,
    kall,
    kall_operator,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    started = []
    real_start = threading.Thread.start
    monkeypatch.setattr(
        threading.Thread,
        "start",
        lambda self: started.append(self.name) or real_start(self),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _report(kall, exercise, kall_operator, "closed")
    assert started == []  # the web process started no thread
    page = published / "punkt" / "kall" / "index.html"
    assert "Stängd" not in page.read_text()  # nothing published in the request
    queued = _publish_tasks().get()
    assert queued.status == "READY"
    assert queued.run_after > queued.enqueued_at  # debounced
    assert list(PendingPublish.objects.values_list("slug", flat=True)) == ["kall"]
    assert _run_worker() == 1
    assert "Stängd" in page.read_text()
    assert _publish_tasks().get().status == "SUCCESSFUL"
    assert not PendingPublish.objects.exists()


def test_a_burst_of_changes_gives_one_publish(
    published,
    exercise,
    kall,
    kall_operator,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    runs = []
    real = site.publish_changes
    monkeypatch.setattr(
        site,
        "publish_changes",
        lambda *a, **kw: runs.append(kw) or real(*a, **kw),
    )
    states = ["limited", "closed", "open", "closed", "limited"]
    for i, state in enumerate(states):
        with django_capture_on_commit_callbacks(execute=True):
            _report(kall, exercise, kall_operator, state, note=f"Rapport {i}")
    assert _publish_tasks().count() == 1  # one task for the burst
    assert PendingPublish.objects.count() == len(states)
    assert _run_worker() == 1
    assert len(runs) == 1 and runs[0]["slugs"] == {"kall"}
    page = (published / "punkt" / "kall" / "index.html").read_text()
    assert "Öppen med begränsningar" in page and "Rapport 4" in page
    # a change after the run gets a task of its own
    with django_capture_on_commit_callbacks(execute=True):
        _report(kall, exercise, kall_operator, "open")
    assert _publish_tasks().filter(status="READY").count() == 1


def test_an_event_change_rebuilds_everything(published, monkeypatch):
    runs = []
    real = site.publish_changes
    monkeypatch.setattr(
        site,
        "publish_changes",
        lambda *a, **kw: runs.append(kw) or real(*a, **kw),
    )
    tasks.request_publish(slugs=["kall"])
    tasks.request_publish()  # e.g. an event changed: the whole site
    assert _run_worker() == 1
    assert len(runs) == 1 and runs[0]["slugs"] is None
    assert not PendingPublish.objects.exists()


def test_a_failed_publish_keeps_the_changes(published, monkeypatch):
    tasks.request_publish(slugs=["kall"])
    real = site.publish_changes
    disk_full = [True]

    def publish_changes(*a, **kw):
        if disk_full[0]:
            raise OSError("disk full")
        return real(*a, **kw)

    monkeypatch.setattr(site, "publish_changes", publish_changes)
    _run_worker()
    assert _publish_tasks().get().status == "FAILED"
    assert PendingPublish.objects.count() == 1  # retried by the next run
    disk_full[0] = False
    assert tasks.sweep_pending()  # the scheduler's safety net enqueues it
    assert _run_worker() == 1
    assert not PendingPublish.objects.exists()


def test_without_a_publish_dir_nothing_is_written_down(settings, kall):
    settings.PUBLISH_DIR = ""
    assert tasks.request_publish(slugs=["kall"]) is False
    assert not PendingPublish.objects.exists() and not _publish_tasks().exists()


def test_the_lists_follow_in_the_slow_queue(
    published, exercise, kall, kall_operator, django_capture_on_commit_callbacks
):
    """The change's own pages first; the files listing every point in a task of
    the slow queue (its own worker under `sot serve`), once for a burst."""
    from sot.public import incremental

    geo = published / "punkter.geojson"
    for state in ("closed", "limited"):
        with django_capture_on_commit_callbacks(execute=True):
            _report(kall, exercise, kall_operator, state, note="Strax stängt")
        assert _run_worker() == 1
    assert "Strax stängt" in (published / "punkt" / "kall" / "index.html").read_text()
    assert "Strax stängt" not in geo.read_text()
    waiting = _publish_tasks("publish_lists").get()  # one for both changes
    assert waiting.queue_name == "slow" and waiting.priority < 0
    assert waiting.run_after > waiting.enqueued_at  # debounced
    assert incremental.lists_marker(published).exists()
    assert _run_worker("publish_lists") == 1
    assert "Strax stängt" in geo.read_text()
    assert not incremental.lists_marker(published).exists()
    # lost (a worker died): the scheduler's sweep enqueues it again
    _report(kall, exercise, kall_operator, "open")
    site.publish_changes(published, slugs=["kall"])
    assert not _publish_tasks("publish_lists").filter(status="READY").exists()
    assert tasks.sweep_pending()
    assert _run_worker("publish_lists") == 1
    assert not incremental.lists_marker(published).exists()


def test_register_rows_the_pages_show_republish_them(
    published, kall, superuser, django_capture_on_commit_callbacks
):
    """A county's radio and numbers show on every point's page and notice, a
    contact on its points' pages: the snapshot follows them as the live site does
    (only points, messages and states republished it before)."""
    from sot.accounts import policy
    from sot.registry import services as register
    from sot.registry.models import BackupPower, County

    page = published / "punkt" / "kall" / "index.html"
    assert "P4 Jämtland 100,4 MHz" in page.read_text()
    county = County.objects.get(code=kall.municipality.county_code)
    county.crisis_radio = "P4 Jämtland 99,9 MHz"
    with django_capture_on_commit_callbacks(execute=True):
        register.save_record(actor=superuser, obj=county, action=policy.ADMINISTER)
    assert PendingPublish.objects.filter(everything=True).count() == 1
    assert _run_worker() == 1
    assert "P4 Jämtland 99,9 MHz" in page.read_text()
    assert (
        "P4 Jämtland 99,9 MHz"
        in (published / "en" / "punkt" / "kall" / "index.html").read_text()
    )
    # a point's own row beside it: that point's pages
    with django_capture_on_commit_callbacks(execute=True):
        BackupPower.objects.filter(point=kall).delete()
    assert list(PendingPublish.objects.values_list("slug", flat=True)) == ["kall"]
    # a register row deleted: the whole site
    with django_capture_on_commit_callbacks(execute=True):
        register.delete_record(actor=superuser, obj=county, action=policy.ADMINISTER)
    assert PendingPublish.objects.filter(everything=True).count() == 1
