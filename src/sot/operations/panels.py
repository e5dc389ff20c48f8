"""Panels other apps contribute to the officials' pages in operations.

Operations lies below warnings (and other apps) in the layers contract, so its
views may not import them; yet the dashboard, the event page and the point page
show what those apps know (warning sources' health, warnings in force...). An app above
connects a contributor here in its ``AppConfig.ready`` (as periodic work is
connected with :func:`sot.registry.scheduler.register_periodic`)::

    panels.contribute("point", my_panel)   # my_panel(user, point=point) -> dict

and the view merges what the contributors return into its template context with
:func:`context`. A contributor returns only the keys it may show to ``user``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: The pages that take panels, and the object each contributor is called with.
PAGES = ("dashboard", "event", "point")

Contributor = Callable[..., dict[str, Any]]

_contributors: dict[str, list[Contributor]] = {page: [] for page in PAGES}


def contribute(page: str, contributor: Contributor) -> None:
    """Have ``contributor(user, **objects)`` add to ``page``'s context (once)."""
    if page not in _contributors:
        raise ValueError(f"unknown page {page!r}; pages: {', '.join(PAGES)}")
    if contributor not in _contributors[page]:
        _contributors[page].append(contributor)


def context(page: str, user: Any, **objects: Any) -> dict[str, Any]:
    """What the contributors to ``page`` add to its context for ``user``."""
    out: dict[str, Any] = {}
    for contributor in _contributors[page]:
        out.update(contributor(user, **objects))
    return out
