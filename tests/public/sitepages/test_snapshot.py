"""`sot publish DIR` and republishing when the public state changes."""

from __future__ import annotations

import json
from unittest.mock import ANY

from django.core.management import call_command

from sot.public import site
from sot.public.core import snapshot


def test_publish_command_writes_the_whole_site(tmp_path, kall_open):
    target = tmp_path / "site"
    call_command("publish", str(target))
    files = json.loads((target / "manifest.json").read_text())["files"]
    for path in [
        "index.html",
        "en/index.html",
        "punkt/kall/index.html",
        "en/punkt/kall/index.html",
        "kommun/2321/index.html",
        "karta/index.html",
        "site.css",
        "punkter.geojson",
        "punkter.csv",
        "feeds/cap.atom",
        "feeds/meddelanden.atom",
        "punkt/kall/anslag.pdf",
        "anslag/lista.pdf",
        "index.html.gz",
    ]:
        assert path in files, path
    assert any(p.startswith("cap/") and p.endswith(".xml") for p in files)
    assert snapshot.verify(target) == []
    page = (target / "punkt" / "kall" / "index.html").read_text()
    assert "Öppen" in page and "uppdaterad kl" in page  # absolute time on disk
    assert 'action="/nara/"' in (target / "index.html").read_text()
    call_command("publish", str(target), "--verify")


def test_status_change_by_operator_reaches_the_snapshot(
    tmp_path,
    settings,
    kall_open,
    exercise,
    kall,
    kall_operator,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The operations signal enqueues the publish task; the worker publishes."""
    from django_tasks_db.models import DBTaskResult

    from sot.operations import services as ops

    settings.PUBLISH_DIR = str(tmp_path / "site")
    site.publish(settings.PUBLISH_DIR)
    assert "Öppen" in (tmp_path / "site" / "punkt" / "kall" / "index.html").read_text()
    with django_capture_on_commit_callbacks(execute=True):
        ops.submit_status_report(
            point=kall,
            event=exercise,
            reported_by=kall_operator,
            source="sms",
            state="closed",
            state_reason="Elverket stannade",
        )
    queued = DBTaskResult.objects.get(task_path="sot.public.tasks.publish_pending")
    assert queued.task.call() == {"published": True, "changed": True, "files": ANY}
    page = (tmp_path / "site" / "punkt" / "kall" / "index.html").read_text()
    assert "Stängd" in page
    assert snapshot.verify(tmp_path / "site") == []
