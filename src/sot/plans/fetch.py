"""Fetching the road file a planning run names by address (``SOT_PLAN_ROAD_URL``)."""

from __future__ import annotations

from pathlib import Path

import httpx

from sot.planning.errors import PlanningError


def fetch_road_file(
    url: str, dest: Path, *, transport: httpx.BaseTransport | None = None
) -> Path:
    """Stream ``url`` to ``dest`` (through a temporary name, so a broken download
    never leaves a half file behind); a refusal or a non-PBF answer is an error
    that names the address."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_suffix(dest.suffix + ".part")
    try:
        with (
            httpx.Client(
                transport=transport, follow_redirects=True, timeout=60.0
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise PlanningError(
                    f"vägfilen kunde inte hämtas från {url}: HTTP {response.status_code}"
                )
            with part.open("wb") as fh:
                for chunk in response.iter_bytes(1 << 20):
                    fh.write(chunk)
    except httpx.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise PlanningError(f"vägfilen kunde inte hämtas från {url}: {exc}") from exc
    head = part.read_bytes()[:64]
    if b"OSMHeader" not in head:
        part.unlink(missing_ok=True)
        raise PlanningError(f"{url} gav ingen OpenStreetMap-fil (.osm.pbf)")
    part.replace(dest)
    return dest
