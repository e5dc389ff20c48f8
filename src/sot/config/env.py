"""Every setting sot reads from the environment, declared once with default and help.

`docs/configuration.md` lists them all, and a test fails if one is missing there.
`sot check` prints the effective values with secrets masked.

A renamed setting keeps its old names as deprecated aliases (``Setting.old_names``):
an old name that is set is used when the new one is not (the new one wins when both
are), the first read logs a warning, and `sot check` shows one
(`sot.config.checks`, ids ``sot.settings.W001`` and ``sot.settings.W002``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"

log = logging.getLogger("sot.config")
_warned: set[str] = set()


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    secret: bool = False
    kind: str = "str"  # str | bool | int | list
    #: Earlier names, deprecated: still read when the setting itself is not set.
    old_names: tuple[str, ...] = ()

    def source(self, environ: dict[str, str] | None = None) -> str | None:
        """The variable the value comes from: the setting's own name, else the first
        deprecated old name that is set, else None (the default)."""
        env = os.environ if environ is None else environ
        for name in (self.name, *self.old_names):
            if name in env:
                return name
        return None

    def raw(self, environ: dict[str, str] | None = None, *, warn: bool = True) -> str:
        env = os.environ if environ is None else environ
        name = self.source(env)
        if name is None:
            return self.default
        if name != self.name and warn and name not in _warned:
            _warned.add(name)
            log.warning(
                "%s is deprecated: rename it to %s (the old name is still read)",
                name,
                self.name,
            )
        return env[name]

    def value(self, environ: dict[str, str] | None = None) -> Any:
        raw = self.raw(environ)
        name = self.source(environ) or self.name
        if self.kind == "bool":
            low = raw.strip().lower()
            if low in ("1", "true", "yes", "on"):
                return True
            if low in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(f"{name} must be true or false, got {raw!r}")
        if self.kind == "int":
            try:
                return int(raw)
            except ValueError:
                raise ValueError(
                    f"{name} must be a whole number, got {raw!r}"
                ) from None
        if self.kind == "list":
            return [part.strip() for part in raw.split(",") if part.strip()]
        return raw


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SOT_DATABASE_URL",
        "sqlite:///sot.sqlite3",
        "Database URL. `sqlite:///path` (relative to the working directory, or "
        "`sqlite:////absolute/path`) or `postgres://user:pass@host:5432/name`.",
        secret=True,
    ),
    Setting(
        "SOT_SECRET_KEY",
        DEFAULT_SECRET_KEY,
        "Django secret key. Must be set to a long random value in production.",
        secret=True,
    ),
    Setting(
        "SOT_DEBUG", "false", "Django debug mode. Never on in production.", kind="bool"
    ),
    Setting(
        "SOT_PRODUCTION",
        "false",
        "Production mode: refuse to start with the default secret key or DEBUG on, "
        "and send secure cookies.",
        kind="bool",
    ),
    Setting(
        "SOT_ALLOWED_HOSTS",
        "localhost,127.0.0.1,[::1]",
        "Comma-separated host names the server answers to.",
        kind="list",
    ),
    Setting(
        "SOT_CSRF_TRUSTED_ORIGINS",
        "",
        "Comma-separated origins (https://sot.example.se) trusted for form posts "
        "behind a proxy.",
        kind="list",
    ),
    Setting(
        "SOT_SSL_REDIRECT",
        "true",
        "In production mode, redirect plain HTTP to HTTPS (turn off only when the "
        "proxy in front already does).",
        kind="bool",
    ),
    Setting(
        "SOT_HSTS_SECONDS",
        "31536000",
        "In production mode, how long browsers must use HTTPS only (HSTS, with "
        "subdomains and preload); 0 turns HSTS off.",
        kind="int",
    ),
    Setting("SOT_HOST", "127.0.0.1", "Address `sot serve` binds to."),
    Setting("SOT_PORT", "8000", "Port `sot serve` listens on.", kind="int"),
    Setting(
        "SOT_WORKERS", "2", "Web server worker processes for `sot serve`.", kind="int"
    ),
    Setting(
        "SOT_THREADS",
        "2",
        "Threads of each web server worker of `sot serve`. Two keep the slowest "
        "cached answers near the typical ones (more threads in one interpreter "
        "wait for each other's turn: p99 26 ms against 10 ms at 3 000 points, "
        "docs/scaling.md) at about a tenth less throughput; more help only when "
        "requests wait on the database or the network.",
        kind="int",
    ),
    Setting(
        "SOT_ACCESS_LOG",
        "true",
        "Whether `sot serve` writes gunicorn's access log (one line per request) to "
        "standard output. Turn off when the proxy in front keeps its own.",
        kind="bool",
    ),
    Setting(
        "SOT_PAGE_CACHE_CHECK_MS",
        "1000",
        "How often, at most, a web worker asks the database whether the public data "
        "changed, in milliseconds: a change shows at once in the worker that made "
        "it and within this time in every other worker and app server. 0 asks on "
        "every request.",
        kind="int",
    ),
    Setting(
        "SOT_PAGE_CACHE_DIR",
        "",
        "Folder in which the web workers of one machine share the public pages they "
        "rendered, so that each page is rendered once per change by one worker "
        "instead of once by every worker. Empty: `sot serve` gives its workers a "
        "temporary folder of their own (removed when it stops); other servers keep "
        "pages per process. Only the server's user may write there: what is in it "
        "is sent to readers.",
    ),
    Setting(
        "SOT_RENDER_AHEAD_MS",
        "50",
        "A public page whose render takes this much CPU time or more (the national "
        "GeoJSON) is kept rendered by the page renderer `sot serve` starts beside "
        "the web workers, before it ages and after every change, so that no web "
        "worker renders it while it has a copy to send; in milliseconds. 0: no "
        "renderer, the web workers render every page themselves (one process of "
        "about 110 MB less; a small install, whose pages all cost less, loses "
        "nothing).",
        kind="int",
    ),
    Setting(
        "SOT_RUN_TASK_WORKER",
        "true",
        "Whether `sot serve` also starts the background task worker beside the web "
        "server (the embedded default). Turn off when a separate worker runs.",
        kind="bool",
    ),
    Setting(
        "SOT_STATIC_ROOT",
        "staticfiles",
        "Folder `sot serve` collects static files into.",
    ),
    Setting("SOT_MEDIA_ROOT", "media", "Folder for uploaded files."),
    Setting(
        "SOT_MAX_UPLOAD_MB",
        "10",
        "Largest request body and uploaded file (imports) in megabytes; larger ones "
        "are refused with 413 and a clear message before they are read.",
        kind="int",
    ),
    Setting(
        "SOT_PUBLISH_DIR",
        "",
        "Folder the public static snapshot is written to and kept current "
        "(empty: no automatic publishing).",
    ),
    Setting(
        "SOT_SITE_URL",
        "http://127.0.0.1:8000",
        "Public base URL of the site, used in feeds, the printed notices' QR codes, "
        "the snapshot and messages. Production mode refuses to start when it is "
        "empty or a loopback address; scripts/demo sets https://sot.example.se.",
    ),
    Setting(
        "SOT_LOGIN_FAILURE_LIMIT",
        "5",
        "Failed sign-ins for one user name from one address before that pair is "
        "locked out (django-axes).",
        kind="int",
    ),
    Setting(
        "SOT_LOGIN_LOCKOUT_MINUTES",
        "15",
        "How long a locked-out user name and address must wait before trying again.",
        kind="int",
    ),
    Setting("SOT_TIME_ZONE", "Europe/Stockholm", "Time zone for display."),
    Setting("SOT_LANGUAGE", "sv", "Default language of the user interface (sv or en)."),
    Setting("SOT_LOG_LEVEL", "INFO", "Log level (DEBUG, INFO, WARNING, ERROR)."),
    Setting(
        "SOT_EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend",
        "Django e-mail backend for outgoing mail.",
    ),
    Setting("SOT_EMAIL_HOST", "localhost", "SMTP host when the SMTP backend is used."),
    Setting("SOT_EMAIL_PORT", "25", "SMTP port.", kind="int"),
    Setting("SOT_EMAIL_HOST_USER", "", "SMTP user."),
    Setting("SOT_EMAIL_HOST_PASSWORD", "", "SMTP password.", secret=True),
    Setting("SOT_EMAIL_USE_TLS", "false", "Use STARTTLS for SMTP.", kind="bool"),
    Setting(
        "SOT_DEFAULT_FROM_EMAIL", "sot@localhost", "Sender address of outgoing mail."
    ),
)

BY_NAME = {s.name: s for s in SETTINGS}
#: Deprecated old name -> the setting's name now.
ALIASES: dict[str, str] = {}


def register(setting: Setting) -> Setting:
    """Declare a further setting (used by apps that add their own SOT_* settings)."""
    if setting.name in BY_NAME and BY_NAME[setting.name] != setting:
        raise ValueError(f"setting {setting.name} declared twice")
    if setting.name in ALIASES:
        raise ValueError(f"{setting.name} is an old name of {ALIASES[setting.name]}")
    for old in setting.old_names:
        if old in BY_NAME or ALIASES.get(old, setting.name) != setting.name:
            raise ValueError(f"old name {old} of {setting.name} is already taken")
    ALIASES.update(dict.fromkeys(setting.old_names, setting.name))
    BY_NAME[setting.name] = setting
    return setting


def deprecated_in_use(
    environ: dict[str, str] | None = None,
) -> list[tuple[str, str, bool]]:
    """(old name, new name, ignored) for every deprecated name that is set; ignored
    when the new name is set too (then the new one wins)."""
    env = os.environ if environ is None else environ
    return [
        (old, new, new in env) for old, new in sorted(ALIASES.items()) if old in env
    ]


def get(name: str, environ: dict[str, str] | None = None) -> Any:
    """The typed value of a declared setting."""
    return BY_NAME[name].value(environ)


def effective(environ: dict[str, str] | None = None) -> list[tuple[str, str, bool]]:
    """(name, shown value, is_default) for every setting, secrets masked."""
    env = os.environ if environ is None else environ
    rows = []
    for s in sorted(BY_NAME.values(), key=lambda s: s.name):
        raw = s.raw(env, warn=False)
        shown = raw
        if s.secret and raw:
            shown = mask(raw)
        source = s.source(env)
        if source not in (None, s.name):
            shown += f"  (from {source}, deprecated)"
        rows.append((s.name, shown, source is None))
    return rows


def mask(value: str) -> str:
    """Hide a secret, keeping a URL's scheme and host readable."""
    if "://" in value:
        scheme, rest = value.split("://", 1)
        if "@" in rest:
            creds, host = rest.rsplit("@", 1)
            user = creds.split(":", 1)[0]
            return f"{scheme}://{user}:****@{host}" if ":" in creds else value
        return value
    return "****" if len(value) < 12 else value[:2] + "****" + value[-2:]
