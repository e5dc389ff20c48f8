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
    assert not any("feeds" in p for p in paths)  # SOT_FEED_POLLING is off by default
