"""The whole public site as files, and publishing it as an atomic snapshot.

``build_files()`` renders every page in both languages, the feeds, every CAP message
and the PDF notices into a ``{relative path: bytes}`` mapping; ``publish(dir)`` hands
that to :func:`sot.public.core.snapshot.publish`, which swaps it in atomically with a
manifest of checksums. Paths end in ``index.html`` so that any static server maps
``/punkt/kall/`` to ``/punkt/kall/index.html``.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections

from sot.public import conf, feeds, finder, pages
from sot.public.core import notice, snapshot

log = logging.getLogger(__name__)


def build_files(data: pages.PublicData | None = None) -> dict[str, bytes]:
    data = data or pages.PublicData.load()
    files: dict[str, bytes] = {}
    # search without the server: the index, the ranking script, and the lists
    files["sok/index.js"] = finder.index_js(data)
    files["sok/search.js"] = (pages.STATIC_DIR / finder.SEARCH_JS).read_bytes()
    version = snapshot.sha256(files["sok/index.js"])[:10]
    for lang, prefix in (("sv", ""), ("en", "en/")):
        files[f"{prefix}nara/index.html"] = finder.render_search_static(
            data, lang, index_version=version
        )
        files[f"{prefix}orter/index.html"] = finder.render_places(
            data, lang, static=True
        )
        files[f"{prefix}index.html"] = pages.render_start(data, lang, static=True)
        files[f"{prefix}karta/index.html"] = pages.render_map(data, lang, static=True)
        files[f"{prefix}meddelanden/index.html"] = pages.render_messages(
            data, lang, static=True
        )
        files[f"{prefix}oppna-data/index.html"] = pages.render_open_data(
            data, lang, static=True
        )
        for pt in data.points:
            files[f"{prefix}punkt/{pt.slug}/index.html"] = pages.render_point(
                data, pt.slug, lang, static=True
            )
        if data.national:
            for code, _name in data.counties:
                files[f"{prefix}lan/{code}/index.html"] = pages.render_county(
                    data, code, lang, static=True
                )
        for code, _name in data.municipalities:
            files[f"{prefix}kommun/{code}/index.html"] = pages.render_municipality(
                data, code, lang, static=True
            )
    files["site.css"] = pages.css().encode()
    if conf.tile_url():  # the map page's slippy map (Leaflet and map.js)
        for name in pages.MAP_ASSETS:
            files[f"static/{name}"] = (pages.STATIC_DIR / name).read_bytes()
        files["static/public/leaflet/LICENSE"] = (
            pages.STATIC_DIR / "public" / "leaflet" / "LICENSE"
        ).read_bytes()
    files["karta.svg"] = data.svg(large=True, lang="sv").encode()
    files["punkter.geojson"] = feeds.geojson_bytes(data)
    files["punkter.csv"] = feeds.csv_bytes(data)
    files["feeds/meddelanden.atom"] = feeds.messages_atom_bytes(data)
    messages = feeds.cap_messages()
    files["feeds/cap.atom"] = feeds.cap_atom_bytes(messages)
    for m in messages:
        files[f"cap/{m.filename}"] = m.xml
    base = feeds.site_url()
    minute = data.now.replace(second=0, microsecond=0)
    for pt in data.points:
        files[f"punkt/{pt.slug}/anslag.pdf"] = _notice(
            pt, f"{base}/punkt/{pt.slug}/", minute, data.fallbacks
        )
    title = "SOT-punkter" + (f" i {data.county}" if data.county else "")
    files["anslag/lista.pdf"] = notice.county_list(
        data.points, title=title, url=base + "/", now=data.now
    )
    return files


@lru_cache(maxsize=256)
def _notice(point, url: str, minute, fallbacks) -> bytes:
    """A point's notice, reused while the point and the minute are the same."""
    return notice.point_notice(point, url=url, now=minute, fallbacks=fallbacks)


def publish(directory: str | Path, *, keep: int = 2) -> snapshot.Result:
    """Build and atomically publish the site into ``directory``."""
    return snapshot.publish(directory, build_files(), keep=keep)


# -- republishing on change -------------------------------------------------------

_lock = threading.Lock()
_timer: threading.Timer | None = None
DEBOUNCE_S = 0.3


def _publish_now(directory: str) -> None:
    try:
        result = publish(directory)
        log.info(
            "published %s files to %s (changed: %s)",
            result.files,
            directory,
            result.changed,
        )
    except Exception:  # a failed publish must never break the request that caused it
        log.exception("publishing the public snapshot to %s failed", directory)


def request_publish(*, delay_s: float | None = None) -> bool:
    """Republish ``SOT_PUBLISH_DIR`` soon (debounced), or now when ``delay_s`` is 0.

    Several changes within the debounce window give one publication, started
    ``DEBOUNCE_S`` after the first; the whole build takes well under a second for a
    county. Returns False when no publish directory is configured.
    """
    global _timer
    directory = settings.PUBLISH_DIR
    if not directory:
        return False
    delay = DEBOUNCE_S if delay_s is None else delay_s
    if delay <= 0:
        _publish_now(directory)
        return True
    with _lock:
        if _timer is None or not _timer.is_alive():
            _timer = threading.Timer(delay, _run_timer, args=(directory,))
            _timer.daemon = True
            _timer.start()
    return True


def _run_timer(directory: str) -> None:
    """In the timer thread, which has its own database connection to clean up."""
    global _timer
    with _lock:
        _timer = None
    close_old_connections()
    try:
        _publish_now(directory)
    finally:
        connections.close_all()
