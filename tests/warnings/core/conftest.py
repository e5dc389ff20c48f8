"""Fixtures for the plain parser tests (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def written() -> Path:
    """The documents written for these tests (see data/README.md)."""
    return DATA


@pytest.fixture(scope="session")
def recorded(shared_data: Path) -> Path:
    """The recorded real warning documents in ../shared/data/feeds (skips if absent)."""
    path = shared_data / "feeds"
    if not path.is_dir():
        pytest.skip(f"no {path}")
    return path
