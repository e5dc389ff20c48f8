"""The box's copy of the public snapshot, kept in step file by file (#16).

The box tells central what it has (path -> SHA-256); central answers with a zip of
the files that differ and, in :data:`META`, the whole list, so the box writes only
what changed (each file atomically) and removes what is gone. A sync in which
nothing changed writes nothing.

Central's side of it, :func:`site_files`: when central publishes a snapshot
(``SOT_PUBLISH_DIR``, kept up to date file by file by the incremental publisher),
the box mirrors that published folder, so nothing is rendered for a box at all;
otherwise the site is rendered in memory for the request.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils import timezone

from sot.public import site
from sot.public.core import snapshot

#: The zip entry with the whole list and the time of the snapshot (never a page:
#: the site has no file of that name).
META = ".sot-box-snapshot.json"
#: The box keeps its list beside the snapshot folder, not inside what it serves.
LOCAL_MANIFEST = "snapshot.manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- central ------------------------------------------------------------------------


def site_files() -> tuple[str, dict[str, str], Callable[[str], bytes]]:
    """(when the snapshot was made, path -> SHA-256, read one file) of what a box
    should mirror: central's published snapshot if there is one, else a fresh
    in-memory build."""
    directory = settings.PUBLISH_DIR
    if directory:
        # Changes still waiting for the task worker (the records this box has just
        # pushed among them) are published first, so the box shows its own reports
        # after one sync; incremental, and a box's sync is no crowd request.
        site.publish_pending(directory)
        build = Path(directory).resolve()  # one build, even if a publish swaps
        manifest = snapshot.current_manifest(build)
        if manifest and manifest.get("files"):
            entries = manifest["files"]
            files = {
                path: entry["sha256"]
                for path, entry in entries.items()
                if not (path.endswith(".gz") and path[:-3] in entries)
            }
            generated = manifest.get("generated") or timezone.now().isoformat()
            return generated, files, lambda path: (build / path).read_bytes()
    built = site.build_files()
    return (
        timezone.now().isoformat(),
        {path: sha256(body) for path, body in built.items()},
        built.__getitem__,
    )


def changes_zip(have: Mapping[str, str]) -> tuple[bytes, str, int]:
    """The zip for a box that has ``have``: the files that differ, and :data:`META`.
    Returns (zip, snapshot time, number of files in it)."""
    built_at, files, read = site_files()
    changed = sorted(p for p, digest in files.items() if have.get(p) != digest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in changed:
            archive.writestr(path, read(path))
        archive.writestr(META, json.dumps({"built_at": built_at, "files": files}))
    return buffer.getvalue(), built_at, len(changed)


# -- box ----------------------------------------------------------------------------


class BadSnapshot(ValueError):
    """A file name or content in the answer that the box refuses to write."""


def local_manifest(target: Path) -> dict[str, str]:
    """What the box has (path -> SHA-256); a file gone from disk is not claimed."""
    try:
        listed = json.loads((target.parent / LOCAL_MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return {
        path: digest for path, digest in listed.items() if (target / path).is_file()
    }


def _safe(target: Path, name: str) -> Path:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise BadSnapshot(f"ogiltigt filnamn i ögonblicksbilden: {name}")
    path = (target / name).resolve()
    if not str(path).startswith(str(target.resolve()) + os.sep):
        raise BadSnapshot(f"ogiltigt filnamn i ögonblicksbilden: {name}")
    return path


def _write(path: Path, data: bytes) -> None:
    """Write ``path`` atomically (a reader sees the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(data)
    os.replace(part, path)


def apply_zip(
    target: Path, content: bytes, have: Mapping[str, str]
) -> tuple[list[str], list[str], str]:
    """Write the files of central's answer into ``target`` and remove those central
    no longer has. Returns (written, removed, snapshot time)."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            meta = json.loads(archive.read(META))
        except KeyError:
            raise BadSnapshot("svaret saknar förteckningen över filerna") from None
        files: dict[str, str] = meta["files"]
        written = []
        for info in archive.infolist():
            if info.filename == META:
                continue
            path = _safe(target, info.filename)
            data = archive.read(info)
            if files.get(info.filename) != sha256(data):
                raise BadSnapshot(f"kontrollsumman stämmer inte: {info.filename}")
            _write(path, data)
            written.append(info.filename)
    removed = []
    for path in sorted(set(have) - set(files)):
        try:
            _safe(target, path).unlink()
            removed.append(path)
        except (OSError, BadSnapshot):
            continue
    if written or removed or dict(have) != files:
        _write(target.parent / LOCAL_MANIFEST, json.dumps(files).encode())
    return written, removed, meta.get("built_at", "")
