"""Read well-known binary (WKB) polygons into GeoJSON geometry dicts."""

from __future__ import annotations

import struct


class WKBError(ValueError):
    """The bytes are not a WKB Polygon or MultiPolygon this reader understands."""


def _reader(data: bytes):
    pos = 0

    def take(fmt: str):
        nonlocal pos
        size = struct.calcsize(fmt)
        if pos + size > len(data):
            raise WKBError("truncated WKB")
        values = struct.unpack_from(fmt, data, pos)
        pos += size
        return values

    return take


def _geometry(take) -> dict:
    (order,) = take("B")
    e = "<" if order == 1 else ">"
    (kind,) = take(e + "I")
    kind %= 1000  # ISO Z/M variants are not expected here

    def ring() -> list[list[float]]:
        (n,) = take(e + "I")
        return [[x, y] for x, y in (take(e + "dd") for _ in range(n))]

    if kind == 3:
        (n_rings,) = take(e + "I")
        return {"type": "Polygon", "coordinates": [ring() for _ in range(n_rings)]}
    if kind == 6:
        (n_polys,) = take(e + "I")
        polys = []
        for _ in range(n_polys):
            sub = _geometry(take)
            if sub["type"] != "Polygon":
                raise WKBError("MultiPolygon member is not a Polygon")
            polys.append(sub["coordinates"])
        return {"type": "MultiPolygon", "coordinates": polys}
    raise WKBError(f"unsupported WKB geometry type {kind}")


def wkb_to_geojson(data: bytes, *, ndigits: int | None = 6) -> dict:
    """Return a GeoJSON Polygon/MultiPolygon for WKB bytes, coordinates rounded."""
    geom = _geometry(_reader(bytes(data)))
    if ndigits is not None:

        def rnd(rings):
            return [
                [[round(x, ndigits), round(y, ndigits)] for x, y in r] for r in rings
            ]

        if geom["type"] == "Polygon":
            geom["coordinates"] = rnd(geom["coordinates"])
        else:
            geom["coordinates"] = [rnd(p) for p in geom["coordinates"]]
    return geom
