"""A running server republishes the snapshot by itself (debounce thread)."""

from __future__ import annotations

import time

import pytest


@pytest.mark.django_db(transaction=True)
def test_running_server_republishes_in_the_background(tmp_path, settings):
    """With the debounce thread: a saved public message appears without a request."""
    from sot.public.models import PublicMessage
    from sot.registry import demo
    from sot.registry.models import Point

    demo.load()
    settings.PUBLISH_DIR = str(tmp_path / "site")
    point = Point.objects.get(slug="kall")
    PublicMessage.objects.create(
        municipality=point.municipality, point=point, text="Kaffe finns"
    )
    page = tmp_path / "site" / "punkt" / "kall" / "index.html"
    deadline = time.monotonic() + 20  # a bound on waiting, not a speed requirement
    while time.monotonic() < deadline:
        if page.exists() and "Kaffe finns" in page.read_text():
            break
        time.sleep(0.05)
    assert "Kaffe finns" in page.read_text()
