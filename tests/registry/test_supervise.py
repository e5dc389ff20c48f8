"""`sot serve` keeps its children running: one that dies is logged with why and
restarted after a back-off, and the others go on (#12)."""

import logging
import subprocess
import sys
import time

from sot.registry import supervise


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _python(code: str):
    return lambda: subprocess.Popen([sys.executable, "-c", code])


def _wait_exit(child):
    child.process.wait(timeout=30)


def test_a_dying_child_is_logged_and_restarted_with_backoff(caplog):
    clock = Clock()
    sup = supervise.Supervisor(clock=clock)
    dying = sup.add("task worker", _python("import sys; sys.exit(3)"))
    steady = sup.add("web server", _python("import time; time.sleep(60)"))
    try:
        _wait_exit(dying)
        with caplog.at_level(logging.WARNING, logger="sot.serve"):
            sup.check()
        assert "task worker stopped (exit status 3)" in caplog.text
        first = dying.process
        sup.check()  # back-off not over: not yet restarted
        assert dying.process is first
        clock.now += 1.0
        sup.check()
        assert dying.process is not first and dying.restarts == 1
        # it fails again: the back-off doubles
        _wait_exit(dying)
        sup.check()
        assert dying.restart_at == clock.now + 2.0
        assert steady.process.poll() is None  # the web server was never touched
        assert steady.restarts == 0
    finally:
        sup.stop(timeout_s=5)
    assert steady.process.poll() is not None


def test_a_killed_child_says_which_signal():
    assert supervise.describe_exit(-9) == "killed by SIGKILL"
    assert supervise.describe_exit(1) == "exit status 1"


def test_backoff_is_capped_and_resets_after_a_healthy_run():
    clock = Clock()
    sup = supervise.Supervisor(clock=clock)
    child = sup.add("scheduler", _python("import sys; sys.exit(1)"))
    try:
        for _ in range(8):
            _wait_exit(child)
            sup.check()
            clock.now = child.restart_at
            sup.check()
        assert child.backoff_s == supervise.MAX_BACKOFF_S
        child.start = _python("import time; time.sleep(60)")
        _wait_exit(child)
        sup.check()
        clock.now = child.restart_at
        sup.check()
        clock.now += supervise.HEALTHY_AFTER_S + 1
        time.sleep(0.1)
        sup.check()
        assert child.backoff_s == supervise.FIRST_BACKOFF_S
    finally:
        sup.stop(timeout_s=5)
