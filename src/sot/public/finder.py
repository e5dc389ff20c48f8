"""Find the nearest open point: the names and postcodes to search, from the bundled
gazetteer of Sweden, the install's own imports and its points, and the answer.

The rules (what a query may be, how names match) are plain, in
:mod:`sot.public.core.search`; this module only gathers the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from sot.geo.polygon import point_in_geometry
from sot.public.core import gazetteer, search
from sot.public.core import nearest as near
from sot.public.core.gazetteer import Place, PostcodeEntry
from sot.public.core.model import STATE_LABELS, PublicPoint, label
from sot.public.core.words import distance as distance_text
from sot.public.models import GazetteerPlace, Postcode
from sot.public.pages import (
    ICONS,
    PublicData,
    asset_version,
    county_name,
    present_point,
    render_page,
)
from sot.public.texts import phrases

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
        for p in data.located
    ]
    places += [
        Place(
            p.village, p.lat, p.lon, "village", p.municipality_name, p.municipality_code
        )
        for p in data.located
        if p.village
    ]
    for area in data.municipality_areas:
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
        else replace(p, municipality=names[p.municipality_code])
        for p in gazetteer.places()
    ]
    return places


def postcodes() -> dict[str, PostcodeEntry]:
    """The bundled postcodes with the install's imports on top."""
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
    geometries = [a.geometry for a in data.municipality_areas if a.geometry]

    def in_area(lat: float, lon: float) -> bool:
        if geometries:
            return any(point_in_geometry(lon, lat, g) for g in geometries)
        return any(
            near.haversine_m(lat, lon, p.lat, p.lon) <= BORDER_M for p in data.located
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
    area_codes = {c for c, _ in data.municipalities} | {
        a.code for a in data.municipality_areas
    }
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
    # rank light rows (place and openness), then load only the points shown
    ranked = near.nearest_points(origin.lat, origin.lon, data.located, limit=limit)
    any_state = False
    if not ranked:
        ranked = near.nearest_points(
            origin.lat, origin.lon, data.located, open_only=False, limit=limit
        )
        any_state = True
    if resolution.status == "outside" and ranked and ranked[0][1] > BORDER_M:
        ranked = []
    (ranked,) = _whole(data, [ranked])
    return Answer(resolution, ranked, any_state)


def _whole(data: PublicData, rows: list[list]) -> list[list]:
    """Rows of (light point, distance) ranked from :attr:`PublicData.located`, with
    the points loaded whole, only those listed (one narrowed load for all rows)."""
    slugs = sorted({p.slug for row in rows for p, _d in row})
    if not slugs:
        return [[] for _row in rows]
    full = {p.slug: p for p in type(data)(data.now, where={"slug__in": slugs}).points}
    return [[(full[p.slug], d) for p, d in row if p.slug in full] for row in rows]


# -- without the server: the snapshot's search index and the localities list ------


def area_codes(data: PublicData) -> set[str]:
    return {c for c, _ in data.municipalities} | {a.code for a in data.areas}


def localities(data: PublicData) -> list[Place]:
    """The named places inside the install's area (villages of points, imported
    names, bundled localities), one per name and municipality, by name."""
    codes = area_codes(data)
    inside = [
        p
        for p in search_places(data)
        if p.kind in ("village", "place") and p.municipality_code in codes
    ]
    seen: dict[tuple[str, str], Place] = {}
    for p in sorted(inside, key=lambda p: search.KIND_RANK.get(p.kind, 2)):
        seen.setdefault((search.fold(p.name), p.municipality_code), p)
    return sorted(seen.values(), key=lambda p: (search.fold(p.name), p.municipality))


def index(data: PublicData, phrases_by_lang: dict[str, dict[str, str]]) -> dict:
    """What the snapshot's ``search.js`` needs, as one JSON-able dict: the points
    with their state, every searchable name of Sweden (for the outside-the-area
    answer), the postcodes of the area, and the words it writes."""
    codes = area_codes(data)
    places = search_places(data)
    by_name = search.known_by_name(places)
    keys = (
        "ask_again", "not_found", "outside", "this_area", "approximate", "estimated",
        "results",
        "results_any", "distance", "as_crow", "municipality", "postcode_not_found",
        "hours_today",
    )  # fmt: skip
    words = {}
    for lang, t in phrases_by_lang.items():
        words[lang] = {k: t[k] for k in keys}
        words[lang]["postcode_not_found"] = t["postcode_not_here"]
        words[lang]["states"] = {
            str(s): f"{ICONS.get(s, '○')} {label(STATE_LABELS, s, lang)}"
            for s in STATE_LABELS
        }
    return {
        "v": 1,
        "area": sorted(codes),
        "county": {lang: county_name(data.county, lang) for lang in ("sv", "en")},
        "border_m": BORDER_M,
        "points": [
            [
                p.slug,
                p.name,
                round(p.lat, 5),
                round(p.lon, 5),
                str(p.state),
                1 if p.is_open else 0,
                p.village,
                p.municipality_name,
                # today's hours set for the event (sv, en), empty otherwise
                p.opening_hours if p.opening_hours_source == "event" else "",
                p.opening_hours_en if p.opening_hours_source == "event" else "",
            ]
            for p in data.points
        ],  # fmt: skip
        # a seventh element, 1, only for a place GeoNames just estimated
        "places": [
            [
                p.name,
                round(p.lat, 5),
                round(p.lon, 5),
                search.KIND_RANK.get(p.kind, 2),
                p.municipality_code,
                p.population,
                *([1] if p.estimated else []),
            ]
            for p in places
        ],  # fmt: skip
        # each postcode where the server measures from (search.postcode_origin):
        # 1 the town, 0 only the municipality's centre, 2 GeoNames' rough estimate
        "postcodes": {
            code: [
                e.town,
                round(o.lat, 5),
                round(o.lon, 5),
                0 if o.approximate else 2 if o.estimated else 1,
            ]
            for code, e in sorted(postcodes().items())
            if e.municipality_code in codes
            for o in [search.postcode_origin(e, places, by_name=by_name)]
        },
        "t": words,
    }


def locality_ranks(
    data: PublicData, *, code: str | None = None
) -> list[tuple[Place, list]]:
    """Every locality of the area (or of the municipality ``code``) with its three
    nearest open points (the nearest of all when none is open) and their distances:
    the same in both languages. For one municipality the light rows are ranked and
    only the points listed are loaded whole, as the search does."""
    places = [
        p for p in localities(data) if code is None or p.municipality_code == code
    ]
    positions = [(p.lat, p.lon) for p in places]
    if code is None:
        ranked = near.nearest_many(positions, data.points)
        return list(zip(places, ranked, strict=True))
    light = near.nearest_many(positions, data.located)
    return list(zip(places, _whole(data, light), strict=True))


def locality_rows(
    data: PublicData, code: str, lang: str, *, static: bool, ranks: list | None = None
) -> list[dict]:
    """One municipality's localities, by name, each with its postcodes and its
    nearest (open, else any) points (``ranks``: :func:`locality_ranks` of the area
    or of the municipality, when the caller has it already)."""
    by_town: dict[str, list[str]] = {}
    for e in postcodes().values():
        if e.municipality_code == code:
            by_town.setdefault(search.fold(e.town), []).append(e.spaced)
    shown: dict[str, dict] = {}  # each point presented once, its distance apart
    rows = []
    for place, ranked in locality_ranks(data, code=code) if ranks is None else ranks:
        if place.municipality_code != code:
            continue
        listed = []
        for p, d in ranked:
            if p.slug not in shown:
                shown[p.slug] = present_point(p, lang, data.now, static=static)
            listed.append({**shown[p.slug], "distance": distance_text(d, lang)})
        rows.append(
            {
                "name": place.name,
                "rough": place.estimated,
                "postcodes": ", ".join(
                    sorted(by_town.get(search.fold(place.name), []))
                ),
                "points": listed,
            }
        )
    return rows


def locality_groups(data: PublicData, lang: str) -> list[dict]:
    """The localities index: the area's municipalities that have localities, with
    how many each has, grouped by county on a national install (one group, without
    a heading, on a county's). It lists no locality, so it does not grow with the
    country; each municipality's page (:func:`render_places_in`) lists them."""
    counts: dict[str, int] = {}
    for place in localities(data):
        counts[place.municipality_code] = counts.get(place.municipality_code, 0) + 1
    county_of = data.municipality_counties
    prefix = "/en" if lang == "en" else ""
    groups: dict[str, dict] = {}
    for code, name in data.municipalities:  # already in Swedish order
        if not counts.get(code):
            continue
        county = county_of.get(code, "") if data.national else ""
        group = groups.setdefault(county, {"code": county, "municipalities": []})
        group["municipalities"].append(
            {
                "code": code,
                "name": name,
                "n": counts[code],
                "url": f"{prefix}/orter/{code}/",
            }
        )
    names = dict(data.counties)
    ordered = []
    for code, _name in data.counties if data.national else [("", "")]:
        if code in groups:
            groups[code]["name"] = (
                county_name(names.get(code, code), lang) if code else ""
            )
            ordered.append(groups[code])
    return ordered


def index_js(data: PublicData) -> bytes:
    """``sok/index.js``: the index as a script (works from any static server and
    from a folder opened as files, where fetching JSON is refused)."""
    body = json.dumps(
        index(data, {"sv": phrases("sv"), "en": phrases("en")}),
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return f"window.SOT_INDEX={body};\n".encode()


def render_places(data: PublicData, lang: str, *, static: bool = False) -> bytes:
    """``/orter/``: the municipalities whose localities are listed, as links."""
    path = ("/en" if lang == "en" else "") + "/orter/"
    return render_page(
        "public/places.html",
        data,
        lang,
        path,
        static=static,
        title=phrases(lang)["places_title"],
        groups=locality_groups(data, lang),
    )


def render_places_in(
    data: PublicData,
    code: str,
    lang: str,
    *,
    static: bool = False,
    ranks: list | None = None,
) -> bytes | None:
    """``/orter/<code>/``: a municipality's localities with their postcodes and
    nearest points; None for a municipality outside the area."""
    name = dict(data.municipalities).get(code)
    if name is None:
        return None
    prefix = "/en" if lang == "en" else ""
    t = phrases(lang)
    return render_page(
        "public/places_in.html",
        data,
        lang,
        f"{prefix}/orter/{code}/",
        static=static,
        title=f"{t['places_title']}: {name}",
        municipality={"code": code, "name": name},
        places=locality_rows(data, code, lang, static=static, ranks=ranks),
    )


def render_search_static(data: PublicData, lang: str, *, index_version: str) -> bytes:
    """The snapshot's ``nara/index.html``: the form, the search script and, for
    browsers without JavaScript, links to the localities and municipalities."""
    path = ("/en" if lang == "en" else "") + "/nara/"
    return render_page(
        "public/nearest_static.html",
        data,
        lang,
        path,
        static=True,
        title=phrases(lang)["find_nearest"],
        index_js=f"/sok/index.js?v={index_version}",
        search_js=f"/sok/search.js?v={asset_version(SEARCH_JS)}",
        municipalities=[{"code": c, "name": n} for c, n in data.municipalities],
    )


SEARCH_JS = "public/search.js"


def render_nearest(data: PublicData, q: str, lang: str) -> bytes:
    t = phrases(lang)
    answer = find(data, q)
    res = answer.resolution
    notes: list[str] = []
    heading = ""
    if res.status == "empty":
        notes.append(t["ask_again"])
    elif res.status == "not_found":
        key = "postcode_not_found" if near.parse_postcode(res.query) else "not_found"
        notes.append(t[key].format(q=res.query))
    if res.origin is not None:
        place = res.origin.label
        if res.status == "outside":
            where = county_name(data.county, lang) or t["this_area"]
            notes.append(t["outside"].format(place=place, area=where))
        if res.origin.approximate:
            notes.append(t["approximate"].format(place=place))
        if res.origin.estimated:
            notes.append(t["estimated"].format(place=place))
        if answer.ranked:
            key = "results_any" if answer.any_state else "results"
            heading = t[key].format(place=place)
    points = [
        present_point(p, lang, data.now, static=False, distance_m=d)
        for p, d in answer.ranked
    ]
    path = ("/en" if lang == "en" else "") + "/nara/"
    return render_page(
        "public/nearest.html",
        data,
        lang,
        path,
        static=False,
        title=t["find_nearest"],
        q=res.query,
        notes=notes,
        alternatives=[
            f"{a.name}, {a.municipality}" if a.municipality else a.name
            for a in res.alternatives
        ],
        heading=heading,
        points=points,
        autofocus=res.status in ("empty", "not_found"),
    )
