"""Turn SOT_DATABASE_URL into a Django DATABASES entry."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


class DatabaseURLError(ValueError):
    """A database URL sot cannot use."""


def parse_database_url(url: str, *, base_dir: Path | None = None) -> dict:
    """Return a Django database dict for a sqlite:/// or postgres:// URL."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "sqlite":
        path = url.split("sqlite://", 1)[1]
        if path.startswith("/"):
            path = path[1:]  # sqlite:///rel -> rel ; sqlite:////abs -> /abs
        if not path:
            raise DatabaseURLError(
                "a sqlite URL needs a file path: sqlite:///sot.sqlite3"
            )
        name = Path(path)
        if not name.is_absolute() and base_dir is not None:
            name = base_dir / name
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; the busy timeout
                # makes a second writer wait instead of failing at once.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON;"
                ),
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
            # Tests use a file too, not SQLite's shared in-memory database: Django's
            # live server would otherwise share one connection between its request
            # threads, so two requests at once (an outbox retry and Background Sync
            # sending one report) would run inside each other's transaction, which no
            # real server does.
            "TEST": {"NAME": str(name.with_name(f"{name.stem}-test{name.suffix}"))},
        }
    if scheme in ("postgres", "postgresql", "pgsql"):
        if not parsed.path or parsed.path == "/":
            raise DatabaseURLError(
                "a postgres URL needs a database name: postgres://host/sot"
            )
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path[1:]),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise DatabaseURLError(
        f"unsupported database URL scheme {scheme!r}: use sqlite:///file or postgres://..."
    )
