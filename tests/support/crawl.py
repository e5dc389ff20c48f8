"""Crawl a site over HTTP and report broken links (shared by the snapshot tests).

Follows every same-origin link in HTML (``href``, ``src``), Atom (``link/@href``)
and the GeoJSON ``url`` properties; ``rewrite`` maps absolute URLs of the live site
(``SOT_SITE_URL``) onto the crawled one, so the snapshot's absolute links are
checked too, except those under ``live_only`` (paths only the live site serves, such
as the OGC API, which the snapshot links to on purpose). Links to other hosts are
not fetched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _links(base: str, content_type: str, body: bytes) -> Iterable[str]:
    if content_type.startswith(("text/html", "application/atom+xml", "image/svg")):
        for raw in _ATTR.findall(body.decode("utf-8", "replace")):
            yield urljoin(base, raw.replace("&amp;", "&"))
    elif "json" in content_type:
        try:
            doc = json.loads(body)
        except ValueError:
            return
        for feature in doc.get("features", []) if isinstance(doc, dict) else []:
            url = (feature.get("properties") or {}).get("url")
            if url:
                yield urljoin(base, url)


def crawl(
    start: str,
    *,
    rewrite: dict[str, str] | None = None,
    live_only: tuple[str, ...] = (),
    limit: int = 2000,
) -> tuple[set[str], list[tuple[str, str, int]]]:
    """Every URL reached from ``start``, and the broken ones as (url, found on,
    status)."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    rewrite = rewrite or {}
    seen: set[str] = set()
    broken: list[tuple[str, str, int]] = []
    queue: list[tuple[str, str]] = [(start, "")]
    with httpx.Client(timeout=30, follow_redirects=True) as client:
        while queue and len(seen) < limit:
            url, found_on = queue.pop()
            url = urldefrag(url).url
            for live, here in rewrite.items():
                if url.startswith(live) and not url.startswith(
                    tuple(live + path for path in live_only)
                ):
                    url = here + url[len(live) :]
            if not url.startswith(origin) or url in seen:
                continue
            if urlsplit(url).scheme in ("mailto", "tel"):
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200:
                broken.append((url, found_on, response.status_code))
                continue
            content_type = response.headers.get("content-type", "")
            for link in _links(str(response.url), content_type, response.content):
                if urlsplit(link).scheme in ("http", "https"):
                    queue.append((link, url))
    return seen, broken
