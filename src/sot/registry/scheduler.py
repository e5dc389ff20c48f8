"""Periodic work: one registry that each app connects to, and the scheduler that
enqueues what is due.

The Django tasks API has no clock of its own, so `sot scheduler` (started by
`sot serve` beside the task worker) wakes every few seconds and runs what is due.
Each app registers its periodic work in its ``AppConfig.ready`` with
:func:`register_periodic`, naming its own task (defined in its ``tasks.py``, beside
its services); the scheduler names no app and no task:

- operations: the freshness check (points whose reports went stale become *unknown*);
- outreach: the messaging sweep (retries and call-out reminders that are due);
- public: the publish sweep (changes to the snapshot that wait without a task);
- warnings: the polling of warning sources, when `SOT_WARNINGS_POLLING` is on (it
  re-enqueues itself);
- box: on a box (`sot box init`), the sync with central every `SOT_BOX_SYNC_S` s.

A registered django-tasks task is enqueued, so the work runs in the task worker and
is the same whether the scheduler, cron or a person starts it; a plain callable is
called in the scheduler (to decide cheaply whether to enqueue anything).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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

#: The interval of work that runs "every scheduler round": the tick, at least 30 s.
EVERY_TICK: Callable[[int], float] = lambda tick_s: max(tick_s, 30)  # noqa: E731


@dataclass(frozen=True)
class Registration:
    """Periodic work an app registered: run ``work`` every ``every_s`` seconds (a
    number, or a function of the scheduler's tick) while ``when()`` holds."""

    name: str
    every_s: float | Callable[[int], float]
    work: Callable[..., object]
    when: Callable[[], bool] | None = None

    def interval(self, tick_s: int) -> float:
        return self.every_s(tick_s) if callable(self.every_s) else self.every_s

    def run(self) -> object:
        enqueue = getattr(self.work, "enqueue", None)  # a django-tasks Task
        return enqueue() if enqueue is not None else self.work()


_registry: dict[str, Registration] = {}


def register_periodic(
    name: str,
    every_s: float | Callable[[int], float],
    work: Callable[..., object],
    *,
    when: Callable[[], bool] | None = None,
) -> Registration:
    """Register periodic work (call it from the app's ``AppConfig.ready``).

    ``work`` is a django-tasks task (enqueued when due) or a callable (called in
    the scheduler). ``when`` is asked each time the jobs are built (e.g. a setting,
    or "this install is a box"). Registering a name again replaces it.
    """
    registration = Registration(name, every_s, work, when)
    _registry[name] = registration
    return registration


def registered() -> list[Registration]:
    """Every registration, in the order the apps registered them."""
    return list(_registry.values())


@dataclass
class Periodic:
    name: str
    every_s: float
    run: Callable[[], object]
    last: float = field(default=-1e18)


def periodic_jobs(tick_s: int) -> list[Periodic]:
    """The jobs this install runs, each with its interval: the registered work
    whose condition holds."""
    return [
        Periodic(r.name, r.interval(tick_s), r.run)
        for r in registered()
        if r.when is None or r.when()
    ]


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
