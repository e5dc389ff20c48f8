"""Pushing the snapshot to object storage behind a CDN (S3, faked by moto): only
changed files, each with its Content-Type and Cache-Control (#15)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from sot.public import site
from sot.public.core import push, snapshot

moto = pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")


@pytest.fixture
def bucket(monkeypatch):
    """An empty fake S3 bucket (moto; no network)."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-north-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with moto.mock_aws():
        client = boto3.client("s3")
        client.create_bucket(
            Bucket="sot-public",
            CreateBucketConfiguration={"LocationConstraint": "eu-north-1"},
        )
        yield client


def _keys(client) -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket="sot-public")
    return {o["Key"] for page in pages for o in page.get("Contents", [])}


def _head(client, key):
    return client.head_object(Bucket="sot-public", Key=key)


def test_headers_by_kind_of_file():
    assert push.headers_for("punkt/kall/index.html") == {
        "ContentType": "text/html; charset=utf-8",
        "CacheControl": "public, max-age=30",
    }
    assert push.headers_for("punkter.geojson")["ContentType"] == "application/geo+json"
    assert push.headers_for("feeds/cap.atom")["CacheControl"] == "public, max-age=30"
    cap = push.headers_for("cap/sot-kall-1.xml")
    assert cap["ContentType"].startswith("application/cap+xml")
    assert "immutable" in cap["CacheControl"]
    assert "immutable" in push.headers_for("sok/index.js")["CacheControl"]
    assert push.headers_for("manifest.json")["CacheControl"] == "no-cache"
    assert push.headers_for("punkt/kall/anslag.pdf") == {
        "ContentType": "application/pdf",
        "CacheControl": "public, max-age=300",
    }
    with pytest.raises(ValueError):
        push.parse_url("https://example.se/x")


def test_push_uploads_only_what_changed(
    tmp_path, bucket, kall_open, exercise, kall, kall_operator, capsys
):
    from sot.operations import services as ops

    target = tmp_path / "site"
    call_command("publish", str(target), "--push", "s3://sot-public/lan")
    assert "Skickade" in capsys.readouterr().out
    files = json.loads((target / "manifest.json").read_text())["files"]
    plain = {p for p in files if not p.endswith(".gz")}
    assert _keys(bucket) == {f"lan/{p}" for p in plain} | {"lan/manifest.json"}
    page = _head(bucket, "lan/punkt/kall/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=30"
    assert _head(bucket, "lan/punkter.geojson")["ContentType"] == (
        "application/geo+json"
    )
    body = bucket.get_object(Bucket="sot-public", Key="lan/punkt/kall/index.html")
    assert body["Body"].read() == (target / "punkt/kall/index.html").read_bytes()

    # nothing changed: nothing uploaded but the manifest
    again = push.push(target, "s3://sot-public/lan")
    assert again.uploaded == [] and again.deleted == []

    # one status change: only the files it rewrote go up
    ops.submit_status_report(
        point=kall,
        event=exercise,
        reported_by=kall_operator,
        source="web",
        state="closed",
        state_reason="Elverket stannade",
    )
    before = snapshot.current_manifest(target)["files"]
    site.publish_changes(target, slugs=["kall"])
    after = snapshot.current_manifest(target)["files"]  # with the journal
    rewritten = {
        p for p in after if before.get(p) != after[p] and not p.endswith(".gz")
    }
    result = push.push(target, "s3://sot-public/lan")
    assert set(result.uploaded) == rewritten
    assert "punkt/kall/index.html" in rewritten
    assert "punkt/hallen/index.html" not in rewritten
    page = bucket.get_object(Bucket="sot-public", Key="lan/punkt/kall/index.html")
    assert "Stängd" in page["Body"].read().decode()
    # pages go up after what they link to
    html = [i for i, p in enumerate(result.uploaded) if p.endswith(".html")]
    other = [i for i, p in enumerate(result.uploaded) if not p.endswith(".html")]
    assert not other or not html or max(other) < min(html)


def test_a_point_removed_is_deleted_from_the_bucket(tmp_path, bucket, kall_open, kall):
    target = tmp_path / "site"
    site.publish(target)
    push.push(target, "s3://sot-public")
    assert "punkt/kall/index.html" in _keys(bucket)
    kall.lifecycle = "decommissioned"
    kall.save()
    site.publish_changes(target, slugs=["kall"])
    result = push.push(target, "s3://sot-public")
    assert "punkt/kall/index.html" in result.deleted
    assert "punkt/kall/index.html" not in _keys(bucket)


def test_the_publish_task_pushes_when_a_url_is_set(
    tmp_path, settings, bucket, kall_open, monkeypatch
):
    from sot.config import env
    from sot.public import tasks

    settings.PUBLISH_DIR = str(tmp_path / "site")
    site.publish(settings.PUBLISH_DIR)
    monkeypatch.setenv("SOT_PUBLISH_PUSH_URL", "s3://sot-public/live")
    assert env.get("SOT_PUBLISH_PUSH_URL") == "s3://sot-public/live"
    tasks.request_publish(slugs=["kall"])
    assert tasks.publish_pending.call()["published"]
    assert "live/manifest.json" in _keys(bucket)
    assert "live/punkt/kall/index.html" in _keys(bucket)
