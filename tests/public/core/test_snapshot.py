import gzip
import json

import pytest

from sot.public.core import snapshot


def test_publish_swaps_atomically_and_prunes(tmp_path):
    target = tmp_path / "site"
    first = snapshot.publish(target, {"index.html": b"<p>1</p>", "a/b.json": b"{}"})
    assert first.changed and target.is_symlink()
    assert (target / "index.html").read_bytes() == b"<p>1</p>"
    assert gzip.decompress((target / "index.html.gz").read_bytes()) == b"<p>1</p>"
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["files"]["index.html"] == {
        "sha256": snapshot.sha256(b"<p>1</p>"),
        "bytes": 8,
    }
    assert snapshot.verify(target) == []

    same = snapshot.publish(target, {"index.html": b"<p>1</p>", "a/b.json": b"{}"})
    assert not same.changed and target.resolve() == first.build

    second = snapshot.publish(target, {"index.html": b"<p>2</p>"})
    assert second.changed and target.resolve() == second.build
    assert not (target / "a").exists()
    third = snapshot.publish(target, {"index.html": b"<p>3</p>"})
    builds = sorted(p.name for p in tmp_path.glob(".site.build-*"))
    assert (
        len(builds) == 2
        and third.build.name in builds
        and first.build.name not in builds
    )


def test_sha256_known_answer():
    assert snapshot.sha256(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_verify_detects_tampering(tmp_path):
    target = tmp_path / "site"
    snapshot.publish(target, {"x.txt": b"hello"})
    (target / "x.txt").write_bytes(b"HELLO")
    assert snapshot.verify(target) == ["x.txt"]


def test_existing_plain_folder_is_moved_aside(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "old.html").write_text("old")
    snapshot.publish(target, {"new.html": b"new"})
    assert target.is_symlink() and not (target / "old.html").exists()
    assert list(tmp_path.glob(".site.old-*"))


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../b", ""])
def test_unsafe_paths_are_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        snapshot.publish(tmp_path / "site", {bad: b"x"})
    assert not (tmp_path / "site").exists()


def test_concurrent_publishers_leave_a_consistent_site(tmp_path):
    import threading

    target = tmp_path / "site"

    def worker(n):
        for i in range(5):
            snapshot.publish(
                target, {"index.html": f"{n}-{i}".encode(), "a.txt": b"x" * n}
            )

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert snapshot.verify(target) == []
    n = int((target / "index.html").read_text().split("-")[0])
    assert (target / "a.txt").read_bytes() == b"x" * n


def test_update_with_a_manifest_read_before_another_update_loses_nothing(tmp_path):
    """The incremental publish reads the manifest once and hands it to update();
    when another publisher replaced it meanwhile, update() reads it again."""
    target = tmp_path / "site"
    snapshot.publish(target, {"a.html": b"a", "b.html": b"b"})
    manifest = snapshot.current_manifest(target)
    stamp = snapshot.manifest_stamp(target)
    snapshot.update(target, {"b.html": b"b2"})  # another publisher
    assert snapshot.manifest_stamp(target) != stamp
    snapshot.update(target, {"c.html": b"c"}, manifest=manifest, stamp=stamp)
    files = snapshot.current_manifest(target)["files"]
    assert files["b.html"]["sha256"] == snapshot.sha256(b"b2")
    assert "c.html" in files and snapshot.verify(target) == []
    # with a current stamp the given manifest is used as it is
    manifest, stamp = snapshot.current_manifest(target), snapshot.manifest_stamp(target)
    snapshot.update(target, {"a.html": b"a2"}, manifest=manifest, stamp=stamp)
    assert snapshot.verify(target) == []


def test_updates_go_to_the_journal_and_every_reader_sees_them(tmp_path, monkeypatch):
    """An update appends one line to the journal instead of rewriting the whole
    manifest; a reader without this process's copy applies the journal too, a
    line being written is left for later, and every JOURNAL_MAX lines the
    manifest is written whole again."""
    monkeypatch.setattr(snapshot, "JOURNAL_MAX", 3)
    target = tmp_path / "site"
    snapshot.publish(target, {"a.html": b"a", "b.html": b"b"}, extra={"h": {"x": 1}})
    base = (target / snapshot.MANIFEST).read_bytes()
    snapshot.update(target, {"a.html": b"a2"}, extra={"h": {"x": 1, "y": 2}})
    snapshot.update(target, {"c.html": b"c"}, removed=["b.html"], extra={"h": {}})
    assert (target / snapshot.MANIFEST).read_bytes() == base  # not rewritten
    journal = target / snapshot.JOURNAL
    assert len(journal.read_bytes().splitlines()) == 2

    def fresh():
        snapshot._CACHE.clear()  # as another process reads it
        return snapshot.current_manifest(target)

    for manifest in (snapshot.current_manifest(target), fresh()):
        files = manifest["files"]
        assert set(files) == {"a.html", "a.html.gz", "c.html", "c.html.gz"}
        assert files["a.html"]["sha256"] == snapshot.sha256(b"a2")
        assert manifest["h"] == {}
    assert snapshot.verify(target) == []
    with open(journal, "ab") as f:  # a line half written: not read yet
        f.write(b'{"files":{"c.html":null')
    assert "c.html" in fresh()["files"]
    journal.write_bytes(journal.read_bytes()[: -len(b'{"files":{"c.html":null')])
    snapshot.update(target, {"d.html": b"d"})  # the third line: written whole
    whole = json.loads((target / snapshot.MANIFEST).read_text())
    assert whole["journal_offset"] == journal.stat().st_size
    assert {"a.html", "c.html", "d.html"} <= set(whole["files"])
    assert "b.html" not in whole["files"] and fresh()["files"] == whole["files"]
    snapshot.update(target, {"a.html": b"a3"})  # and the journal goes on
    assert fresh()["files"]["a.html"]["sha256"] == snapshot.sha256(b"a3")
    assert snapshot.verify(target) == []
