"""Background tasks of the feeds app (django-tasks, database backend).

``poll_due_feeds`` polls every source that is due and expires old messages. Run it
from the worker on a schedule (``sot warnings poll --loop`` does the same in the
foreground, every ``--every`` seconds).
"""

from __future__ import annotations

from django_tasks import task


@task()
def poll_due_feeds() -> dict:
    """Poll the sources that are due; returns slug -> outcome."""
    from sot.feeds import polling

    return polling.poll_due()


@task()
def poll_feed(slug: str) -> str:
    """Poll one source now (unless it is backing off); returns the outcome."""
    from sot.feeds import polling
    from sot.feeds.models import FeedSource

    source = FeedSource.objects.get(slug=slug)
    return polling.poll_source(source).outcome.value
