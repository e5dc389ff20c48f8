"""Merge GeoNames' postal-code table for Sweden into the bundled gazetteer (run by hand,
after scripts/build_gazetteer.py).

    git clone https://github.com/symerio/postal-codes-data /tmp/pc   # or any mirror
    .venv/bin/python scripts/merge_postal_codes.py /tmp/pc/data/geonames/SE.txt

The file is GeoNames' ``export/zip/SE.zip`` (CC BY 4.0) as mirrored by
symerio/postal-codes-data: tab-separated, no header, with a position for each postal
town. It rewrites ``src/sot/public/data/postcodes_se.csv`` and
``places_se.csv`` in place:

- postcodes: every five-digit code of the file gets its postal town's position and
  its SCB municipality code (GeoNames' admin2 code): the town's position in
  ``places_se.csv`` when it is there (same name, same municipality; GeoNames'
  populated-place position is finer than the postal table's four decimals), else
  the postal table's. GeoNames says how it placed each row (its last column,
  "accuracy"): ``4`` from a populated place of its gazetteer (``precision`` =
  ``ort``), ``1`` or nothing only estimated (``uppskattad``: Stora Blåsjön lies
  37 km from its estimate). A town takes a position of accuracy 4 from any of its
  rows before an estimate. Codes only in the earlier table keep their row.
- places: each postal town not in GeoNames' populated places (the rows of
  ``places_se.csv`` with a geonameid, from scripts/build_gazetteer.py) under the same
  name in the same municipality is added with its position and that precision, so
  villages that are their own postal towns (Valsjöbyn, Lillhärdal) are found by name,
  and the answer says so when the position is only estimated. Rows without a
  geonameid are this script's own and are rebuilt on each run.
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "sot" / "public" / "data"


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold().replace("-", " "))
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


def _load(name: str) -> tuple[list[str], list[dict]]:
    with open(OUT / name, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(name: str, fields: list[str], rows: list[dict]) -> None:
    with open(OUT / name, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def postal_rows(path: Path) -> list[dict]:
    """The file's Swedish rows with a five-digit code, a municipality and a position."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 11 or cols[0] != "SE":
                continue
            code, town, muni = cols[1].replace(" ", ""), cols[2].strip(), cols[6]
            if len(code) != 5 or not code.isdigit() or not town or len(muni) != 4:
                continue
            try:
                lat, lon = round(float(cols[9]), 5), round(float(cols[10]), 5)
            except ValueError:
                continue
            if not (55.0 <= lat <= 69.5 and 10.5 <= lon <= 24.5):
                continue
            placed = len(cols) > 11 and cols[11].strip() == "4"
            rows.append({"postnummer": code, "postort": town, "kommun_kod": muni,
                         "lat": lat, "lon": lon,
                         "precision": "ort" if placed else "uppskattad"})  # fmt: skip
    # a town placed from the gazetteer in any of its rows is placed in all of them
    best: dict[tuple[str, str], dict] = {}
    for r in rows:
        key = (_fold(r["postort"]), r["kommun_kod"])
        if key not in best or (
            best[key]["precision"] != "ort" and r["precision"] == "ort"
        ):
            best[key] = r
    for r in rows:
        b = best[(_fold(r["postort"]), r["kommun_kod"])]
        r["lat"], r["lon"], r["precision"] = b["lat"], b["lon"], b["precision"]
    return rows


def main(path: Path) -> None:
    postal = postal_rows(path)
    pfields, places = _load("places_se.csv")
    if "precision" not in pfields:
        pfields.append("precision")
    places = [dict(p, precision="ort") for p in places if p["geonameid"]]
    at = {(_fold(p["namn"]), p["kommun_kod"]): (p["lat"], p["lon"]) for p in places}
    for r in postal:
        key = (_fold(r["postort"]), r["kommun_kod"])
        if key in at:
            r["lat"], r["lon"] = at[key]
            r["precision"] = "ort"
    fields, old = _load("postcodes_se.csv")
    merged = {r["postnummer"]: r for r in old}
    merged.update({r["postnummer"]: r for r in postal})
    rows = sorted(merged.values(), key=lambda r: r["postnummer"])
    _write("postcodes_se.csv", fields, rows)

    known = {(_fold(p["namn"]), p["kommun_kod"]) for p in places}
    added = []
    for r in postal:
        key = (_fold(r["postort"]), r["kommun_kod"])
        if key in known:
            continue
        known.add(key)
        added.append({"namn": r["postort"], "lat": r["lat"], "lon": r["lon"],
                      "kommun_kod": r["kommun_kod"], "folkmangd": "",
                      "geonameid": "", "precision": r["precision"]})  # fmt: skip
    _write("places_se.csv", pfields, places + added)
    at_town = sum(1 for r in rows if r["precision"] == "ort")
    rough = sum(1 for r in added if r["precision"] != "ort")
    sys.stdout.write(
        f"{len(rows)} postcodes ({at_town} at their town); "
        f"{len(added)} postal towns ({rough} only estimated) added to "
        f"{len(places)} places\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
