"""Import a gazetteer and a postcode table from CSV (columns found by common names).

A file is stored whole or not at all: a row that cannot be read (no name, a
coordinate that is no number or lies off the globe, a postcode without five digits)
is reported with its row number and column, and nothing of the file is kept. The
text must be UTF-8 (checked by :func:`sot.validation.tabular.decode`, the reader
every import uses), so "Östersund" never arrives as "�stersund".
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from django.db import transaction

from sot.public.models import GazetteerPlace, Postcode
from sot.validation import tabular

NAME = ("name", "namn", "ortnamn", "place", "placename", "tatort")
LAT = ("lat", "latitude", "latitud", "y")
LON = ("lon", "lng", "long", "longitude", "longitud", "x")
KIND = ("kind", "typ", "type", "feature_code", "kategori")
MUNI = ("kommun_kod", "kommunkod", "municipality_code", "kn")
POSTCODE = ("postnummer", "postcode", "postal_code", "zip", "postnr")
LOCALITY = ("postort", "locality", "ort", "city")


class ImportError_(ValueError):
    """The CSV lacks a needed column, is not UTF-8, or has rows that cannot be
    read (``problems``: row number, column, message); nothing was stored."""

    def __init__(self, message: str, problems: list[tabular.Problem] | None = None):
        self.problems = problems or []
        if self.problems:
            shown = "; ".join(
                f"rad {p.row}, {p.column}: {p.message}" for p in self.problems[:20]
            )
            more = len(self.problems) - 20
            message = f"{message} {shown}" + (f" (och {more} till)" if more > 0 else "")
        super().__init__(message)


#: Most rows reported at once (the file is refused whatever the count).
MAX_PROBLEMS = 200


def _coordinate(value: str | None, low: float, high: float) -> float:
    number = float((value or "").strip().replace(",", "."))
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"ska vara ett tal mellan {low:g} och {high:g}")
    return number


def _refuse_if(problems: list[tabular.Problem]) -> None:
    if problems:
        raise ImportError_(
            f"{len(problems)} {'rad' if len(problems) == 1 else 'rader'} kunde "
            "inte läsas; inget sparades.",
            problems[:MAX_PROBLEMS],
        )


def _find(
    header: list[str], names: tuple[str, ...], *, required: bool = True
) -> str | None:
    lower = {h.strip().lower(): h for h in header}
    for name in names:
        if name in lower:
            return lower[name]
    if required:
        raise ImportError_(f"no column named any of {', '.join(names)} in {header}")
    return None


#: Columns of a GeoNames dump (``SE.txt`` from download.geonames.org/export/dump/):
#: tab-separated, no header, 19 columns; admin2 is the SCB municipality code in Sweden.
GEONAMES_COLUMNS = [
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "country_code",
    "cc2",
    "admin1",
    "kommun_kod",
    "admin3",
    "admin4",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modified",
]


def _geonames(text: str):
    """Rows of a GeoNames dump as (line number, dict), populated places (feature
    class P) only; None when the text is not such a dump."""
    first = text.split("\n", 1)[0].rstrip("\r").split("\t")
    if len(first) != len(GEONAMES_COLUMNS) or not first[0].isdigit():
        return None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split("\t")
        if not line.strip():
            continue
        row = dict(zip(GEONAMES_COLUMNS, fields, strict=False))
        if row.get("feature_class") == "P":
            rows.append((number, row))
    return rows


#: Columns of a GeoNames postal-code dump (``SE.txt`` from
#: download.geonames.org/export/zip/): tab-separated, no header, 12 columns.
GEONAMES_POSTAL_COLUMNS = [
    "country_code",
    "postnummer",
    "postort",
    "admin_name1",
    "admin_code1",
    "admin_name2",
    "kommun_kod",
    "admin_name3",
    "admin_code3",
    "lat",
    "lon",
    "accuracy",
]


def _geonames_postal(text: str):
    """Rows of a GeoNames postal-code dump as (line number, dict); None when the
    text is not such a dump."""
    first = text.split("\n", 1)[0].rstrip("\r").split("\t")
    if len(first) != len(GEONAMES_POSTAL_COLUMNS) or not (
        len(first[0]) == 2 and first[0].isalpha() and first[0].isupper()
    ):
        return None
    return [
        (number, dict(zip(GEONAMES_POSTAL_COLUMNS, line.split("\t"), strict=False)))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def _rows(path: Path):
    """The header, then each row as (row number, dict); row numbers count the
    header as 1. A GeoNames dump (no header) gives its populated places."""
    try:
        text = tabular.decode(Path(path).read_bytes())
    except tabular.TableError as exc:
        raise ImportError_(str(exc)) from None
    geonames = _geonames(text)
    if geonames is not None:
        yield ["name", "latitude", "longitude", "feature_code", "kommun_kod"]
        yield from geonames
        return
    postal = _geonames_postal(text)
    if postal is not None:
        yield ["postnummer", "postort", "lat", "lon"]
        yield from postal
        return
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    yield reader.fieldnames or []
    yield from enumerate(reader, start=2)


def import_places(path: str | Path, *, source: str = "", replace: bool = False) -> int:
    """Load a gazetteer CSV; returns the number of places stored."""
    rows = _rows(Path(path))
    header = next(rows)
    name, lat, lon = _find(header, NAME), _find(header, LAT), _find(header, LON)
    kind = _find(header, KIND, required=False)
    muni = _find(header, MUNI, required=False)
    source = source or Path(path).name
    objs = []
    problems: list[tabular.Problem] = []
    for number, row in rows:
        place_name = (row.get(name) or "").strip()
        if not place_name or len(place_name) > 200:
            reason = "namn saknas" if not place_name else "namnet har över 200 tecken"
            problems.append(tabular.Problem(number, name, reason))
            continue
        coords = []
        for column, low, high in ((lat, -90, 90), (lon, -180, 180)):
            try:
                coords.append(_coordinate(row.get(column), low, high))
            except ValueError as exc:
                reason = str(exc) if "mellan" in str(exc) else "är inget tal"
                problems.append(tabular.Problem(number, column, reason))
        if len(coords) < 2:
            continue
        objs.append(
            GazetteerPlace(
                name=place_name,
                lat=coords[0],
                lon=coords[1],
                kind=(row.get(kind) or "").strip()[:60] if kind else "",
                municipality_code=(row.get(muni) or "").strip()[:4] if muni else "",
                source=source[:100],
            )
        )
    _refuse_if(problems)
    with transaction.atomic():
        if replace:
            GazetteerPlace.objects.filter(source=source[:100]).delete()
        GazetteerPlace.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


def import_postcodes(path: str | Path) -> int:
    """Load a postcode CSV (postcode, locality, lat, lon); existing codes are updated."""
    rows = _rows(Path(path))
    header = next(rows)
    code_col, lat, lon = _find(header, POSTCODE), _find(header, LAT), _find(header, LON)
    loc = _find(header, LOCALITY, required=False)
    values_by_code: dict[str, dict] = {}
    problems: list[tabular.Problem] = []
    for number, row in rows:
        code = "".join(ch for ch in (row.get(code_col) or "") if ch.isdigit())
        if len(code) != 5:
            problems.append(
                tabular.Problem(number, code_col, "ett postnummer har fem siffror")
            )
            continue
        coords = []
        for column, low, high in ((lat, -90, 90), (lon, -180, 180)):
            try:
                coords.append(_coordinate(row.get(column), low, high))
            except ValueError as exc:
                reason = str(exc) if "mellan" in str(exc) else "är inget tal"
                problems.append(tabular.Problem(number, column, reason))
        if len(coords) < 2:
            continue
        values_by_code[code] = {
            "lat": coords[0],
            "lon": coords[1],
            "locality": (row.get(loc) or "").strip()[:100] if loc else "",
        }
    _refuse_if(problems)
    with transaction.atomic():
        for code, values in values_by_code.items():
            Postcode.objects.update_or_create(code=code, defaults=values)
    return len(values_by_code)
