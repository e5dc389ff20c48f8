"""Rendered public pages kept in Django's cache, keyed by the public version.

The version is the newest :class:`~sot.public.models.PublicChange` id. Every save
or delete of a model whose data the public pages show (the registry, operations,
public and warnings apps, less the bookkeeping models in ``NOT_PUBLIC``), every
many-to-many change there and every ``public_state_changed`` inserts a row in the
same transaction, so the first request after a change commits gets a new key and
renders afresh; nothing is ever served from before the change. An entry also
expires after ``http.MAX_AGE_S`` (30 s), the age browsers may reuse a page anyway,
so what depends on the clock alone (a report growing stale) is at most that old.

Entries are what is sent: the gzip bytes and the strong ETags of both
representations, so a hit costs one indexed ``MAX(id)`` query and a cache read,
and an ``If-None-Match`` that matches is a 304 before anything is rendered. The
``pages`` cache (``CACHES`` in the settings) is bounded (``MAX_ENTRIES``), so a
worker's memory does not grow with the number of pages asked for.
"""

from __future__ import annotations

import os

from django.core.cache import caches
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from sot.operations.signals import public_state_changed
from sot.public.models import PublicChange

#: apps whose data the public pages show
PUBLIC_APPS = frozenset({"registry", "operations", "public", "warnings"})
#: their bookkeeping models, which change no public page
NOT_PUBLIC = frozenset(
    {
        "public.publicchange",
        "public.pendingpublish",
        "registry.importjob",
        "warnings.warningsource",
    }
)
#: rows kept; older ones are deleted now and then
KEEP_ROWS = 100
PRUNE_EVERY = 500
CACHE_ALIAS = "pages"


def cache():
    return caches[CACHE_ALIAS]


def version() -> int:
    """The public version: the newest change id (0 before the first change)."""
    table = connection.ops.quote_name(PublicChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 (no input)
        row = cursor.fetchone()
    return row[0] or 0


def changed() -> None:
    """Record a public change (inside the caller's transaction)."""
    change = PublicChange.objects.create()
    if change.pk % PRUNE_EVERY == 0:
        PublicChange.objects.filter(pk__lt=change.pk - KEEP_ROWS).delete()


def _settings_stamp() -> int:
    """The ``SOT_*`` settings (a tile server, the site URL) shape pages too; they
    change with a restart, but a test may change them in place. Hashing the raw
    environment (already bytes) costs microseconds; the mapping's own items()
    would decode every variable."""
    raw = getattr(os.environ, "_data", None)
    items = raw.items() if isinstance(raw, dict) else os.environ.items()
    return hash(tuple(items))


def key(path: str) -> str:
    language = translation.get_language()
    return f"sot-page:{version()}:{_settings_stamp()}:{language}:{path}"


def _is_public(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return (
        meta is not None
        # a migration's historical models: the table may not exist yet
        and sender.__module__ != "__fake__"
        and meta.app_label in PUBLIC_APPS
        and meta.label_lower not in NOT_PUBLIC
    )


def _on_save_or_delete(sender, raw=False, **kwargs):
    if not raw and _is_public(sender):
        changed()


def _on_m2m(sender, action="", **kwargs):
    # the through model belongs to the app of the model that declares the field
    if action.startswith("post_") and _is_public(sender):
        changed()


def _on_public_state_changed(sender, **kwargs):
    changed()


def connect() -> None:
    post_save.connect(_on_save_or_delete, dispatch_uid="sot.public.pagecache.save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="sot.public.pagecache.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="sot.public.pagecache.m2m")
    public_state_changed.connect(
        _on_public_state_changed, dispatch_uid="sot.public.pagecache.state"
    )
