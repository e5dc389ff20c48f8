"""Import a gazetteer and a postcode table from CSV (columns found by common names)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from sot.public.models import GazetteerPlace, Postcode

NAME = ("name", "namn", "ortnamn", "place", "placename", "tatort")
LAT = ("lat", "latitude", "latitud", "y")
LON = ("lon", "lng", "long", "longitude", "longitud", "x")
KIND = ("kind", "typ", "type", "feature_code", "kategori")
MUNI = ("kommun_kod", "kommunkod", "municipality_code", "kn")
POSTCODE = ("postnummer", "postcode", "postal_code", "zip", "postnr")
LOCALITY = ("postort", "locality", "ort", "city")


class ImportError_(ValueError):
    """The CSV lacks a needed column."""


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


def _rows(path: Path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        reader = csv.DictReader(fh, dialect=dialect)
        yield reader.fieldnames or []
        yield from reader


def import_places(path: str | Path, *, source: str = "", replace: bool = False) -> int:
    """Load a gazetteer CSV; returns the number of places stored."""
    rows = _rows(Path(path))
    header = next(rows)
    name, lat, lon = _find(header, NAME), _find(header, LAT), _find(header, LON)
    kind = _find(header, KIND, required=False)
    muni = _find(header, MUNI, required=False)
    source = source or Path(path).name
    objs = []
    for row in rows:
        try:
            objs.append(
                GazetteerPlace(
                    name=row[name].strip(),
                    lat=float(row[lat]),
                    lon=float(row[lon]),
                    kind=(row.get(kind) or "").strip()[:60] if kind else "",
                    municipality_code=(row.get(muni) or "").strip()[:4] if muni else "",
                    source=source[:100],
                )
            )
        except (TypeError, ValueError):
            continue
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
    count = 0
    with transaction.atomic():
        for row in rows:
            code = "".join(ch for ch in row[code_col] if ch.isdigit())
            if len(code) != 5:
                continue
            try:
                values = {
                    "lat": float(row[lat]),
                    "lon": float(row[lon]),
                    "locality": (row.get(loc) or "").strip()[:100] if loc else "",
                }
            except (TypeError, ValueError):
                continue
            Postcode.objects.update_or_create(code=code, defaults=values)
            count += 1
    return count
