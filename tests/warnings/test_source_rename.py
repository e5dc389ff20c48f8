"""The incoming-warnings source was renamed FeedSource -> WarningSource (and a
message's ``feed`` -> ``polled_from``) by a migration that keeps the data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("warnings", "0002_suggestion_cause_updated")]
AFTER = [("warnings", "0003_rename_feedsource_warningsource")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rename_keeps_sources_and_the_messages_link():
    old = _migrate(BEFORE)
    source = old.get_model("warnings", "FeedSource").objects.create(
        slug="smhi-test", name="SMHI test", format="smhi", url="https://example.org/"
    )
    old.get_model("warnings", "WarningMessage").objects.create(
        source="smhi",
        identifier="rename-1",
        feed=source,
        format="smhi",
        sent=datetime(2026, 1, 1, tzinfo=UTC),
        msg_type="alert",
        status="actual",
        hazard="other",
        level="YELLOW",
        imported_via="poll",
    )
    new = _migrate(AFTER)
    kept = new.get_model("warnings", "WarningSource").objects.get(slug="smhi-test")
    assert (kept.pk, kept.name, kept.url) == (source.pk, "SMHI test", source.url)
    message = new.get_model("warnings", "WarningMessage").objects.get(
        identifier="rename-1"
    )
    assert message.polled_from_id == source.pk
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest
