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


def current_manifest(target: Path) -> dict | None:
    try:
        return json.loads((target / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def manifest_stamp(target: Path | str) -> tuple[int, int, int] | None:
    """Which manifest file is published now (inode, mtime, size): a manifest read
    with this stamp is still current while the stamp is unchanged (every write
    replaces the file, and a full publish swaps the folder)."""
    try:
        st = (Path(target) / MANIFEST).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


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
    all_files = dict(files)
    for path, data in files.items():
        _check_relpath(path)
        if path.endswith(COMPRESSIBLE):
            all_files[path + ".gz"] = gzip.compress(
                data, compresslevel=GZIP_LEVEL, mtime=0
            )
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
        (build / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
        )
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
    stamp: tuple[int, int, int] | None = None,
) -> Result:
    """Write only ``files`` (and drop ``removed``) into the published build, each
    file replaced atomically (a temporary file and ``rename(2)``), then the
    manifest. For incremental republishing: the work follows the number of files
    changed, not the size of the site. A reader sees each file old or new; the site
    as a whole is updated file by file within milliseconds (a full ``publish`` swaps
    everything at once). ``extra`` keys are kept in the manifest beside ``files``
    (e.g. content hashes of sources). Falls back to nothing when nothing is
    published yet: call ``publish`` first. ``manifest`` is the current manifest when
    the caller has read it already, with its :func:`manifest_stamp` (at thousands
    of files, reading it is a good part of the work); it is read again here when
    another publisher replaced it meanwhile.
    """
    target = Path(target).absolute()
    parent = target.parent
    with open(parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if manifest is None or stamp is None or stamp != manifest_stamp(target):
            manifest = current_manifest(target)
        if manifest is None or not target.is_symlink():
            raise FileNotFoundError(f"no published snapshot at {target}")
        build = target.resolve()
        entries = dict(manifest.get("files", {}))
        added = False
        all_files = dict(files)
        for path, data in files.items():
            _check_relpath(path)
            if path.endswith(COMPRESSIBLE):
                all_files[path + ".gz"] = gzip.compress(
                    data, compresslevel=GZIP_LEVEL, mtime=0
                )
        changed = False
        for path, data in all_files.items():
            entry = {"sha256": sha256(data), "bytes": len(data)}
            if entries.get(path) == entry:
                continue
            changed = True
            dest = build / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.parent.chmod(0o755)
            tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
            tmp.write_bytes(data)
            tmp.chmod(0o644)
            os.replace(tmp, dest)
            added = added or path not in entries
            entries[path] = entry
        for path in removed:
            _check_relpath(path)
            for p in (path, path + ".gz"):
                if entries.pop(p, None) is not None:
                    changed = True
                    (build / p).unlink(missing_ok=True)
        if changed or extra:
            manifest = {
                **manifest,
                **(extra or {}),
                "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
                # kept in path order; sorting 50 000 paths again only when new
                # ones came
                "files": dict(sorted(entries.items())) if added else entries,
            }
            tmp = build / f".{MANIFEST}.tmp-{os.getpid()}"
            tmp.write_text(
                json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
            )
            tmp.chmod(0o644)
            os.replace(tmp, build / MANIFEST)
        return Result(target, build, len(entries), changed=changed)


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
