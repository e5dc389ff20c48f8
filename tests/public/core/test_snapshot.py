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
    assert list(snapshot.current_manifest(target)["files"]) == sorted(
        snapshot.current_manifest(target)["files"]
    )
