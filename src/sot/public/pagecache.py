"""Rendered public pages kept in Django's cache, keyed by the public version.

The version is the newest :class:`~sot.public.models.PublicChange` id (with the
number of change rows, see :func:`read_version`). Every save
or delete of a model whose data the public pages show (the registry, operations,
public and warnings apps, less the bookkeeping models in ``NOT_PUBLIC``), every
many-to-many change there and every ``public_state_changed`` inserts a row in the
same transaction, so the first request after a change commits gets a new key and
renders afresh; nothing is ever served from before the change. An entry also
expires after ``http.MAX_AGE_S`` (30 s), the age browsers may reuse a page anyway,
so what depends on the clock alone (a report growing stale) is at most that old.

The version is read from the database at most once every ``CHECK_S``
(``SOT_PAGE_CACHE_CHECK_MS``, 1 s) per process, and at once after a change this
process made itself (the signals below bump a per-process generation, both when
the change is saved and when it commits). So a change shows on the next request
to the worker that made it, and within ``CHECK_S`` in every other worker or app
server (a change made by the task worker, say); that is the documented bound on
how stale a live page can be after a change (docs/scaling.md).

Entries are what is sent: the gzip bytes and the strong ETags of both
representations, so a hit costs a cache read and no query at all, and an
``If-None-Match`` that matches is a 304 before anything is rendered. The
``pages`` cache (``CACHES`` in the settings) is bounded (``MAX_ENTRIES``), so a
worker's memory does not grow with the number of pages asked for.

Behind it, when ``SOT_PAGE_CACHE_DIR`` names a folder (``sot serve`` gives its
workers one of their own when it is empty), the rendered pages are also shared by
the processes of the machine (:func:`shared`, :mod:`sot.public.core.sharedpages`): a
page is rendered once per version by one process and read by the others. The
keys hold nothing that differs between processes (the settings stamp is a CRC of
the ``SOT_*`` settings, not Python's salted ``hash``). A page slow to
render is rendered there ahead by the page renderer (:mod:`sot.public.ahead`).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import zlib

from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from sot.config import env
from sot.operations.signals import public_state_changed
from sot.public.core.sharedpages import SharedPages
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
#: how long a process trusts the version it last read, in seconds
CHECK_S = env.get("SOT_PAGE_CACHE_CHECK_MS") / 1000
#: the clock the check follows (a test may move it)
clock = time.monotonic


def cache():
    return caches[CACHE_ALIAS]


#: the shared stores made so far, by folder (one object per folder and process,
#: for its count of writes between prunings); holds no data
_stores: dict[str, SharedPages] = {}
#: what the shared folder keeps: the longest a page is kept (sot.public.http:
#: MAX_AGE_S x (1 + KEEP_STALE_FACTOR); a test holds them equal) and a bound on
#: the files, like the per-process cache's MAX_ENTRIES
SHARED_KEEP_S = 180
SHARED_MAX_FILES = 5000


def shared() -> SharedPages | None:
    """The store of rendered pages this machine's processes share, in a folder of
    ``SOT_PAGE_CACHE_DIR`` of its own per database (two installs, or two test
    databases, on one machine never share a page); None when the setting is empty."""
    root = env.get("SOT_PAGE_CACHE_DIR")
    if not root:
        return None
    db = connection.settings_dict
    identity = f"{db['ENGINE']}|{db.get('HOST', '')}|{db.get('PORT', '')}|{db['NAME']}"
    folder = os.path.join(root, hashlib.sha256(identity.encode()).hexdigest()[:16])
    store = _stores.get(folder)
    if store is None:
        store = _stores[folder] = SharedPages(
            folder, keep_s=SHARED_KEEP_S, max_files=SHARED_MAX_FILES
        )
    return store


class _Known:
    """The version this process last read, when, and at which generation (the
    count of changes this process has made, bumped by the signals)."""

    value: tuple[int, int] | None = None
    read_at = 0.0
    read_generation = -1
    generation = 0


_known = _Known()
_bump_lock = threading.Lock()


def read_version() -> tuple[int, int]:
    """The public version from the database: the newest change id and the number
    of change rows ((0, 0) before the first change). The count is there for two
    writers that commit out of order: the one with the smaller id, committing
    second, leaves the newest id as it was but adds a row. It counts at most a
    few hundred rows (older ones are pruned)."""
    table = connection.ops.quote_name(PublicChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id), COUNT(*) FROM {table}")  # noqa: S608
        row = cursor.fetchone()
    return (row[0] or 0, row[1])


def version() -> tuple[int, int]:
    """The public version as this process knows it: read again when ``CHECK_S``
    has passed since the last read or this process has changed something since."""
    now = clock()
    generation = _known.generation
    if (
        _known.value is not None
        and _known.read_generation == generation
        and now - _known.read_at < CHECK_S
    ):
        return _known.value
    value = read_version()
    # a read that started before a change (generation moved on meanwhile) is
    # stored under its own generation, so the next request reads again
    _known.value, _known.read_at, _known.read_generation = value, now, generation
    return value


def _bump() -> None:
    with _bump_lock:
        _known.generation += 1


def forget() -> None:
    """Forget the version read and every kept page (tests: a rolled-back test
    gives its change ids out again)."""
    _bump()
    cache().clear()
    store = shared()
    if store is not None:
        store.clear()


def changed() -> None:
    """Record a public change (inside the caller's transaction); this process
    reads the version again now and once more when the change commits."""
    change = PublicChange.objects.create()
    _bump()
    transaction.on_commit(_bump)
    if change.pk % PRUNE_EVERY == 0:
        PublicChange.objects.filter(pk__lt=change.pk - KEEP_ROWS).delete()


#: the settings stamp by the environment's salted hash (a few entries at most:
#: emptied when it holds more)
_stamps: dict[int, int] = {}


def _shapes_pages(name: str) -> bool:
    """The environment variables the pages depend on: the ``SOT_*`` settings and
    the settings module (not ``SERVER_SOFTWARE``, which gunicorn sets in its
    workers and not in the page renderer, nor anything else of the shell)."""
    return name.startswith("SOT_") or name == "DJANGO_SETTINGS_MODULE"


def _settings_stamp() -> int:
    """The ``SOT_*`` settings (a tile server, the site URL) shape pages too; they
    change with a restart, but a test may change them in place. The stamp is a
    CRC of those variables (already bytes), the same in every process with the
    same settings (Python's ``hash`` is salted per interpreter), looked up by the
    salted hash of the whole raw environment, which costs a microsecond; the
    mapping's own items() would decode every variable."""
    raw = getattr(os.environ, "_data", None)
    if not isinstance(raw, dict):
        text = "\0".join(
            f"{k}={v}" for k, v in sorted(os.environ.items()) if _shapes_pages(k)
        )
        return zlib.crc32(text.encode("utf-8", "surrogateescape"))
    salted = hash(tuple(raw.items()))
    stamp = _stamps.get(salted)
    if stamp is None:
        if len(_stamps) >= 8:
            _stamps.clear()
        stamp = _stamps[salted] = zlib.crc32(
            b"\0".join(
                k + b"=" + v
                for k, v in sorted(raw.items())
                if k.startswith(b"SOT_") or k == b"DJANGO_SETTINGS_MODULE"
            )
        )
    return stamp


def key(path: str, language: str | None = None) -> str:
    """The cache key of the page at ``path`` in ``language`` (the active one when
    not given) at the public version this process knows."""
    language = language or translation.get_language()
    newest, rows = version()
    return f"sot-page:{newest}.{rows}:{_settings_stamp()}:{language}:{path}"


def last_key(path: str, language: str | None = None) -> str:
    """Where the newest copy of the page at ``path`` in ``language`` is pointed
    to, whatever its version (:func:`sot.public.http.cached_page` answers it
    while the page of a newer version is being rendered)."""
    language = language or translation.get_language()
    return f"sot-last:{_settings_stamp()}:{language}:{path}"


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


def _on_setting_changed(**kwargs):
    # a test changed the settings in place: pages and their headers follow them
    forget()


def connect() -> None:
    setting_changed.connect(
        _on_setting_changed, dispatch_uid="sot.public.pagecache.settings"
    )
    post_save.connect(_on_save_or_delete, dispatch_uid="sot.public.pagecache.save")
    post_delete.connect(_on_save_or_delete, dispatch_uid="sot.public.pagecache.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="sot.public.pagecache.m2m")
    public_state_changed.connect(
        _on_public_state_changed, dispatch_uid="sot.public.pagecache.state"
    )
