"""The public app's own settings (declared once, listed in docs/configuration.md)."""

from __future__ import annotations

from sot.config import env

TILE_URL = env.register(
    env.Setting(
        "SOT_TILE_URL",
        "",
        "XYZ tile URL template, e.g. https://tiles.example.se/{z}/{x}/{y}.png, for an "
        "optional tiled map on /karta/: pannable and zoomable (Leaflet, served by sot) "
        "with JavaScript, a static tile mosaic without (the visitor's browser "
        "fetches the tiles from that server). Empty: the SVG map only, no third-party "
        "requests.",
    )
)
TILE_ATTRIBUTION = env.register(
    env.Setting(
        "SOT_TILE_ATTRIBUTION",
        "",
        "Attribution shown under the tiled background map, as the tile provider asks "
        "(e.g. © OpenStreetMap contributors).",
    )
)

PUSH_URL = env.register(
    env.Setting(
        "SOT_PUBLISH_PUSH_URL",
        "",
        "Push the published snapshot to S3-compatible object storage after each "
        "publish, e.g. s3://bucket/prefix (only changed files, with Content-Type and "
        "Cache-Control; needs the s3 extra: pip install 'sot[s3]'). Credentials and "
        "endpoint from boto3's usual sources (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_S3).",
    )
)


def tile_url() -> str:
    return env.get(TILE_URL.name)


def tile_attribution() -> str:
    return env.get(TILE_ATTRIBUTION.name)


def push_url() -> str:
    return env.get(PUSH_URL.name)
