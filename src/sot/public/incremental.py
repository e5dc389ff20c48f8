"""Republish only what a change affects.

A status report changes one point; at 3 000 points a full build writes some 16 000
files, a change needs a few dozen: the point's pages (both languages) and notice,
its municipality's and county's pages, the start pages and map, the messages, the
feeds (GeoJSON and CSV are spliced: the changed features replace the old ones) and
the point's CAP messages with the CAP index. :func:`sot.public.core.snapshot.update`
writes them into the published build, each file atomically.

Notices (PDF) are made again only when the point's public content changes: the
manifest keeps a content hash per notice (``notices``), in full builds too.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import io
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sot.public import feeds, pages, state
from sot.public.core import atom, cap, geojson, hxl, notice, snapshot
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


#: How each feature of the compact FeatureCollection starts. Inside a JSON string a
#: quote is escaped, so this sequence can only start a feature.
_FEATURE = b'{"type":"Feature","id":"'
_COLLECTION = b'{"type":"FeatureCollection","features":['


def _splice_geojson(old: bytes | None, changed: list[PublicPoint], gone) -> bytes:
    """The published GeoJSON with the changed features replaced (in place) or
    added and the gone ones dropped, spliced as bytes: the other features are not
    parsed nor encoded again (a 3 000-point file is megabytes)."""
    if not old or not old.startswith(_COLLECTION + _FEATURE) or not old.endswith(b"]}"):
        return _splice_geojson_parsed(old, changed, gone)
    fresh = geojson.feature_collection(changed, base_url=feeds.site_url())["features"]
    by_id = {f["id"]: geojson.dumps(f) for f in fresh}
    body = old[len(_COLLECTION) : -2]
    out = []
    for i, part in enumerate(body.split(b"," + _FEATURE)):
        feature = part if i == 0 else _FEATURE + part
        start = len(_FEATURE)
        slug = feature[start : feature.index(b'"', start)].decode()
        if slug in gone:
            continue
        out.append(by_id.pop(slug, feature))
    out.extend(by_id.values())
    return _COLLECTION + b",".join(out) + b"]}"


def _splice_geojson_parsed(old: bytes | None, changed: list[PublicPoint], gone):
    doc = json.loads(old) if old else geojson.feature_collection([])
    fresh = geojson.feature_collection(changed, base_url=feeds.site_url())["features"]
    by_id = {f["id"]: f for f in fresh}
    out = []
    for f in doc["features"]:
        if f["id"] in gone:
            continue
        out.append(by_id.pop(f["id"], f))
    out.extend(by_id.values())
    doc["features"] = out
    return geojson.dumps(doc)


def _splice_csv(old: bytes | None, changed: list[PublicPoint], gone) -> bytes:
    fresh = list(csv.reader(io.StringIO(hxl.to_csv(changed))))
    head, rows = fresh[:2], {r[0]: r for r in fresh[2:]}
    out = list(head)
    if old:
        for row in list(csv.reader(io.StringIO(old.decode("utf-8"))))[2:]:
            if row and row[0] not in gone:
                out.append(rows.pop(row[0], row))
    out.extend(rows.values())
    buffer = io.StringIO()
    csv.writer(buffer).writerows(out)
    return buffer.getvalue().encode("utf-8")


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


def publish_points(
    directory: str | Path, slugs: list[str], *, municipalities=()
) -> snapshot.Result:
    """Republish what a change to the points ``slugs`` affects (see module doc), and
    the pages of ``municipalities`` (e.g. after a public message there).

    A slug that is no longer public (decommissioned, deleted) has its pages and
    notice removed. Raises FileNotFoundError when nothing is published yet.
    """
    target = Path(directory)
    stamp = snapshot.manifest_stamp(target)
    manifest = snapshot.current_manifest(target)
    if manifest is None:
        raise FileNotFoundError(f"no published snapshot at {target}")
    data = pages.PublicData()
    changed = pages.PublicData(data.now, where={"slug__in": list(slugs)})
    points = changed.points
    gone = set(slugs) - {p.slug for p in points}
    files: dict[str, bytes] = {}
    removed: list[str] = []
    notices = dict(manifest.get("notices", {}))
    minute = data.now.replace(second=0, microsecond=0)
    for pt in points:
        for lang, prefix in (("sv", ""), ("en", "en/")):
            files[f"{prefix}punkt/{pt.slug}/index.html"] = pages.render_point(
                changed, pt.slug, lang, static=True
            )
        digest = notice_hash(pt, data.fallbacks)
        if notices.get(pt.slug) != digest:
            files[f"punkt/{pt.slug}/anslag.pdf"] = notice_bytes(
                pt, minute, data.fallbacks
            )
            notices[pt.slug] = digest
    for slug in gone:
        removed += [
            f"punkt/{slug}/index.html",
            f"en/punkt/{slug}/index.html",
            f"punkt/{slug}/anslag.pdf",
        ]
        notices.pop(slug, None)
    munis = {p.municipality_code for p in points} | set(municipalities)
    if munis:
        local = pages.PublicData(data.now, where={"municipality__code__in": munis})
        for code in munis:
            for lang, prefix in (("sv", ""), ("en", "en/")):
                files[f"{prefix}kommun/{code}/index.html"] = pages.render_municipality(
                    local, code, lang, static=True
                )
        if data.national:
            counties = {c[:2] for c in munis}
            wide = pages.PublicData(
                data.now, where={"municipality__county_code__in": counties}
            )
            for code in counties:
                for lang, prefix in (("sv", ""), ("en", "en/")):
                    files[f"{prefix}lan/{code}/index.html"] = pages.render_county(
                        wide, code, lang, static=True
                    )
    _common(data, files)
    published = target.resolve()
    files["punkter.geojson"] = _splice_geojson(
        _read(published / "punkter.geojson"), points, gone
    )
    files["punkter.csv"] = _splice_csv(_read(published / "punkter.csv"), points, gone)
    # CAP: the chains of the changed points, merged into the index kept in the
    # manifest (the other points' messages are unchanged files)
    entries = {
        k: v
        for k, v in manifest.get("cap", {}).items()
        if v["point_slug"] not in set(slugs)
    }
    messages = cap.messages_for_changes(
        state.state_changes(point_slugs=list(slugs)),
        sender=feeds.cap_sender(),
        base_url=feeds.site_url(),
        sender_name="SOT-punkter",
    )
    for m in messages:
        files[f"cap/{m.filename}"] = m.xml
    entries.update(_cap_entries(messages))
    entries = newest_cap_entries(entries)
    files["feeds/cap.atom"] = cap_index_bytes(entries)
    if not data.national:
        files["anslag/lista.pdf"] = notice.county_list(
            data.points,
            title="SOT-punkter" + (f" i {data.county}" if data.county else ""),
            url=feeds.site_url() + "/",
            now=data.now,
        )
    return snapshot.update(
        target,
        files,
        removed=removed,
        extra={"notices": notices, "cap": entries},
        manifest=manifest,
        stamp=stamp,
    )


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
