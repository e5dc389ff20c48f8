"""Keep the processes of `sot serve` running: a child that dies is logged with its
exit status and started again after a back-off, instead of taking the others down.

The task worker dies, for instance, when SQLite stays locked past its busy timeout
during a long write; it is restarted after 1 s, then 2, 4, ... up to 30 s while it
keeps failing, and the back-off resets once a child has run for a minute.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("sot.serve")

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
HEALTHY_AFTER_S = 60.0


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


@dataclass
class Child:
    name: str
    start: Callable[[], subprocess.Popen]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff_s: float = FIRST_BACKOFF_S
    restart_at: float | None = None
    restarts: int = 0

    def launch(self, now: float) -> None:
        self.process = self.start()
        self.started_at = now
        self.restart_at = None


@dataclass
class Supervisor:
    children: list[Child] = field(default_factory=list)
    clock: Callable[[], float] = time.monotonic
    stopping: bool = False

    def add(self, name: str, start: Callable[[], subprocess.Popen]) -> Child:
        child = Child(name, start)
        child.launch(self.clock())
        self.children.append(child)
        return child

    def check(self) -> None:
        """Notice children that died; restart those whose back-off has passed."""
        now = self.clock()
        for child in self.children:
            if self.stopping:
                return
            proc = child.process
            if child.restart_at is None and proc is not None:
                code = proc.poll()
                if code is None:
                    if now - child.started_at > HEALTHY_AFTER_S:
                        child.backoff_s = FIRST_BACKOFF_S
                    continue
                child.restart_at = now + child.backoff_s
                log.error(
                    "%s stopped (%s) after %.0f s; restarting in %.0f s",
                    child.name,
                    describe_exit(code),
                    now - child.started_at,
                    child.backoff_s,
                )
                child.backoff_s = min(child.backoff_s * 2, MAX_BACKOFF_S)
            if child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                log.warning("%s restarting (restart %d)", child.name, child.restarts)
                child.launch(now)

    def stop(self, timeout_s: float = 15) -> None:
        self.stopping = True
        for child in self.children:
            if child.process is not None and child.process.poll() is None:
                child.process.terminate()
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                child.process.kill()

    def run(self, *, tick_s: float = 0.5) -> None:
        while not self.stopping:
            self.check()
            time.sleep(tick_s)
