from pathlib import Path

from django_tasks_db.models import DBTaskResult

from sot.registry import scheduler


def test_run_due_respects_intervals_and_survives_failures():
    calls = []

    def boom():
        raise RuntimeError("feed down")

    jobs = [
        scheduler.Periodic("a", 60, lambda: calls.append("a")),
        scheduler.Periodic("b", 10, boom),
    ]
    assert scheduler.run_due(jobs, now=1000) == ["a"]  # b failed, logged, not fatal
    assert scheduler.run_due(jobs, now=1005) == []
    assert scheduler.run_due(jobs, now=1011) == []  # b ran (and failed) again
    assert scheduler.run_due(jobs, now=1061) == ["a"]
    assert calls == ["a", "a"]


def test_one_round_enqueues_the_periodic_tasks(db):
    scheduler.loop(once=True)
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "sot.operations.tasks.mark_stale_points" in paths
    assert "sot.outreach.tasks.sweep" in paths
    # SOT_WARNINGS_POLLING is off by default
    assert not any(p.startswith("sot.warnings.") for p in paths)


def test_the_periodic_set_is_what_the_apps_registered(db, monkeypatch):
    """The scheduler names no app's task: its jobs are the registry's, each app
    registering its own task in its AppConfig.ready."""
    from sot.box import tasks as box_tasks
    from sot.operations import tasks as ops_tasks
    from sot.outreach import tasks as outreach_tasks
    from sot.public import tasks as public_tasks
    from sot.warnings import tasks as warnings_tasks

    by_name = {r.name: r for r in scheduler.registered()}
    assert by_name["freshness"].work is ops_tasks.mark_stale_points
    assert by_name["messages"].work is outreach_tasks.sweep
    assert by_name["publish"].work is public_tasks.sweep_pending
    assert by_name["warnings"].work is warnings_tasks.keep_polling
    assert by_name["box"].work is box_tasks.sync
    code = Path(scheduler.__file__).read_text().split('"""', 2)[2]  # past the doc
    for app in ("operations", "outreach", "public", "warnings", "box"):
        assert f"sot.{app}" not in code  # the scheduler names no app

    # a new registration is run by the scheduler without touching it
    calls = []
    monkeypatch.setattr(scheduler, "_registry", dict(scheduler._registry))
    scheduler.register_periodic("extra", 5, lambda: calls.append("x"))
    scheduler.register_periodic("never", 5, lambda: calls.append("n"), when=bool)
    jobs = scheduler.periodic_jobs(60)
    names = [j.name for j in jobs]
    assert names[-1] == "extra" and "never" not in names
    assert {j.name: j.every_s for j in jobs}["freshness"] == 60
    assert "extra" in scheduler.run_due(jobs, now=0) and calls == ["x"]


def test_a_registered_task_is_enqueued(db, monkeypatch):
    from sot.operations import tasks as ops_tasks

    monkeypatch.setattr(scheduler, "_registry", {})
    scheduler.register_periodic("freshness", 30, ops_tasks.mark_stale_points)
    scheduler.loop(once=True)
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "sot.operations.tasks.mark_stale_points"
    ]
