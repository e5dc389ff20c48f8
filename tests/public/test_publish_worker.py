"""The task worker that `sot serve` runs publishes a change made in a web process
(the transactional test lives outside tests/public/sitepages, whose tests share one
rolled-back transaction)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sot.public import site, tasks
from sot.public.models import PendingPublish


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_command_publishes_a_saved_message(
    tmp_path, settings, monkeypatch
):
    """End to end with `db_worker`, the command `sot serve` runs as its worker."""
    from sot.public.models import PublicMessage
    from sot.registry import demo
    from sot.registry.models import Point

    demo.load()
    settings.PUBLISH_DIR = str(tmp_path / "site")
    site.publish(settings.PUBLISH_DIR)
    monkeypatch.setattr(tasks, "DEBOUNCE_S", 0)
    point = Point.objects.get(slug="kall")
    PublicMessage.objects.create(
        municipality=point.municipality, point=point, text="Kaffe finns"
    )
    page = tmp_path / "site" / "punkt" / "kall" / "index.html"
    assert "Kaffe finns" not in page.read_text()
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")
    assert "Kaffe finns" in page.read_text()
    assert not PendingPublish.objects.exists()
