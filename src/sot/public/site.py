"""The whole public site as files, and publishing it as an atomic snapshot.

``build_files()`` renders every page in both languages, the feeds, every CAP message
and the PDF notices into a ``{relative path: bytes}`` mapping; ``publish(dir)`` hands
that to :func:`sot.public.core.snapshot.publish`, which swaps it in atomically with a
manifest of checksums. Paths end in ``index.html`` so that any static server maps
``/punkt/kall/`` to ``/punkt/kall/index.html``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sot.public import conf, feeds, finder, incremental, pages
from sot.public.core import push, snapshot
from sot.public.models import PendingPublish

log = logging.getLogger(__name__)


def build_files(data: pages.PublicData | None = None) -> dict[str, bytes]:
    """Every file of the site."""
    return _build(data or pages.PublicData())[0]


def _build(
    data: pages.PublicData, previous: Path | None = None
) -> tuple[dict[str, bytes], dict]:
    """The files and the manifest's extras (notice hashes, CAP index entries). A
    notice whose content hash matches the one published in ``previous`` is reused
    as it is, not made again."""

    old_notices = {}
    if previous is not None:
        old_notices = (snapshot.current_manifest(previous) or {}).get("notices", {})
    files: dict[str, bytes] = incremental.lists_files(data)
    files["sok/search.js"] = (pages.STATIC_DIR / finder.SEARCH_JS).read_bytes()
    for lang, prefix in (("sv", ""), ("en", "en/")):
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
    files["feeds/meddelanden.atom"] = feeds.messages_atom_bytes(data)
    messages = feeds.cap_messages(now=data.now)
    files["feeds/cap.atom"] = feeds.cap_atom_bytes(messages)
    for m in messages:
        files[f"cap/{m.filename}"] = m.xml
    minute = data.now.replace(second=0, microsecond=0)
    notices = {}
    for pt in data.points:
        path = f"punkt/{pt.slug}/anslag.pdf"
        fallbacks = data.fallbacks_for(pt)
        digest = incremental.notice_hash(pt, fallbacks)
        pdf = None
        if previous is not None and old_notices.get(pt.slug) == digest:
            pdf = incremental._read(previous / path)
        files[path] = pdf or incremental.notice_bytes(pt, minute, fallbacks)
        notices[pt.slug] = digest
    cap_entries = incremental.newest_cap_entries(incremental._cap_entries(messages))
    return files, {
        "notices": notices,
        "cap": cap_entries,
        # where each point is and which counties the install has: what an
        # incremental publish needs to find the pages a change leaves behind
        "municipality_of": {pt.slug: pt.municipality_code for pt in data.points},
        "counties": [list(c) for c in data.counties],
    }


def publish(
    directory: str | Path, *, keep: int = 2, now: datetime | None = None
) -> snapshot.Result:
    """Build the whole site and publish it atomically into ``directory`` (notices
    whose content did not change are reused from the published build). ``now``:
    the moment the pages show (default the current time)."""
    files, extra = _build(pages.PublicData(now), Path(directory))
    result = snapshot.publish(directory, files, keep=keep, extra=extra)
    incremental.lists_marker(directory).unlink(missing_ok=True)
    return result


# -- republishing on change -------------------------------------------------------


def publish_changes(
    directory: str | Path, *, slugs=None, municipalities=(), now=None
) -> snapshot.Result:
    """Republish what changed: only the affected files when ``slugs`` is given and a
    snapshot is published (:mod:`sot.public.incremental`; the files that list every
    point then wait for :func:`publish_lists`), else the whole site."""

    if slugs is not None and (Path(directory) / snapshot.MANIFEST).is_file():
        result = incremental.publish_points(
            directory, sorted(slugs), municipalities=sorted(municipalities), now=now
        )
        if result is not None:
            return result
    return publish(directory, now=now)


def publish_lists(directory: str | Path, *, now=None) -> snapshot.Result | None:
    """The deferred part of incremental publishing: the files that list every
    point (:func:`sot.public.incremental.publish_lists`); None when none wait."""
    return incremental.publish_lists(directory, now=now)


def publish_pending(directory: str | Path, *, now=None) -> snapshot.Result | None:
    """Publish every pending change in one run (what the ``publish_pending`` task
    does); None when nothing waits. The rows are deleted only after the publish
    succeeded, so a failed run is retried by the next one."""
    rows = list(
        PendingPublish.objects.values_list(
            "pk", "slug", "municipality_code", "everything"
        )
    )
    if not rows:
        return None
    everything = any(r[3] for r in rows)
    result = publish_changes(
        directory,
        slugs=None if everything else {r[1] for r in rows if r[1]},
        municipalities={r[2] for r in rows if r[2]},
        now=now,
    )
    push_to_storage(directory)
    PendingPublish.objects.filter(pk__lte=max(r[0] for r in rows)).delete()
    log.info(
        "published %s pending change(s): %s files in %s (changed: %s)",
        len(rows),
        result.files,
        directory,
        result.changed,
    )
    return result


def push_to_storage(directory: str | Path, url: str | None = None):
    """Push the snapshot to object storage (``url`` or SOT_PUBLISH_PUSH_URL): only
    the files that changed since the last push. None when no URL is set."""
    url = url if url is not None else conf.push_url()
    if not url:
        return None
    result = push.push(directory, url)
    log.info(
        "pushed %s file(s) to %s, deleted %s",
        len(result.uploaded),
        url,
        len(result.deleted),
    )
    return result
