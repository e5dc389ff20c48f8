"""Background tasks of the public app (django-tasks, database backend)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


@task()
def publish_snapshot(
    directory: str = "", slugs: list[str] | None = None, municipalities: list = ()
) -> dict:
    """Publish the static site to ``directory`` (default SOT_PUBLISH_DIR): only what
    a change to ``slugs``/``municipalities`` affects, or everything without them."""
    from sot.public import site

    target = directory or settings.PUBLISH_DIR
    if not target:
        return {"published": False, "reason": "SOT_PUBLISH_DIR is empty"}
    result = site.publish_changes(
        target, slugs=slugs, municipalities=list(municipalities)
    )
    return {
        "published": True,
        "changed": result.changed,
        "files": result.files,
        "build": str(result.build),
    }
