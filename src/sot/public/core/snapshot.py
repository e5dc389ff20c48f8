"""Atomic publication of a static site folder, with a manifest of checksums.

``publish(target, files)`` writes every file into a new sibling folder
``.<name>.build-<stamp>``, adds ``manifest.json`` (SHA-256 and size of every file) and
a ``.gz`` twin of each text file (for nginx ``gzip_static``), then points ``target``
(a symbolic link) at the new folder with one ``rename(2)``, which is atomic on POSIX:
a reader sees the old site or the new one, never a mix. Older builds are removed,
keeping ``keep`` of them.

If ``target`` exists as a plain folder (made by hand or by another tool) it is moved
aside first; that first switch is the only one that is not atomic. Publishers are
serialised with an advisory lock (``.<name>.lock``), so several server processes
may call this at once.

``update(target, files)`` writes a few files into the published build, each
atomically, for incremental publishing. It does not rewrite ``manifest.json`` (at
national scale 50 000 entries, megabytes of JSON): it appends what changed, one
JSON line, to the build's journal ``.manifest.jsonl``, and every
``JOURNAL_MAX`` lines writes ``manifest.json`` whole again with the offset of the
journal it includes (``journal_offset``). :func:`current_manifest` reads both, so
its readers (verify, the box mirror, the push to object storage) always see every
file; within a process the manifest is kept and only the journal's new lines are
read.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
#: The journal of incremental updates beside the manifest (one JSON object a line:
#: ``generated``, the changed ``files`` with null for a removed one, ``set``/``del``
#: of the keys of dict-valued extras, ``put`` of other extras).
JOURNAL = ".manifest.jsonl"
#: Journal lines after which ``update`` writes the whole manifest again, so that a
#: fresh reader has at most this many lines to apply.
JOURNAL_MAX = 200
#: gzip level of the ``.gz`` twins: 6 is within a few per cent of 9 in size and
#: about twice as fast on the large feeds.
GZIP_LEVEL = 6
COMPRESSIBLE = (
    ".html",
    ".css",
    ".json",
    ".geojson",
    ".xml",
    ".atom",
    ".csv",
    ".svg",
    ".txt",
    ".js",
)


@dataclass(frozen=True)
class Result:
    path: Path
    build: Path
    files: int
    changed: bool


def _check_relpath(relpath: str) -> PurePosixPath:
    pure = PurePosixPath(relpath)
    if (
        pure.is_absolute()
        or ".." in pure.parts
        or not pure.parts
        or relpath.endswith("/")
    ):
        raise ValueError(f"not a safe relative file path: {relpath!r}")
    return pure


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_for(files: Mapping[str, bytes]) -> dict[str, dict]:
    return {
        path: {"sha256": sha256(data), "bytes": len(data)}
        for path, data in sorted(files.items())
    }


#: build folder -> (stamp, merged manifest): a process that publishes again and
#: again (the task worker) reads the manifest once and then only the journal's
#: new lines.
_CACHE: dict[Path, tuple[tuple, dict]] = {}


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _copy(manifest: dict) -> dict:
    """A copy to apply journal lines to: a manifest handed out is never changed
    (another thread may be reading it)."""
    return {k: dict(v) if isinstance(v, dict) else v for k, v in manifest.items()}


def _apply(manifest: dict, change: dict) -> None:
    """Apply one journal line to ``manifest`` (a :func:`_copy`) in place."""
    files = manifest.setdefault("files", {})
    for path, entry in change.get("files", {}).items():
        if entry is None:
            files.pop(path, None)
        else:
            files[path] = entry
    for key, values in change.get("set", {}).items():
        manifest.setdefault(key, {}).update(values)
    for key, gone in change.get("del", {}).items():
        for k in gone:
            manifest.get(key, {}).pop(k, None)
    manifest.update(change.get("put", {}))
    if "generated" in change:
        manifest["generated"] = change["generated"]


def _read_journal(build: Path, manifest: dict, offset: int) -> None:
    """Apply the complete journal lines from byte ``offset`` to ``manifest`` (a
    :func:`_copy`), and note how far it is read (a line being appended is left
    for the next read) and how many lines it holds since the manifest was last
    written whole."""
    try:
        with open(build / JOURNAL, "rb") as f:
            f.seek(offset)
            tail = f.read()
    except OSError:
        tail = b""
    end = tail.rfind(b"\n") + 1
    lines = [line for line in tail[:end].splitlines() if line.strip()]
    for line in lines:
        _apply(manifest, json.loads(line))
    manifest["_journal_read"] = offset + end
    manifest["_journal_lines"] = manifest.get("_journal_lines", 0) + len(lines)


def current_manifest(target: Path | str) -> dict | None:
    """The manifest of the build published at ``target`` with its journal applied
    (None when there is none). The dict is shared with later calls in this
    process: read it, do not change it."""
    build = Path(target).resolve()
    base = _stat(build / MANIFEST)
    if base is None:
        return None
    journal = _stat(build / JOURNAL)
    stamp = (base, journal)
    cached = _CACHE.get(build)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if cached is not None and cached[0][0] == base and journal is not None:
        manifest = _copy(cached[1])  # the same manifest: the journal's new lines
        offset = manifest["_journal_read"]
    else:
        try:
            manifest = json.loads((build / MANIFEST).read_text())
        except (OSError, ValueError):
            return None
        offset = manifest.get("journal_offset", 0)
    _read_journal(build, manifest, offset)
    if _stat(build / MANIFEST) != base:  # written whole meanwhile: read it again
        _CACHE.pop(build, None)
        return current_manifest(target)
    _remember(build, stamp, manifest)  # stat before reading: never ahead of it
    return manifest


def _remember(build: Path, stamp: tuple, manifest: dict) -> None:
    _CACHE.pop(build, None)
    _CACHE[build] = (stamp, manifest)
    while len(_CACHE) > 2:  # the current build and the one before it
        _CACHE.pop(next(iter(_CACHE)))


def manifest_stamp(target: Path | str) -> tuple | None:
    """Which manifest is published now (the manifest's and the journal's inode,
    mtime and size): a manifest read with this stamp is still current while the
    stamp is unchanged (every update appends to the journal or replaces the
    manifest, and a full publish swaps the folder)."""
    build = Path(target).resolve()
    base = _stat(build / MANIFEST)
    return None if base is None else (base, _stat(build / JOURNAL))


def manifest_json(manifest: Mapping, *, complete: bool = False) -> str:
    """``manifest`` as written; ``complete``: without the journal's offset, for a
    copy that stands alone (the one pushed to object storage)."""
    body = {
        k: v
        for k, v in manifest.items()
        if not k.startswith("_") and not (complete and k == "journal_offset")
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def with_gzip_twins(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """``files`` (each path checked) with a ``.gz`` twin beside each compressible
    one, for servers that send precompressed files (nginx ``gzip_static``)."""
    out = dict(files)
    for path, data in files.items():
        _check_relpath(path)
        if path.endswith(COMPRESSIBLE):
            out[path + ".gz"] = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    return out


def publish(
    target: Path | str,
    files: Mapping[str, bytes],
    *,
    keep: int = 2,
    extra: Mapping[str, object] | None = None,
) -> Result:
    """Publish ``files`` (relative POSIX path -> content) at ``target`` atomically.

    Nothing is swapped when the content is identical to what is published already
    (``Result.changed`` is then False).
    """
    target = Path(target).absolute()
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    # One publisher at a time per target, across processes (several server workers).
    with open(parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _publish_locked(target, parent, files, keep, extra or {})


def _publish_locked(
    target: Path, parent: Path, files: Mapping[str, bytes], keep: int, extra: Mapping
) -> Result:
    all_files = with_gzip_twins(files)
    entries = manifest_for(all_files)
    old = current_manifest(target)
    if old is not None and old.get("files") == entries:
        return Result(target, target.resolve(), len(all_files), changed=False)

    stamp = (
        time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 10**9:09d}"
    )
    build = parent / f".{target.name}.build-{stamp}-{os.getpid()}"
    build.mkdir()
    try:
        for path, data in all_files.items():
            dest = build / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        manifest = {
            **extra,
            "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "files": entries,
        }
        (build / MANIFEST).write_text(manifest_json(manifest))
        for d in (build, *(p for p in build.rglob("*") if p.is_dir())):
            d.chmod(0o755)
        if target.exists() and not target.is_symlink():
            target.rename(parent / f".{target.name}.old-{stamp}")
        link = parent / f".{target.name}.link-{stamp}-{os.getpid()}"
        link.symlink_to(build.name)
        os.replace(link, target)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    _prune(target, build, keep)
    return Result(target, build, len(all_files), changed=True)


def update(
    target: Path | str,
    files: Mapping[str, bytes],
    *,
    removed: tuple[str, ...] | list[str] = (),
    extra: Mapping[str, object] | None = None,
    manifest: dict | None = None,
    stamp: tuple | None = None,
) -> Result:
    """Write only ``files`` (and drop ``removed``) into the published build, each
    file replaced atomically (a temporary file and ``rename(2)``), then append
    what changed to the manifest's journal. For incremental republishing: the
    work follows the number of files changed, not the size of the site. A reader
    sees each file old or new; the site as a whole is updated file by file within
    milliseconds (a full ``publish`` swaps everything at once). ``extra`` keys are
    kept in the manifest beside ``files`` (e.g. content hashes of sources); of a
    dict-valued one only the keys that changed are journalled. Raises
    FileNotFoundError when nothing is published yet: call ``publish`` first.
    ``manifest`` and ``stamp`` are accepted for callers that read the manifest
    already; it is read here anyway (from this process's copy when current).
    """
    target = Path(target).absolute()
    parent = target.parent
    # the twins and checksums before taking the lock: megabytes of gzip for the
    # lists must not hold up another publisher's few pages
    all_files = with_gzip_twins(files)
    digests = {path: sha256(data) for path, data in all_files.items()}
    with open(parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = current_manifest(target)
        if current is None or not target.is_symlink():
            raise FileNotFoundError(f"no published snapshot at {target}")
        build = target.resolve()
        entries = current.setdefault("files", {})
        written: dict[str, dict | None] = {}
        for path, data in all_files.items():
            entry = {"sha256": digests[path], "bytes": len(data)}
            if entries.get(path) == entry:
                continue
            dest = build / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.parent.chmod(0o755)
            tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
            tmp.write_bytes(data)
            tmp.chmod(0o644)
            os.replace(tmp, dest)
            written[path] = entry
        for path in removed:
            _check_relpath(path)
            for p in (path, path + ".gz"):
                if p in entries and p not in written:
                    (build / p).unlink(missing_ok=True)
                    written[p] = None
        change: dict = {"files": written} if written else {}
        for key, value in (extra or {}).items():
            old = current.get(key)
            if isinstance(value, Mapping) and isinstance(old, dict):
                put = {k: v for k, v in value.items() if old.get(k) != v}
                gone = [k for k in old if k not in value]
                if put:
                    change.setdefault("set", {})[key] = put
                if gone:
                    change.setdefault("del", {})[key] = gone
            elif old != value:
                change.setdefault("put", {})[key] = value
        if change:
            change["generated"] = datetime.now(UTC).replace(microsecond=0).isoformat()
            _journal(build, current, change)
        return Result(target, build, len(entries), changed=bool(written))


def _journal(build: Path, manifest: dict, change: dict) -> None:
    """Append ``change`` to the build's journal and apply it to ``manifest``, the
    cached copy; every ``JOURNAL_MAX`` lines write the manifest whole again."""
    line = json.dumps(change, ensure_ascii=False, separators=(",", ":")) + "\n"
    with open(build / JOURNAL, "ab") as f:
        f.write(line.encode())
        offset = f.tell()
    manifest = _copy(manifest)
    _apply(manifest, change)
    manifest["_journal_read"] = offset
    manifest["_journal_lines"] = manifest.get("_journal_lines", 0) + 1
    if manifest["_journal_lines"] >= JOURNAL_MAX:
        manifest["files"] = dict(sorted(manifest["files"].items()))
        manifest["journal_offset"] = offset
        manifest["_journal_lines"] = 0
        tmp = build / f".{MANIFEST}.tmp-{os.getpid()}"
        tmp.write_text(manifest_json(manifest))
        tmp.chmod(0o644)
        os.replace(tmp, build / MANIFEST)
    _remember(build, (_stat(build / MANIFEST), _stat(build / JOURNAL)), manifest)


def _prune(target: Path, current: Path, keep: int) -> None:
    builds = sorted(
        (p for p in target.parent.glob(f".{target.name}.build-*") if p != current),
        key=lambda p: p.name,
    )
    for old in builds[: max(len(builds) - (keep - 1), 0)]:
        shutil.rmtree(old, ignore_errors=True)


def verify(target: Path | str) -> list[str]:
    """Paths whose content does not match the manifest (empty when all is well)."""
    target = Path(target)
    manifest = current_manifest(target)
    if manifest is None:
        return [MANIFEST]
    bad = []
    for path, entry in manifest["files"].items():
        try:
            data = (target / path).read_bytes()
        except OSError:
            bad.append(path)
            continue
        if sha256(data) != entry["sha256"] or len(data) != entry["bytes"]:
            bad.append(path)
    return bad
