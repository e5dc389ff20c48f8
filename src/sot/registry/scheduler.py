"""Periodic work: the scheduler enqueues each app's periodic tasks when they are due.

The Django tasks API has no clock of its own, so `sot scheduler` (started by
`sot serve` beside the task worker) wakes every few seconds and enqueues:

- the freshness check (points whose reports went stale become *unknown*);
- the messaging sweep (retries and call-out reminders that are due);
- the publish sweep (changes to the snapshot that wait without a task);
- the feed polling, when `SOT_FEED_POLLING` is on (it re-enqueues itself);
- on a box (`sot box init`), the sync with central every `SOT_BOX_SYNC_S` seconds.

The work itself runs in the task worker, so it is the same whether the scheduler,
cron or a person starts it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from sot.config import env

log = logging.getLogger("sot.scheduler")

SCHEDULER_TICK_S = env.register(
    env.Setting(
        "SOT_SCHEDULER_TICK_S",
        "60",
        "Seconds between rounds of the periodic scheduler that `sot serve` runs "
        "(freshness check, message retries and reminders).",
        kind="int",
    )
)
FEED_POLLING = env.register(
    env.Setting(
        "SOT_FEED_POLLING",
        "false",
        "Poll the live warning feeds (SMHI, Krisinformation, VMA) from the scheduler. "
        "Needs network access to them; turn on in production.",
        kind="bool",
    )
)


@dataclass
class Periodic:
    name: str
    every_s: float
    run: Callable[[], object]
    last: float = field(default=-1e18)


def _enqueue(path: str) -> Callable[[], object]:
    def run():
        module, name = path.rsplit(".", 1)
        return getattr(import_module(module), name).enqueue()

    return run


def _feed_polling() -> object:
    from sot.warnings.tasks import schedule_polling

    return schedule_polling(every_s=30)


def _publish_sweep() -> object:
    from sot.public.tasks import sweep_pending

    return sweep_pending()


def periodic_jobs(tick_s: int) -> list[Periodic]:
    """The jobs this install runs, each with its interval."""
    jobs = [
        Periodic(
            "freshness",
            max(tick_s, 30),
            _enqueue("sot.operations.tasks.mark_stale_points"),
        ),
        Periodic("messages", max(tick_s, 30), _enqueue("sot.outreach.tasks.sweep")),
        Periodic("publish", max(tick_s, 30), _publish_sweep),
    ]
    if FEED_POLLING.value():
        jobs.append(Periodic("feeds", 60, _feed_polling))
    from sot.box import sync as box_sync

    if box_sync.is_box():
        # On a box: push and pull whenever central answers (a failure just waits).
        jobs.append(
            Periodic("box", box_sync.BOX_SYNC_S.value(), box_sync.scheduled_sync)
        )
    return jobs


def run_due(jobs: list[Periodic], now: float) -> list[str]:
    """Run every job whose interval has passed; a failing job is logged, not fatal."""
    ran = []
    for job in jobs:
        if now - job.last >= job.every_s:
            job.last = now
            try:
                job.run()
                ran.append(job.name)
            except Exception:
                log.exception("periodic job %s failed", job.name)
    return ran


def loop(*, once: bool = False) -> None:
    tick_s = SCHEDULER_TICK_S.value()
    jobs = periodic_jobs(tick_s)
    log.info("scheduler: %s every %s s", ", ".join(j.name for j in jobs), tick_s)
    while True:
        run_due(jobs, time.monotonic())
        if once:
            return
        time.sleep(min(5.0, tick_s))
