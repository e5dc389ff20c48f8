"""Incremental publishing: a change to a point writes only the files it affects."""

from __future__ import annotations

import json

from sot.public import incremental, site
from sot.public.core import snapshot


def _files(target):
    return snapshot.current_manifest(target)["files"]  # with the journal


def _report(point, event, user, state):
    from sot.operations import services as ops

    ops.submit_status_report(
        point=point,
        event=event,
        reported_by=user,
        source="web",
        state=state,
        based_on_report_id=None,
        power_source="generator",
        services={"food": "limited"},
        fuel_products={"diesel": "no"},
        payment_methods=["card"],
        public_note="Bara kort.",
    )


def test_a_report_republishes_only_what_it_affects(
    tmp_path, kall_open, exercise, kall, kall_operator
):
    target = tmp_path / "site"
    site.publish(target)
    before = _files(target)
    other = target / "punkt" / "hallen" / "index.html"
    other_inode = other.stat().st_ino
    _report(kall, exercise, kall_operator, "limited")
    result = site.publish_changes(target, slugs=["kall"])
    assert result.changed
    after = _files(target)
    changed = {p for p in after if after[p] != before.get(p)}
    assert "punkt/kall/index.html" in changed and "kommun/2321/index.html" in changed
    assert "feeds/cap.atom" in changed and "index.html" in changed
    assert "punkt/hallen/index.html" not in changed
    assert other.stat().st_ino == other_inode  # not rewritten
    assert snapshot.verify(target) == []
    # the files that list every point come after, in the deferred part
    assert "punkter.geojson" not in changed and "sok/index.js" not in changed
    assert incremental.lists_marker(target).exists()
    assert site.publish_lists(target).changed
    assert not incremental.lists_marker(target).exists()
    assert site.publish_lists(target) is None  # nothing asked for it now
    lists = _files(target)
    changed = {p for p in lists if lists[p] != after.get(p)}
    assert {
        "punkter.geojson", "punkter.csv", "sok/index.js", "orter/2321/index.html"
    } <= changed  # fmt: skip
    assert "punkt/kall/index.html" not in changed
    assert snapshot.verify(target) == []
    page = (target / "punkt" / "kall" / "index.html").read_text()
    assert "Öppen med begränsningar" in page and "Bara kort." in page
    geo = json.loads((target / "punkter.geojson").read_text())
    kall_feature = [f for f in geo["features"] if f["id"] == "kall"]
    assert len(kall_feature) == 1 and kall_feature[0]["properties"]["state"] == (
        "limited"
    )
    assert len(geo["features"]) == len(
        json.loads(site.build_files()["punkter.geojson"])["features"]
    )
    csv_rows = (target / "punkter.csv").read_text().splitlines()
    assert sum(1 for r in csv_rows if r.startswith("kall,")) == 1
    # the CAP index in the snapshot equals a full build's
    full = site.build_files()
    assert (target / "feeds" / "cap.atom").read_bytes().count(b"<entry>") == full[
        "feeds/cap.atom"
    ].count(b"<entry>")


def test_notice_rebuilt_only_when_its_content_changes(
    tmp_path, kall_open, exercise, kall, kall_operator, monkeypatch
):
    target = tmp_path / "site"
    site.publish(target)
    made = []
    real = incremental.notice_bytes
    monkeypatch.setattr(
        incremental, "notice_bytes", lambda p, *a: made.append(p.slug) or real(p, *a)
    )
    site.publish_changes(target, slugs=["kall"])  # nothing new: same notice
    assert made == []
    site.publish(target)  # a full rebuild reuses unchanged notices too
    assert made == []
    _report(kall, exercise, kall_operator, "limited")
    site.publish_changes(target, slugs=["kall"])
    assert made == ["kall"]


def test_a_point_no_longer_public_is_removed(tmp_path, kall_open, kall):
    target = tmp_path / "site"
    site.publish(target)
    kall.lifecycle = "decommissioned"
    kall.save()
    site.publish_changes(target, slugs=["kall"])
    site.publish_lists(target)
    assert "punkt/kall/index.html" not in _files(target)
    assert not (target / "punkt" / "kall" / "index.html").exists()
    geo = json.loads((target / "punkter.geojson").read_text())
    assert "kall" not in {f["id"] for f in geo["features"]}


def test_without_a_snapshot_the_whole_site_is_built(tmp_path, kall_open):
    target = tmp_path / "site"
    site.publish_changes(target, slugs=["kall"])
    assert "punkt/hallen/index.html" in _files(target)


def test_cap_index_keeps_the_newest_in_order():
    entries = {
        f"m{i}.xml": {
            "headline": f"h{i}",
            "sent": f"2026-12-01T{i // 60:02d}:{i % 60:02d}:00+00:00",
            "msg_type": "Alert",
            "status": "Actual",
            "point_slug": "kall",
        }
        for i in range(700)
    }
    index = incremental.cap_index_bytes(entries).decode()
    assert index.count("<entry>") == 500
    assert "m699.xml" in index and "m200.xml" in index and "m199.xml" not in index
    assert index.index("m699.xml") < index.index("m200.xml")  # newest first


def test_the_manifest_keeps_only_the_newest_cap_entries():
    entries = {
        f"m{i:04d}.xml": {
            "sent": f"2026-12-01T{i // 60 % 24:02d}:{i % 60:02d}:00+00:00"
        }
        for i in range(1440)
    }
    kept = incremental.newest_cap_entries(entries, 1000)
    assert len(kept) == 1000 and list(kept)[-1] == "m1439.xml"
    assert "m0439.xml" not in kept and "m0440.xml" in kept
