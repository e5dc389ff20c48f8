"""Fixtures of the planning tests (plain Python, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The planning test documents written for these tests (see data/README.md)."""
    return DATA


@pytest.fixture(scope="session")
def tiny_net():
    """The five-node loop read from data/tiny_village.osm."""
    from sot.planning.network import from_pbf

    return from_pbf(DATA / "tiny_village.osm")


@pytest.fixture(scope="session")
def roads(shared_data) -> Path:
    """The real OSM extracts in ../shared/data/roads (skips when absent)."""
    path = shared_data / "roads"
    if not (path / "valhalla_andorra_2020.osm.pbf").exists():
        pytest.skip("the Andorra extract is not in shared data")
    return path


@pytest.fixture(scope="session")
def andorra(roads):
    """The Andorra road network (largest strongly connected component)."""
    from sot.planning.network import from_pbf

    return from_pbf(roads / "valhalla_andorra_2020.osm.pbf")
