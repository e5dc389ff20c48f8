"""Consistent backups of the database, with checksums, and restores."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _checksum_file(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args


def make_backup(target: Path | None = None) -> tuple[Path, str]:
    """Write a consistent backup and its checksum file; return (path, sha256)."""
    db = connection.settings_dict
    vendor = connection.vendor
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    ext = "sqlite3" if vendor == "sqlite" else "pgdump"
    target = target or Path("backups") / f"sot-{stamp}.{ext}"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    if vendor == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(tmp)
        try:
            connection.connection.backup(dest)  # online backup: consistent under writes
        finally:
            dest.close()
    elif vendor == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError(
                "pg_dump is not installed (apt-get install postgresql-client)"
            )
        result = subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "-f",
                str(tmp),
                *_pg_args(db),
                db["NAME"],
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"backups are not supported for {vendor}")
    tmp.replace(target)
    digest = sha256_of(target)
    _checksum_file(target).write_text(f"{digest}  {target.name}\n")
    return target, digest


def verify(path: Path) -> str:
    """Check a backup against its .sha256 file; return the digest."""
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    sums = _checksum_file(path)
    if not sums.is_file():
        raise BackupError(f"no checksum file {sums.name} beside the backup")
    expected = sums.read_text().split()[0]
    actual = sha256_of(path)
    if actual != expected:
        raise BackupError(
            f"checksum mismatch for {path.name}: the file is damaged or was changed "
            f"(expected {expected[:12]}…, got {actual[:12]}…)"
        )
    return actual


def restore_backup(path: Path) -> None:
    """Replace the current database with a verified backup."""
    verify(path)
    db = connection.settings_dict
    vendor = connection.vendor
    if vendor == "sqlite":
        with sqlite3.connect(path) as src:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the backup fails SQLite's integrity check")
        connection.ensure_connection()
        src = sqlite3.connect(path)
        try:
            src.backup(connection.connection)
        finally:
            src.close()
    elif vendor == "postgresql":
        if shutil.which("pg_restore") is None:
            raise BackupError(
                "pg_restore is not installed (apt-get install postgresql-client)"
            )
        connection.close()
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                db["NAME"],
                *_pg_args(db),
                str(path),
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"restore is not supported for {vendor}")
