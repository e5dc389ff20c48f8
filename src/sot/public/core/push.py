"""Push a published snapshot to S3-compatible object storage behind a CDN.

``push(site, "s3://bucket/prefix")`` compares the snapshot's manifest (``manifest.json``
with its journal applied, :func:`sot.public.core.snapshot.current_manifest`) with
the copy it left in the bucket last time and uploads only the files whose SHA-256
differs, each with its ``Content-Type`` and ``Cache-Control`` (:func:`headers_for`),
in an order that never publishes a page before what it links to: other files
first, then the HTML pages, then the manifest; files gone from the snapshot are
deleted last. The ``.gz`` twins stay local (let the CDN compress).

boto3 is an optional extra (``pip install 'sot[s3]'``); credentials and the endpoint
come from boto3's usual sources (``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL_S3`` for
an S3-compatible store, instance roles). No Django here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from sot.public.core import snapshot

#: Short: pages, feeds and open data change with every status report.
SHORT = "public, max-age=30"
#: The printed notices change seldom; a few minutes of staleness is harmless.
NOTICE = "public, max-age=300"
#: Files whose URL changes when their content does (a ``?v=`` content hash, or a
#: CAP message, which is never rewritten under its name): cache for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Assets linked without a content hash.
ASSET = "public, max-age=86400"
#: The manifest is what tells a reader which build is current.
NO_CACHE = "no-cache"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".csv": "text/csv; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


def headers_for(path: str) -> dict[str, str]:
    """``ContentType`` and ``CacheControl`` of one snapshot file (boto3's names)."""
    pure = PurePosixPath(path)
    suffix = pure.suffix.lower()
    content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    if pure.parts[0] == "cap" and suffix == ".xml":
        content_type, cache = "application/cap+xml; charset=utf-8", IMMUTABLE
    elif path == snapshot.MANIFEST:
        cache = NO_CACHE
    elif suffix == ".pdf":
        cache = NOTICE
    elif pure.parts[0] in ("static", "sok"):
        cache = IMMUTABLE  # linked as ?v=<content hash>
    elif path == "site.css" or pure.name == "LICENSE":
        cache = ASSET
    else:  # HTML, GeoJSON, CSV, Atom, the SVG map
        cache = SHORT
    return {"ContentType": content_type, "CacheControl": cache}


@dataclass(frozen=True)
class PushResult:
    uploaded: list[str]
    deleted: list[str]
    unchanged: int


def parse_url(url: str) -> tuple[str, str]:
    """``s3://bucket/prefix`` -> (bucket, "prefix/"); the prefix may be empty."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"not an s3://bucket/prefix URL: {url!r}")
    prefix = parsed.path.strip("/")
    return parsed.netloc, (prefix + "/") if prefix else ""


def _client():
    import boto3  # optional extra `sot[s3]`: imported only when pushing

    return boto3.client("s3")


def _remote_manifest(client, bucket: str, key: str) -> dict:
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except client.exceptions.NoSuchKey:
        return {}
    try:
        return json.loads(body).get("files", {})
    except ValueError:
        return {}  # unreadable: upload everything again


def push(
    site: str | Path,
    url: str,
    *,
    client=None,
    progress: Callable[[str], None] | None = None,
) -> PushResult:
    """Upload what changed in the published snapshot ``site`` to ``url``."""
    bucket, prefix = parse_url(url)
    site = Path(site)
    manifest = snapshot.current_manifest(site)  # with the journal's updates
    if manifest is None:
        raise FileNotFoundError(f"no published snapshot at {site}")
    manifest_text = snapshot.manifest_json(manifest, complete=True)
    local = {
        path: entry
        for path, entry in manifest["files"].items()
        if not path.endswith(".gz")
    }
    client = client or _client()
    remote = _remote_manifest(client, bucket, prefix + snapshot.MANIFEST)
    remote = {p: e for p, e in remote.items() if not p.endswith(".gz")}
    changed = [p for p, e in local.items() if remote.get(p) != e]
    # what pages link to first, then the pages, so no page links to a missing file
    changed.sort(key=lambda p: (p.endswith(".html"), p))
    for path in changed:
        client.put_object(
            Bucket=bucket,
            Key=prefix + path,
            Body=(site / path).read_bytes(),
            **headers_for(path),
        )
        if progress:
            progress(path)
    client.put_object(
        Bucket=bucket,
        Key=prefix + snapshot.MANIFEST,
        Body=manifest_text.encode(),
        **headers_for(snapshot.MANIFEST),
    )
    gone = sorted(set(remote) - set(local))
    for start in range(0, len(gone), 1000):  # DeleteObjects takes 1 000 keys
        client.delete_objects(
            Bucket=bucket,
            Delete={
                "Objects": [{"Key": prefix + p} for p in gone[start : start + 1000]],
                "Quiet": True,
            },
        )
    return PushResult(
        uploaded=changed, deleted=gone, unchanged=len(local) - len(changed)
    )
