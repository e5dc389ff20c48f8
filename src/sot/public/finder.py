"""Find the nearest open point: the names and postcodes to search, from the bundled
gazetteer of Sweden, the install's own imports and its points, and the answer.

The rules (what a query may be, how names match) are plain, in
:mod:`sot.public.core.search`; this module only gathers the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sot.geo.polygon import point_in_geometry
from sot.public.core import gazetteer, search
from sot.public.core import nearest as near
from sot.public.core.gazetteer import Place, PostcodeEntry
from sot.public.core.model import PublicPoint

if TYPE_CHECKING:
    from sot.public.pages import PublicData

#: A place outside the install's area still gets its nearest points listed when the
#: nearest one is at most this far (a border village); else only the plain message.
BORDER_M = 50_000.0


def area_centre(geometry: dict | None) -> tuple[float, float] | None:
    """(lon, lat): the mean of the largest ring's vertices, a rough centre."""
    if not geometry:
        return None
    polys = (
        geometry["coordinates"]
        if geometry.get("type") == "MultiPolygon"
        else [geometry.get("coordinates", [])]
    )
    rings = [poly[0] for poly in polys if poly]
    if not rings:
        return None
    ring = max(rings, key=len)
    return (sum(c[0] for c in ring) / len(ring), sum(c[1] for c in ring) / len(ring))


def imported_places() -> list[Place]:
    """The install's own gazetteer imports (``sot import_places``)."""
    from sot.public.models import GazetteerPlace

    return [
        Place(g.name, g.lat, g.lon, "village", "", g.municipality_code)
        for g in GazetteerPlace.objects.all().only(
            "name", "lat", "lon", "municipality_code"
        )
    ]


def search_places(data: PublicData) -> list[Place]:
    """Points, their villages, the install's municipalities, its imported names and
    the bundled localities of Sweden."""
    names = dict(data.municipalities)
    places = [
        Place(p.name, p.lat, p.lon, "point", p.municipality_name, p.municipality_code)
        for p in data.points
    ]
    places += [
        Place(
            p.village, p.lat, p.lon, "village", p.municipality_name, p.municipality_code
        )
        for p in data.points
        if p.village
    ]
    for area in data.areas:
        centre = area_centre(area.geometry)
        if centre:
            places.append(
                Place(
                    area.name,
                    centre[1],
                    centre[0],
                    "municipality",
                    area.name,
                    area.code,
                )
            )
    places += [
        Place(
            p.name,
            p.lat,
            p.lon,
            p.kind,
            names.get(p.municipality_code, ""),
            p.municipality_code,
        )  # fmt: skip
        for p in imported_places()
    ]
    places += [
        p
        if p.municipality_code not in names
        else Place(
            p.name,
            p.lat,
            p.lon,
            p.kind,
            names[p.municipality_code],
            p.municipality_code,
            p.population,
        )  # fmt: skip
        for p in gazetteer.places()
    ]
    return places


def postcodes() -> dict[str, PostcodeEntry]:
    """The bundled postcodes with the install's imports on top."""
    from sot.public.models import Postcode

    table = dict(gazetteer.postcodes())
    for pc in Postcode.objects.all():
        old = table.get(pc.code)
        table[pc.code] = PostcodeEntry(
            code=pc.code,
            town=pc.locality or (old.town if old else ""),
            municipality_code=old.municipality_code if old else "",
            lat=pc.lat,
            lon=pc.lon,
        )
    return table


def area_test(data: PublicData):
    """``in_area(lat, lon)``: inside one of the install's municipalities (within
    ``BORDER_M`` of a point when the install has no boundaries)."""
    geometries = [a.geometry for a in data.areas if a.geometry]

    def in_area(lat: float, lon: float) -> bool:
        if geometries:
            return any(point_in_geometry(lon, lat, g) for g in geometries)
        return any(
            near.haversine_m(lat, lon, p.lat, p.lon) <= BORDER_M for p in data.points
        )

    return in_area


@dataclass
class Answer:
    """A resolved query and the nearest points to it."""

    resolution: search.Resolution
    #: (point, distance_m) nearest first; open points unless ``any_state``.
    ranked: list[tuple[PublicPoint, float]] = field(default_factory=list)
    any_state: bool = False


def find(data: PublicData, query: str, *, limit: int = 5) -> Answer:
    """Resolve ``query`` and rank the points from there."""
    area_codes = {c for c, _ in data.municipalities} | {a.code for a in data.areas}
    resolution = search.resolve(
        query,
        places=search_places(data),
        postcodes=postcodes(),
        area_codes=area_codes,
        in_area=area_test(data),
    )
    origin = resolution.origin
    if origin is None:
        return Answer(resolution)
    ranked = near.nearest_points(origin.lat, origin.lon, data.points, limit=limit)
    any_state = False
    if not ranked:
        ranked = near.nearest_points(
            origin.lat, origin.lon, data.points, open_only=False, limit=limit
        )
        any_state = True
    if resolution.status == "outside" and ranked and ranked[0][1] > BORDER_M:
        ranked = []
    return Answer(resolution, ranked, any_state)
