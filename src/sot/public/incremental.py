"""Republish only what a change affects, in two parts.

A status report changes one point; at 3 000 points a full build writes some 48 000
files. :func:`publish_points` writes, within a fraction of a second, the few dozen
a change shows on: the point's pages (both languages) and notice, its
municipality's and county's pages (and its former ones when it moved), the start
pages and map, the messages, and the point's CAP messages with the CAP index.
:func:`publish_lists`, a task of its own seconds later, makes the files that list
every point again (:func:`lists_files`: GeoJSON, CSV, the search index, the
localities pages, the printed list): seconds at national scale, once for a burst.
:func:`sot.public.core.snapshot.update` writes both into the published build, each
file atomically. When both have run, the snapshot is what a full build at the same
moment writes, byte for byte.

Notices (PDF) are made again only when the point's public content changes: the
manifest keeps a content hash per notice (``notices``), in full builds too, and
where each point is (``municipality_of``) and the install's counties
(``counties``), so that a change finds the pages it leaves behind.
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sot.public import feeds, finder, pages, state
from sot.public.core import atom, cap, notice, snapshot
from sot.public.core.model import PublicPoint


def notice_hash(point: PublicPoint, fallbacks=None) -> str:
    """What a notice shows, without the clock: the same hash, the same notice."""
    stable = replace(point, updated_at=None, next_update="")
    return hashlib.sha256(repr((stable, fallbacks)).encode()).hexdigest()[:24]


def notice_bytes(point: PublicPoint, now, fallbacks=None) -> bytes:
    url = f"{feeds.site_url()}/punkt/{point.slug}/"
    return notice.point_notice(point, url=url, now=now, fallbacks=fallbacks)


def _common(data: pages.PublicData, files: dict[str, bytes]) -> None:
    """The pages every change touches: start, map, messages (both languages)."""
    for lang, prefix in (("sv", ""), ("en", "en/")):
        files[f"{prefix}index.html"] = pages.render_start(data, lang, static=True)
        files[f"{prefix}karta/index.html"] = pages.render_map(data, lang, static=True)
        files[f"{prefix}meddelanden/index.html"] = pages.render_messages(
            data, lang, static=True
        )
    files["karta.svg"] = data.svg(large=True, lang="sv").encode()
    files["feeds/meddelanden.atom"] = feeds.messages_atom_bytes(data)


def _cap_entries(messages: list[cap.CapMessage]) -> dict[str, dict]:
    return {
        m.filename: {
            "headline": m.headline,
            "sent": m.sent.isoformat(),
            "msg_type": m.msg_type,
            "status": m.status,
            "point_slug": m.point_slug,
        }
        for m in messages
    }


class _Entry:
    """A CAP index entry read back from the manifest (what ``atom.cap_index`` uses)."""

    def __init__(self, filename: str, e: dict):
        self.filename = filename
        self.headline = e["headline"]
        self.sent = datetime.fromisoformat(e["sent"])
        self.msg_type = e["msg_type"]
        self.status = e["status"]
        self.point_slug = e["point_slug"]


#: CAP index entries kept in the manifest: the newest, twice what the index shows.
#: A change replaces its points' entries (their chains are newer than anything
#: they had), so the index stays exact unless more than ``CAP_INDEX_MAX`` of the
#: kept entries vanish with removed points before the next full rebuild; keeping
#: all 16 000 of a national install made the manifest 40 % larger.
CAP_KEEP = 2 * feeds.CAP_INDEX_MAX


def newest_cap_entries(entries: dict[str, dict], n: int = CAP_KEEP) -> dict:
    """The ``n`` newest CAP index entries, oldest first."""
    newest = heapq.nlargest(
        n,
        entries.items(),
        key=lambda kv: (datetime.fromisoformat(kv[1]["sent"]), kv[0]),
    )
    return dict(reversed(newest))


def cap_index_bytes(entries: dict[str, dict]) -> bytes:
    newest = newest_cap_entries(entries, feeds.CAP_INDEX_MAX)
    items = [_Entry(name, e) for name, e in newest.items()]
    return atom.cap_index(items, base_url=feeds.site_url(), author="SOT-punkter")


def lists_files(data: pages.PublicData) -> dict[str, bytes]:
    """The files that list every point (the same in a full build and in the
    deferred part of an incremental one): the GeoJSON and CSV, the search index
    with the search pages that link it, the localities pages and the printed list.
    """
    files: dict[str, bytes] = {}
    files["sok/index.js"] = finder.index_js(data)
    version = snapshot.sha256(files["sok/index.js"])[:10]
    ranks = finder.locality_ranks(data)
    by_municipality: dict[str, list] = {}
    for row in ranks:
        by_municipality.setdefault(row[0].municipality_code, []).append(row)
    for lang, prefix in (("sv", ""), ("en", "en/")):
        files[f"{prefix}nara/index.html"] = finder.render_search_static(
            data, lang, index_version=version
        )
        files[f"{prefix}orter/index.html"] = finder.render_places(
            data, lang, static=True
        )
        for code, rows in by_municipality.items():
            page = finder.render_places_in(data, code, lang, static=True, ranks=rows)
            if page is not None:
                files[f"{prefix}orter/{code}/index.html"] = page
    files["punkter.geojson"] = feeds.geojson_bytes(data)
    files["punkter.csv"] = feeds.csv_bytes(data)
    title = "SOT-punkter" + (f" i {data.county}" if data.county else "")
    files["anslag/lista.pdf"] = notice.county_list(
        data.points, title=title, url=feeds.site_url() + "/", now=data.now
    )
    return files


def lists_marker(directory: str | Path) -> Path:
    """The file that says the lists of a published snapshot wait for
    :func:`publish_lists` (beside the snapshot, not in what is served)."""
    target = Path(directory).absolute()
    return target.parent / f".{target.name}.lists-pending"


def publish_points(
    directory: str | Path,
    slugs: list[str],
    *,
    municipalities=(),
    now: datetime | None = None,
) -> snapshot.Result | None:
    """Republish the pages a change to the points ``slugs`` affects (see module
    doc), and the pages of ``municipalities`` (e.g. after a public message there);
    the files that list every point are left to :func:`publish_lists`, which this
    asks for (:func:`lists_marker`).

    A slug that is no longer public (decommissioned, deleted) has its pages and
    notice removed; a point that moved has its former municipality's and county's
    pages made again too. Returns None when the change needs a full rebuild (the
    install's counties changed). Raises FileNotFoundError when nothing is
    published yet.
    """
    target = Path(directory)
    stamp = snapshot.manifest_stamp(target)
    manifest = snapshot.current_manifest(target)
    if manifest is None:
        raise FileNotFoundError(f"no published snapshot at {target}")
    data = pages.PublicData(now)
    if [list(c) for c in data.counties] != manifest.get("counties"):
        return None  # a county came or went: start, map and lists all change
    changed = data.narrow({"slug__in": list(slugs)})
    points = changed.points
    gone = set(slugs) - {p.slug for p in points}
    where = dict(manifest.get("municipality_of", {}))
    munis = {p.municipality_code for p in points} | set(municipalities)
    munis |= {where[s] for s in slugs if s in where}  # where they were
    files: dict[str, bytes] = {}
    removed: list[str] = []
    notices = dict(manifest.get("notices", {}))
    minute = data.now.replace(second=0, microsecond=0)
    for pt in points:
        for lang, prefix in (("sv", ""), ("en", "en/")):
            files[f"{prefix}punkt/{pt.slug}/index.html"] = pages.render_point(
                changed, pt.slug, lang, static=True
            )
        fallbacks = changed.fallbacks_for(pt)
        digest = notice_hash(pt, fallbacks)
        if notices.get(pt.slug) != digest:
            files[f"punkt/{pt.slug}/anslag.pdf"] = notice_bytes(pt, minute, fallbacks)
            notices[pt.slug] = digest
        where[pt.slug] = pt.municipality_code
    for slug in gone:
        removed += [
            f"punkt/{slug}/index.html",
            f"en/punkt/{slug}/index.html",
            f"punkt/{slug}/anslag.pdf",
        ]
        notices.pop(slug, None)
        where.pop(slug, None)
    if gone:  # their CAP messages go too, as a full build leaves them out
        removed += [
            path for path in manifest.get("files", {}) if _cap_slug(path) in gone
        ]
    if munis:
        local = data.narrow({"municipality__code__in": sorted(munis)})
        for code in sorted(munis):
            for lang, prefix in (("sv", ""), ("en", "en/")):
                page = pages.render_municipality(local, code, lang, static=True)
                if page is not None:
                    files[f"{prefix}kommun/{code}/index.html"] = page
        if data.national:
            for code in sorted({c[:2] for c in munis}):
                for lang, prefix in (("sv", ""), ("en", "en/")):
                    page = pages.render_county(data, code, lang, static=True)
                    if page is not None:
                        files[f"{prefix}lan/{code}/index.html"] = page
    _common(data, files)
    # CAP: the chains of the changed points, merged into the index kept in the
    # manifest (the other points' messages are unchanged files)
    entries = {
        k: v
        for k, v in manifest.get("cap", {}).items()
        if v["point_slug"] not in set(slugs)
    }
    messages = cap.messages_for_changes(
        state.state_changes(point_slugs=list(slugs), now=data.now),
        sender=feeds.cap_sender(),
        base_url=feeds.site_url(),
        sender_name="SOT-punkter",
    )
    for m in messages:
        files[f"cap/{m.filename}"] = m.xml
    entries.update(_cap_entries(messages))
    entries = newest_cap_entries(entries)
    files["feeds/cap.atom"] = cap_index_bytes(entries)
    result = snapshot.update(
        target,
        files,
        removed=removed,
        extra={"notices": notices, "cap": entries, "municipality_of": where},
        manifest=manifest,
        stamp=stamp,
    )
    lists_marker(target).touch()
    return result


def publish_lists(
    directory: str | Path, *, now: datetime | None = None
) -> snapshot.Result | None:
    """Make the files that list every point again (:func:`lists_files`) when an
    incremental publish asked for it; None when none did. They are the heavy part
    of a change (every point's state, every locality's nearest points), so they
    come after the point's own pages, in a task of their own."""
    marker = lists_marker(directory)
    try:
        asked = marker.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    result = snapshot.update(directory, lists_files(pages.PublicData(now)))
    try:
        if marker.stat().st_mtime_ns == asked:  # no change came meanwhile
            marker.unlink()
    except FileNotFoundError:
        pass
    return result


def _cap_slug(path: str) -> str | None:
    """The point of a CAP message file ``cap/sot.<event>.<slug>.<n>.xml``."""
    if not (path.startswith("cap/sot.") and path.endswith(".xml")):
        return None
    parts = path[len("cap/") : -len(".xml")].split(".", 2)
    return parts[2].rsplit(".", 1)[0] if len(parts) == 3 else None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
