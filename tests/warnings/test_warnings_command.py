"""`sot warnings import FILE [--json]` and the demo."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> str:
    out = StringIO()
    call_command("warnings", *args, stdout=out)
    return out.getvalue()


def test_import_prints_municipalities_and_points(rules, written):
    text = run("import", str(written / "smhi_ibww_jamtland_orange_wind.json"))
    assert "4711-9001" in text
    assert "2321 Åre" in text and "2309 Krokom" in text
    assert "kall, ottsjo, rotviken, valsjobyn" in text
    # found on the walk: the action was printed in English ("created")
    assert "  ny " in text and "created" not in text
    assert "oförändrad" in run(
        "import", str(written / "smhi_ibww_jamtland_orange_wind.json")
    )


def test_import_json(rules, written):
    data = json.loads(
        run("import", str(written / "sr_vma_v3_exercise_alert.json"), "--json")
    )
    assert data["format"] == "sr-vma"
    first = data["messages"][0]
    assert first["identifier"] == "SRCAP20240301100000E"
    assert first["municipality_codes"] == ["2321"]
    assert first["point_ids"] == ["hallen", "kall", "ottsjo"]
    assert first["status"] == "exercise"


def test_import_validates_cap_against_the_schema(rules, written, cap_xsd, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(
        (written / "cap_sv_wind_alert.xml")
        .read_text()
        .replace("<scope>Public</scope>", "")
    )
    with pytest.raises(CommandError, match="not valid CAP 1.2"):
        run("import", str(bad), "--xsd", str(cap_xsd))
    assert "sot-test-2024-0001" in run(
        "import", str(written / "cap_sv_wind_alert.xml"), "--xsd", str(cap_xsd)
    )


def test_import_refuses_a_broken_file_and_stores_nothing(rules, tmp_path):
    from sot.warnings.models import WarningMessage

    broken = tmp_path / "warning.json"
    broken.write_text(
        '[{"id": 1, "event": {"code": "WIND"}, "warningAreas": [{"id": 2}]}]'
    )
    with pytest.raises(CommandError, match="warningLevel|published"):
        run("import", str(broken))
    assert not WarningMessage.objects.exists()


def test_demo_is_idempotent(jamtland):
    from sot.warnings import demo
    from sot.warnings.models import (
        Suggestion,
        SuggestionRule,
        WarningMessage,
        WarningSource,
    )

    out = StringIO()
    demo.load(stdout=out)
    assert "(ny)" in out.getvalue() and "created" not in out.getvalue()
    demo.load()
    assert WarningMessage.objects.count() == 1
    assert WarningMessage.objects.get().status == "exercise"
    assert Suggestion.objects.count() == 2 and all(
        s.is_exercise for s in Suggestion.objects.all()
    )
    assert SuggestionRule.objects.count() == 4
    assert set(WarningSource.objects.values_list("slug", flat=True)) == {
        "smhi",
        "krisinformation",
        "vma",
    }


def test_poll_schedule_enqueues_once(db):
    from sot.warnings.tasks import pending_polls

    assert "schemalagd" in run("poll", "--schedule", "--every", "60")
    assert "redan" in run("poll", "--schedule")
    assert pending_polls() == 1


def test_poll_fails_when_every_source_fails(db):
    """`sot warnings poll` exits non-zero when no source answered (issue #11, item 8):
    every source points at a closed port on this machine (no network needed)."""
    from sot.warnings import polling
    from sot.warnings.models import WarningSource

    polling.ensure_sources()
    WarningSource.objects.update(
        enabled=True, url="http://127.0.0.1:9/warnings", retry_at=None, failures=0
    )
    with pytest.raises(CommandError, match="every warning source polled failed"):
        run("poll")
    assert WarningSource.objects.exclude(last_error="").exists()
