"""The Content-Security-Policy of every page (django-csp).

Scripts only from sot itself, plus the few inline scripts of sot's own templates,
allowed by their SHA-256 hash (computed here from the template files, so editing a
script keeps the policy right without a nonce that would defeat caching). Inline
styles are allowed: the public pages inline their CSS to stay small. Images also
from the tile server when ``SOT_TILE_URL`` is set. No framing, no plugins, forms
only to sot.

The settings import this module for :func:`policy`; the middleware that sends the
header is :class:`sot.config.middleware.CSPMiddleware`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
#: Paths served without the policy: the interactive API docs load Swagger UI from
#: its CDN with an inline bootstrap script, and hold no user data.
EXEMPT_PREFIXES = ("/api/v1/docs",)


def inline_script_hashes(root: Path) -> list[str]:
    """``'sha256-…'`` of every ``<script>…</script>`` in the templates under root."""
    hashes = set()
    for path in sorted(root.rglob("*.html")):
        for body in _INLINE_SCRIPT.findall(path.read_text(encoding="utf-8")):
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            hashes.add("'sha256-%s'" % base64.b64encode(digest).decode("ascii"))
    return sorted(hashes)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        host = parts.netloc.replace("{s}", "*")
        return f"{parts.scheme}://{host}"
    return None


def policy(*, package_dir: Path, tile_url: str) -> dict:
    images = [SELF, "data:"]
    tiles = _origin(tile_url)
    if tiles:
        images.append(tiles)
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, *inline_script_hashes(package_dir)],
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": images,
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }
