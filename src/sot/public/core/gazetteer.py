"""The gazetteer of Sweden that ships with sot: localities and postcodes.

Two CSV files in ``sot/public/data`` (GeoNames data, built by
``scripts/build_gazetteer.py``; sources and licences in ``data/SOURCES.md``):

- ``places_se.csv``: populated places with at least 500 inhabitants or a municipal
  seat, and the postal towns of GeoNames' postal table that are not among them
  (``namn,lat,lon,kommun_kod,folkmangd,geonameid,precision``), about 2 300 rows;
- ``postcodes_se.csv``: every postcode with its postal town and municipality, and
  coordinates that are the town's (``precision`` = ``ort``), the town's as GeoNames
  only estimated it (``uppskattad``: it can be tens of kilometres off) or, for a row a
  refresh could not place, the municipality's centre (``kommun``), about 18 000 rows.

``precision`` in ``places_se.csv`` is ``ort`` (a GeoNames populated place, or a postal
town that GeoNames placed from one) or ``uppskattad`` (GeoNames' postal table only
estimated the town's position): the resident is told that the distances from such a
place are rough.

Read once per process; an install adds finer names and postcodes of its own with
``sot import_places`` / ``sot import_postcodes`` (see docs/public-site.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Place:
    """A named place to search from: a point, a village, a locality, a municipality.

    ``kind`` ranks equal matches: a point's own name first, then the village it
    stands in, a locality of the gazetteer, and a municipality last.
    """

    name: str
    lat: float
    lon: float
    kind: str = "place"
    municipality: str = ""
    municipality_code: str = ""
    population: int = 0
    #: The position is only GeoNames' estimate for a postal town (can be tens of
    #: kilometres off): the answer says so.
    estimated: bool = False


@dataclass(frozen=True)
class PostcodeEntry:
    """A postcode's representative position; ``precise`` is False when it is only the
    centre of the municipality (the town is too small for the gazetteer),
    ``estimated`` True when it is the town's position as GeoNames only estimated it."""

    code: str
    town: str
    municipality_code: str
    lat: float
    lon: float
    precise: bool = True
    estimated: bool = False

    @property
    def spaced(self) -> str:
        return f"{self.code[:3]} {self.code[3:]}"


def _read(name: str):
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


@cache
def places() -> tuple[Place, ...]:
    """The bundled localities of Sweden."""
    return tuple(
        Place(
            name=r["namn"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            kind="place",
            municipality_code=r["kommun_kod"],
            population=int(r["folkmangd"] or 0),
            estimated=r.get("precision") == "uppskattad",
        )
        for r in _read("places_se.csv")
    )


@cache
def postcodes() -> dict[str, PostcodeEntry]:
    """The bundled postcodes of Sweden by five-digit code."""
    return {
        r["postnummer"]: PostcodeEntry(
            code=r["postnummer"],
            town=r["postort"],
            municipality_code=r["kommun_kod"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            precise=r["precision"] != "kommun",
            estimated=r["precision"] == "uppskattad",
        )
        for r in _read("postcodes_se.csv")
    }
