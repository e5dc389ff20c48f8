"""Fixtures for the warnings app tests."""

from __future__ import annotations

from pathlib import Path

import pytest

WRITTEN = Path(__file__).resolve().parent / "core" / "data"


@pytest.fixture
def written() -> Path:
    """The documents written for the parser tests (tests/warnings/core/data/README.md)."""
    return WRITTEN


@pytest.fixture
def rules(jamtland):
    """The default suggestion rules, over the Jämtland demo register."""
    from sot.warnings.rules import ensure_default_rules

    ensure_default_rules()
    return jamtland


@pytest.fixture
def cap_xsd(shared_data) -> Path:
    """The OASIS CAP 1.2 schema in ../shared/data/feeds/cap (skips if absent)."""
    path = shared_data / "feeds" / "cap" / "CAP-v1.2.xsd"
    if not path.is_file():
        pytest.skip("CAP-v1.2.xsd not found")
    return path


@pytest.fixture
def recorded_dir(shared_data) -> Path:
    """The recorded real warning documents in ../shared/data/feeds (skips if absent)."""
    path = shared_data / "feeds"
    if not path.is_dir():
        pytest.skip(f"no {path}")
    return path
