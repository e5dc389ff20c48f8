"""The Content-Security-Policy of every page (django-csp).

Scripts only from sot itself, plus the few inline scripts of sot's own templates,
allowed by their SHA-256 hash (computed here from the template files, so editing a
script keeps the policy right without a nonce that would defeat caching). Inline
styles are allowed: the public pages inline their CSS to stay small. Images also
from the tile server when ``SOT_TILE_URL`` is set. No framing, no plugins, forms
only to sot.
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


#: what a view may set on its response to change the policy (django-csp decorators)
_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware:
    """django-csp's middleware, skipping :data:`EXEMPT_PREFIXES`, with the header
    built once per policy: a response without a nonce or a view's own policy gets
    the header django-csp built for the settings' policy object last time (building
    it is a large share of a cached public page's cost)."""

    def __init__(self, get_response):
        # django-csp reads the settings at import, and the settings import this module
        from csp.middleware import CSPMiddleware as Base

        self.get_response = get_response
        self.base = Base(get_response)
        self._memo: dict[bool, tuple] = {}

    def __call__(self, request):
        if request.path_info.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        self.base.process_request(request)
        response = self.get_response(request)
        return self._process_response(request, response)

    def _process_response(self, request, response):
        # the settings import this module: read them and django-csp only when called
        from django.conf import settings

        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _OVERRIDES
        ):
            return self.base.process_response(request, response)
        if settings.DEBUG and response.status_code in (404, 500):
            return self.base.process_response(request, response)
        # django-csp reads the settings at import, and the settings import this module
        from csp.middleware import HEADER, HEADER_REPORT_ONLY, CheckableLazyObject
        from csp.utils import build_policy

        for report_only, header, setting in (
            (False, HEADER, "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = getattr(settings, setting, None)
            memo = self._memo.get(report_only)
            if memo is None or memo[0] is not policy:
                memo = (policy, build_policy(report_only=report_only))
                self._memo[report_only] = memo
            value = memo[1]
            exempt = getattr(
                response, "_csp_exempt_ro" if report_only else "_csp_exempt", False
            )
            prefixes = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES") or ())
            if (
                value
                and header not in response
                and exempt is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = value
        request.csp_nonce = CheckableLazyObject(self.base._csp_nonce_post_response)
        return response
