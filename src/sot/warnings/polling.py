"""Polling the warning sources: one conditional request per due source, health recorded.

The HTTP and parsing logic is plain (:mod:`sot.warnings.core.fetch`); this module keeps
each :class:`WarningSource`'s memory (ETag, Last-Modified, failures, back-off) and
health in the database and stores what was fetched. A failing or misbehaving source
never raises out of :func:`poll_source`: the reason is logged and recorded, and the
messages already stored stay in force.
"""

from __future__ import annotations

import logging
from datetime import datetime

import httpx
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sot.warnings import conf, services
from sot.warnings.core import detect, fetch
from sot.warnings.core.model import Format, Status
from sot.warnings.models import WarningSource

log = logging.getLogger("sot.warnings")

KIND_BY_FORMAT = {Format.CAP_XML: "xml", Format.OUTAGE_CSV: "csv"}


def ensure_sources() -> list[WarningSource]:
    """Create the built-in sources (SMHI, Krisinformation, VMA) from the settings.

    A source whose URL setting is empty is disabled; existing rows keep their
    health and any interval set by hand.
    """
    out = []
    for slug, name, fmt, url_setting, _interval in conf.BUILTIN_SOURCES:
        url = conf.get(url_setting)
        source, created = WarningSource.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "format": fmt,
                "url": url or "",
                "enabled": bool(url),
            },
        )
        if not created and url and source.url != url:
            source.url = url
            source.save(update_fields=["url"])
        out.append(source)
    return out


def _state(source: WarningSource) -> fetch.SourceState:
    return fetch.SourceState(
        etag=source.etag,
        last_modified=source.last_modified,
        failures=source.failures,
        retry_at=source.retry_at,
    )


def poll_source(
    source: WarningSource,
    *,
    client: httpx.Client | None = None,
    now: datetime | None = None,
) -> fetch.PollResult:
    """Poll one source now (unless it is backing off) and store what it gave."""
    now = now or timezone.now()
    own_client = client is None
    client = client or httpx.Client(follow_redirects=True)
    try:
        result = fetch.poll(
            client,
            source.url,
            state=_state(source),
            parse=lambda body: detect.parse_document(body, format=source.format),
            now=now,
            interval_s=conf.interval_s(source),
            kind=KIND_BY_FORMAT.get(source.format, "json"),
            timeout_s=conf.get(conf.TIMEOUT),
            max_bytes=conf.get(conf.MAX_BYTES),
            max_backoff_s=conf.get(conf.MAX_BACKOFF),
        )
    except Exception as exc:  # the poller must survive anything a source does
        log.exception("source %s: unexpected error while polling", source.slug)
        result = fetch.PollResult(
            outcome=fetch.Outcome.FAILED,
            state=_state(source),
            error=f"unexpected {type(exc).__name__}",
        )
    if result.outcome is fetch.Outcome.WAITING:
        return result
    if result.outcome is fetch.Outcome.FETCHED and result.document is not None:
        try:
            services.import_document(
                document=result.document,
                via="poll",
                polled_from=source,
                now=now,
                status=Status.ACTUAL,
            )
        except Exception as exc:  # stored all or nothing; keep the last good state
            log.exception("source %s: could not store the document", source.slug)
            result = fetch.PollResult(
                outcome=fetch.Outcome.FAILED,
                state=_state(source),
                error=f"could not store: {type(exc).__name__}",
                status_code=result.status_code,
            )
    _record(source, result, now)
    if own_client:
        client.close()
    return result


def _record(source: WarningSource, result: fetch.PollResult, now: datetime) -> None:
    source.last_attempt_at = now
    source.last_status_code = result.status_code
    source.failures = result.state.failures
    source.retry_at = result.state.retry_at
    if result.ok:
        source.etag = result.state.etag
        source.last_modified = result.state.last_modified
        source.last_success_at = now
        source.data_as_of = now
        if result.body_sha256:
            source.last_document_sha256 = result.body_sha256
    else:
        source.last_error_at = now
        source.last_error = result.error[:2000]
        log.warning("source %s: %s", source.slug, result.error)
    with transaction.atomic():
        source.save()


def due(source: WarningSource, now: datetime) -> bool:
    """Is ``source`` due for a poll at ``now``?"""
    if not source.enabled or not source.url:
        return False
    if source.retry_at is not None:
        return now >= source.retry_at
    if source.last_attempt_at is None:
        return True
    return (now - source.last_attempt_at).total_seconds() >= conf.interval_s(source)


def poll_due(
    *, client: httpx.Client | None = None, now: datetime | None = None
) -> dict[str, str]:
    """Poll every due source, then expire messages; returns slug -> outcome."""
    now = now or timezone.now()
    outcomes = {}
    for source in WarningSource.objects.filter(enabled=True):
        if due(source, now):
            outcomes[source.slug] = poll_source(
                source, client=client, now=now
            ).outcome.value
    services.expire_messages(now=now)
    return outcomes


def health(*, now: datetime | None = None) -> list[dict]:
    """Health of every source, for the dashboard and the API."""
    now = now or timezone.now()
    stale_after_s = conf.get(conf.STALE_AFTER) * 60
    rows = []
    for source in WarningSource.objects.all():
        interval = conf.interval_s(source)
        rows.append(
            {
                "slug": source.slug,
                "name": source.name,
                "format": source.format,
                "url": source.url,
                "enabled": source.enabled,
                "interval_s": interval,
                "health": source.health(
                    now=now, interval_s=interval, stale_after_s=stale_after_s
                ),
                "last_attempt_at": source.last_attempt_at,
                "last_success_at": source.last_success_at,
                "last_error_at": source.last_error_at,
                "last_error": source.last_error,
                "last_error_text": error_text(source.last_error),
                "failures": source.failures,
                "retry_at": source.retry_at,
                "data_as_of": source.data_as_of,
                "data_age_s": int((now - source.data_as_of).total_seconds())
                if source.data_as_of
                else None,
            }
        )
    return rows


#: A source's error (kept in English, technical, for the logs) as officials read it:
#: (start of the error, Swedish text).
_ERRORS = (
    ("HTTP ", gettext_lazy("Servern svarade med ett fel")),
    ("timeout", gettext_lazy("Svarade inte i tid")),
    ("wrong content type", gettext_lazy("Fel sorts svar")),
    ("response", gettext_lazy("Svaret var för stort")),
    ("truncated body", gettext_lazy("Svaret kom inte fram helt")),
    ("refused document", gettext_lazy("Dokumentet gick inte att läsa")),
    ("could not store", gettext_lazy("Kunde inte sparas")),
    ("unexpected", gettext_lazy("Oväntat fel")),
)


def error_text(error: str) -> str:
    """A source's last error in plain Swedish (the technical text is shown beside it,
    marked as English)."""
    if not error:
        return ""
    for start, text in _ERRORS:
        if error.startswith(start):
            return str(text)
    return str(gettext_lazy("Kunde inte ansluta"))
