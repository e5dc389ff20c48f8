"""A large point import writes in short transactions: between batches nobody holds
the database's write lock, so status reports and the task worker go on (#12)."""

import sqlite3

import pytest
from django.db import connection

from sot.registry import tables
from sot.registry.models import Point

pytestmark = pytest.mark.db


def _rows(n):
    return [
        (
            i + 2,
            {
                "id": f"bulk-{i}",
                "name": f"Punkt {i}",
                "village": "Kall",
                "municipality_code": "2321",
                "lat": f"{63.40 + i * 0.0001:.4f}",
                "lon": "13.20",
            },
        )
        for i in range(n)
    ]


def _write_lock_free() -> bool:
    """Can another connection start writing right now (no waiting)?"""
    if connection.vendor != "sqlite":
        return True
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_import_releases_the_write_lock_between_batches(coordinator):
    seen = []

    def progress(done, total, phase):
        seen.append((phase, done, total, _write_lock_free()))

    result = tables.import_points(
        actor=coordinator,
        rows=_rows(250),
        confirm_outside=True,
        progress=progress,
    )
    assert len(result.created) == 250
    assert Point.objects.filter(slug__startswith="bulk-").count() == 250
    assert [(p, d) for p, d, _, _ in seen] == [
        ("check", 100),
        ("check", 200),
        ("check", 250),
        ("write", 100),
        ("write", 200),
        ("write", 250),
    ]
    assert all(free for *_, free in seen), seen


@pytest.mark.django_db(transaction=True)
def test_the_lock_probe_sees_a_held_lock(coordinator):
    """The probe above can fail: inside a writing transaction it says "held"."""
    from django.db import transaction

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    with transaction.atomic():
        Point.objects.filter(slug="kall").update(name="Kall")
        assert not _write_lock_free()
    assert _write_lock_free()


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_last_row_keeps_nothing(coordinator):
    rows = _rows(250)
    rows[-1][1]["lat"] = "91"
    with pytest.raises(tables.ImportFailed):
        tables.import_points(actor=coordinator, rows=rows, confirm_outside=True)
    assert not Point.objects.filter(slug__startswith="bulk-").exists()
