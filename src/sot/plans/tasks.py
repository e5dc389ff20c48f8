"""Background tasks of the planning app (django-tasks, database backend).

The task is defined beside the work it runs (:func:`sot.plans.runner.execute_run`,
as outreach's are); this module names it, so a run queued under this path before it
moved still runs.
"""

from __future__ import annotations

from sot.plans.runner import execute_run

__all__ = ["execute_run"]
