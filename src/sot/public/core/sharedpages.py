"""Rendered public pages shared by the processes of one machine, in a folder (#15).

Each web worker keeps the pages it rendered in its own memory (the ``pages``
cache). Alone, that meant every worker rendered every page once per version of
the data: with two workers, the second one to be asked for the national GeoJSON
spent two seconds on it while a crowd waited, which was the p99 of the county
page and the feed under load. This store sits behind the per-process cache: a
worker that misses a page reads it here before rendering, and one that renders
writes it here, so a page is rendered once per version by one process of the
machine and read by the others.

- **One render at a time across processes**: the render of a page is done under
  an exclusive ``flock`` on one of ``LOCK_STRIPES`` lock files chosen by the key;
  a process that finds it taken waits (polling, at most ``wait_s``) and reads what
  the other wrote, or, when it has an older copy to send meanwhile, sends that.
- **Entries are what is sent**: a small JSON header (the key, fresh-until time,
  the ETags) and the body (gzip bytes when there are any), written to a temporary
  file and renamed into place, so a reader never sees half an entry. A file that
  cannot be read (truncated, another format) is a miss.
- **Bounded**: entries older than ``keep_s`` are deleted now and then by the
  process that writes (every ``PRUNE_EVERY`` writes), and so are the oldest when
  there are more than ``max_files``.
- **Rendered ahead**: a page whose render is slow (the national GeoJSON: most of
  a second) is *marked* (:meth:`SharedPages.mark_ahead`, a small file in
  ``ahead/`` whose time says when the page was last asked for), and a renderer
  process beside the web workers (``sot render_ahead``, started by ``sot serve``)
  keeps the marked pages rendered here before they age or after a change, so that
  no web worker spends its time on them while it has a copy to send. The renderer
  says it is alive by touching ``ahead/.renderer`` (:meth:`SharedPages.beat`);
  a mark not renewed for a while is dropped (:meth:`SharedPages.ahead`).

Nothing here imports Django: :mod:`sot.public.http` decides what is kept and for
how long, :mod:`sot.public.pagecache` names the folder (one per database, so two
installs or two test runs on one machine never share a page).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

#: lock files a store has at most; two pages whose keys share one wait for each
#: other's render (a 1 in LOCK_STRIPES chance for any two)
LOCK_STRIPES = 1024
#: how often a waiting process looks whether the lock came free, in seconds
POLL_S = 0.005
#: writes between two prunings, per process
PRUNE_EVERY = 64
FORMAT = 1
#: the longest header read on its own (keys are short; ETags 66 characters)
HEADER_MAX = 8192

#: (fresh until, (identity ETag, gzip bytes or None, gzip ETag or None,
#: identity bytes or None)): the entry of sot.public.http
Entry = tuple[float, tuple]


class SharedPages:
    def __init__(self, root: str | os.PathLike, *, keep_s: float, max_files: int):
        self.root = Path(root)
        self.keep_s = keep_s
        self.max_files = max_files
        self._writes = 0

    # -- entries ------------------------------------------------------------

    def _name(self, key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()[:40]

    def get(self, key: str) -> Entry | None:
        """The entry kept under ``key``, fresh or not; None when there is none
        (or it cannot be read)."""
        try:
            with open(self.root / f"{self._name(key)}.page", "rb") as f:
                raw = f.read()
        except OSError:
            return None
        header, sep, body = raw.partition(b"\n")
        meta = _header(header, key) if sep else None
        if meta is None or len(body) != meta.get("length"):
            return None
        packed = meta["packed_etag"] is not None
        entry = (
            meta["plain_etag"],
            body if packed else None,
            meta["packed_etag"],
            None if packed else body,
        )
        return (meta["fresh_until"], entry)

    def fresh_until(self, key: str) -> float | None:
        """Until when the entry under ``key`` is fresh, read from its header
        alone (the renderer asks four times a second; the national GeoJSON's
        body is 300 KB); None when there is none."""
        try:
            with open(self.root / f"{self._name(key)}.page", "rb") as f:
                header = f.readline(HEADER_MAX)
        except OSError:
            return None
        meta = _header(header, key)
        return None if meta is None else float(meta["fresh_until"])

    def put(self, key: str, stored: Entry) -> None:
        """Keep ``stored`` under ``key`` for every process (atomically)."""
        fresh_until, (plain_etag, packed, packed_etag, plain) = stored
        body = packed if packed is not None else plain
        header = json.dumps(
            {
                "format": FORMAT,
                "key": key,
                "fresh_until": fresh_until,
                "plain_etag": plain_etag,
                "packed_etag": packed_etag if packed is not None else None,
                "length": len(body),
            }
        ).encode()
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header + b"\n" + body)
            os.replace(tmp, self.root / f"{self._name(key)}.page")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._writes += 1
        if self._writes % PRUNE_EVERY == 0:
            self.prune()

    # -- the render lock ----------------------------------------------------

    @contextlib.contextmanager
    def lock(self, key: str, *, wait_s: float) -> Iterator[bool]:
        """Hold the render lock of ``key``: yields True when held, False when
        another process still held it after ``wait_s`` seconds (0: do not wait)."""
        locks = self.root / "locks"
        locks.mkdir(mode=0o700, parents=True, exist_ok=True)
        stripe = int(self._name(key)[:8], 16) % LOCK_STRIPES
        fd = os.open(locks / f"{stripe}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + wait_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as e:
                    if e.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(POLL_S)
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- housekeeping -------------------------------------------------------

    def prune(self, *, now: float | None = None) -> int:
        """Delete the entries older than ``keep_s`` and, past ``max_files``, the
        oldest; also temporary files a killed writer left. Returns how many."""
        now = time.time() if now is None else now
        try:
            scanned = list(os.scandir(self.root))
        except FileNotFoundError:
            return 0
        kept: list[tuple[float, str]] = []
        doomed: list[str] = []
        for item in scanned:
            if not item.name.endswith((".page", ".tmp")):
                continue
            try:
                mtime = item.stat().st_mtime
            except FileNotFoundError:
                continue
            if now - mtime > self.keep_s:
                doomed.append(item.path)
            elif item.name.endswith(".page"):
                kept.append((mtime, item.path))
        if len(kept) > self.max_files:
            kept.sort()
            doomed += [path for _, path in kept[: len(kept) - self.max_files]]
        for path in doomed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        return len(doomed)

    def clear(self) -> None:
        """Delete every entry and every mark (the lock files stay)."""
        self.prune(now=float("inf"))
        for path, language in self.ahead(idle_s=float("inf")):
            self.unmark_ahead(path, language)

    # -- pages rendered ahead -----------------------------------------------

    def _mark(self, path: str, language: str) -> Path:
        return self.root / "ahead" / f"{self._name(language + chr(0) + path)}.json"

    def mark_ahead(self, path: str, language: str) -> None:
        """Ask the renderer to keep the page at ``path`` in ``language`` rendered
        (or, when it is marked already, say it was asked for now)."""
        mark = self._mark(path, language)
        try:
            os.utime(mark)
            return
        except FileNotFoundError:
            pass
        mark.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=mark.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"format": FORMAT, "path": path, "language": language}, f)
        os.replace(tmp, mark)

    def touch_ahead(self, path: str, language: str) -> bool:
        """Renew the mark of the page (it was asked for); False when it has none."""
        try:
            os.utime(self._mark(path, language))
        except FileNotFoundError:
            return False
        return True

    def is_ahead(self, path: str, language: str) -> bool:
        return self._mark(path, language).exists()

    def unmark_ahead(self, path: str, language: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._mark(path, language))

    def ahead(
        self, *, idle_s: float, now: float | None = None
    ) -> list[tuple[str, str]]:
        """The marked pages as (path, language), sorted; a mark not renewed in
        ``idle_s`` seconds (nobody asked for the page) is deleted instead, and so
        is one that cannot be read."""
        now = time.time() if now is None else now
        try:
            scanned = list(os.scandir(self.root / "ahead"))
        except FileNotFoundError:
            return []
        pages: list[tuple[str, str]] = []
        for item in scanned:
            if not item.name.endswith(".json"):
                continue
            try:
                if now - item.stat().st_mtime > idle_s:
                    os.unlink(item.path)
                    continue
                with open(item.path, encoding="utf-8") as f:
                    meta = json.load(f)
                pages.append((meta["path"], meta["language"]))
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError, TypeError):
                with contextlib.suppress(OSError):
                    os.unlink(item.path)
        return sorted(pages)

    def beat(self) -> None:
        """The renderer is alive (:meth:`renderer_alive`)."""
        beat = self.root / "ahead" / ".renderer"
        try:
            os.utime(beat)
        except FileNotFoundError:
            beat.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            beat.touch(mode=0o600)

    def renderer_alive(self, *, within_s: float, now: float | None = None) -> bool:
        """True when a renderer said it was alive in the last ``within_s`` s."""
        now = time.time() if now is None else now
        try:
            return now - (self.root / "ahead" / ".renderer").stat().st_mtime <= within_s
        except FileNotFoundError:
            return False


def _header(line: bytes, key: str) -> dict | None:
    """The header of an entry kept under ``key``, or None when ``line`` is not
    one (another format, another key, not JSON)."""
    try:
        meta = json.loads(line)
    except ValueError:
        return None
    if (
        not isinstance(meta, dict)
        or meta.get("format") != FORMAT
        or meta.get("key") != key
        or not isinstance(meta.get("fresh_until"), int | float)
    ):
        return None
    return meta
