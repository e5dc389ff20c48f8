"""What a resident typed into "find the nearest point", turned into a position.

A query is one of:

- nothing: the resident is asked again (``Resolution.status == "empty"``);
- a postcode, five digits with or without the space (``830 05``, ``83005``);
- two decimal degrees in either order (``63.2 13.5`` or ``13.5 63.2``): the order
  that lies in Sweden wins, latitude first when neither does. Degree signs and
  N/E/Ö letters are ignored (``63.2°N 13.5°E``);
- SWEREF 99 TM metres in either order (``7040000 420000``), converted exactly with
  :mod:`sot.geo.crs`;
- a name, matched against points, villages, localities and municipalities: exact
  spelling first, then without diacritics (``Jarpen``), then as a prefix, then with
  one typo (two in names of seven letters or more: ``Undersaker``, ``Jarpne``).
  ``Backe, Strömsund`` restricts the match to a municipality.

Places inside the install's area win over namesakes outside it, and a place outside
gives ``status == "outside"`` so that the page can say so plainly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from sot.geo.crs import from_sweref99tm
from sot.public.core.gazetteer import Place, PostcodeEntry

#: Sweden's extent (lon/lat), a little generous: the order test for coordinates.
SWEDEN = (10.0, 55.0, 24.5, 69.5)
#: SWEREF 99 TM over Sweden: northing and easting ranges in metres.
NORTHING = (6_100_000.0, 7_700_000.0)
EASTING = (200_000.0, 1_000_000.0)
KIND_RANK = {"point": 0, "village": 1, "place": 2, "municipality": 3}

_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*(?:[;,/]\s*|\s+)({_NUMBER})\s*$")
_POSTCODE = re.compile(r"^\s*(\d{3})\s?(\d{2})\s*$")
_DEGREE_SIGNS = re.compile(r"[°º'′\"″]")
_COMPASS = re.compile(
    r"(?<=[\d\s])[NnEeÖö](?=[\s,;]|$)|(?:^|(?<=[\s,;]))[NnEeÖö]\s*(?=\d)"
)


@lru_cache(maxsize=65_536)
def fold(name: str) -> str:
    """Lower case without diacritics, hyphens or punctuation: ``Åre-Järpen`` ->
    ``are jarpen``."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("æ", "ae").replace("ø", "o")
    text = re.sub(r"[-_.,:;'’\"()/]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _exact(name: str) -> str:
    return re.sub(r"\s+", " ", name.casefold().replace("-", " ")).strip()


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters counts as one),
    or ``limit + 1`` as soon as it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def parse_postcode(text: str) -> str | None:
    """``83005`` for ``830 05`` or ``83005`` (None when not five digits)."""
    m = _POSTCODE.match(text)
    return m.group(1) + m.group(2) if m else None


def _in_sweden(lat: float, lon: float) -> bool:
    return SWEDEN[1] <= lat <= SWEDEN[3] and SWEDEN[0] <= lon <= SWEDEN[2]


def parse_coordinates(text: str) -> tuple[float, float, str] | None:
    """(lat, lon, how) for two numbers: WGS84 degrees in either order or SWEREF 99
    TM metres in either order; ``how`` is ``"wgs84"`` or ``"sweref99tm"``."""
    m = _PAIR.match(_COMPASS.sub(" ", _DEGREE_SIGNS.sub(" ", text)))
    if not m:
        return None
    a, b = (float(g.replace(",", ".")) for g in m.groups())
    if abs(a) > 1000 or abs(b) > 1000:
        for north, east in ((a, b), (b, a)):
            if NORTHING[0] <= north <= NORTHING[1] and EASTING[0] <= east <= EASTING[1]:
                lon, lat = from_sweref99tm(east, north)
                return float(lat), float(lon), "sweref99tm"
        return None
    candidates = [(a, b), (b, a)]
    for lat, lon in candidates:
        if _in_sweden(lat, lon):
            return lat, lon, "wgs84"
    if -90 <= a <= 90 and -180 <= b <= 180:
        return a, b, "wgs84"
    if -90 <= b <= 90 and -180 <= a <= 180:
        return b, a, "wgs84"
    return None


@dataclass(frozen=True)
class Origin:
    """Where to measure from, and how to name it to the resident."""

    lat: float
    lon: float
    label: str
    kind: str
    municipality_code: str = ""
    #: The position is only the municipality's centre (a postcode of a small town).
    approximate: bool = False
    #: The position is a town's as GeoNames only estimated it (tens of km off at worst).
    estimated: bool = False


@dataclass(frozen=True)
class Resolution:
    """``status``: ``empty`` | ``found`` | ``outside`` | ``not_found``."""

    status: str
    query: str
    origin: Origin | None = None
    alternatives: tuple[Place, ...] = field(default_factory=tuple)

    @property
    def found(self) -> bool:
        return self.origin is not None


def _tiers(query: str, places: Sequence[Place]):
    """(place, tier, typos) for every place the query could mean."""
    exact, folded = _exact(query), fold(query)
    limit = 1 if len(folded) < 7 else 2
    for p in places:
        if _exact(p.name) == exact:
            yield p, 0, 0
            continue
        name = fold(p.name)
        if name == folded:
            yield p, 1, 0
        elif len(folded) >= 3 and name.startswith(folded):
            yield p, 2, 0
        elif len(folded) >= 4 and (name[:1] == folded[:1] or name[1:2] == folded[1:2]):
            typos = edit_distance(folded, name, limit)
            if typos <= limit:
                yield p, 3, typos


def match_places(
    query: str,
    places: Sequence[Place],
    *,
    inside: Callable[[Place], bool] = lambda p: True,
    limit: int = 5,
) -> list[Place]:
    """The places a name means, best first (see the module's docstring)."""
    ranked = sorted(
        _tiers(query, places),
        key=lambda t: (
            t[1],
            t[2],
            not inside(t[0]),
            KIND_RANK.get(t[0].kind, 2),
            -t[0].population,
            len(t[0].name),
        ),
    )
    if not ranked:
        return []
    best_tier = ranked[0][1]
    out: list[Place] = []
    seen: set[tuple] = set()
    for p, tier, _ in ranked:
        if tier != best_tier and out:
            break
        key = (fold(p.name), round(p.lat, 2), round(p.lon, 2))
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
        if len(out) == limit:
            break
    return out


def _split_municipality(
    query: str, places: Iterable[Place]
) -> tuple[str, set[str] | None]:
    """``Backe, Strömsund`` -> (``Backe``, codes of Strömsund), else (query, None)."""
    if "," not in query:
        return query, None
    name, _, where = query.rpartition(",")
    key = fold(where)
    if not key or not name.strip():
        return query, None
    codes = {
        p.municipality_code
        for p in places
        if p.municipality_code
        and (
            fold(p.municipality) == key
            or (p.kind == "municipality" and fold(p.name) == key)
        )
    }
    return (name.strip(), codes) if codes else (query, None)


def resolve(
    query: str,
    *,
    places: Sequence[Place],
    postcodes: Mapping[str, PostcodeEntry],
    area_codes: frozenset[str] | set[str],
    in_area: Callable[[float, float], bool],
) -> Resolution:
    """Turn a query into where to measure from (see the module's docstring).

    ``places`` are the names to search (points, villages, gazetteer, municipalities),
    ``area_codes`` the install's municipality codes and ``in_area`` tells whether a
    position lies in the install's area (used when a place has no municipality).
    """
    q = re.sub(r"\s+", " ", (query or "")).strip()[:100]
    if not q:
        return Resolution("empty", q)

    def inside(p: Place) -> bool:
        if p.municipality_code:
            return p.municipality_code in area_codes
        return in_area(p.lat, p.lon)

    def done(origin: Origin, alternatives=()) -> Resolution:
        if origin.municipality_code:
            ok = origin.municipality_code in area_codes
        else:
            ok = in_area(origin.lat, origin.lon)
        return Resolution("found" if ok else "outside", q, origin, tuple(alternatives))

    code = parse_postcode(q)
    if code:
        entry = postcodes.get(code)
        if entry is None:
            return Resolution("not_found", q)
        return done(postcode_origin(entry, places))
    coords = parse_coordinates(q)
    if coords:
        lat, lon, how = coords
        return done(Origin(lat, lon, f"{lat:.4f}, {lon:.4f}", how))
    name, codes = _split_municipality(q, places)
    pool = [p for p in places if codes is None or p.municipality_code in codes]
    matches = match_places(name, pool, inside=inside)
    if not matches:
        return Resolution("not_found", q)
    best = matches[0]
    origin = Origin(
        best.lat,
        best.lon,
        best.name,
        best.kind,
        best.municipality_code,
        estimated=best.estimated,
    )
    others = [m for m in matches[1:] if inside(m) or not inside(best)]
    return done(origin, others)


def known_by_name(places: Iterable[Place]) -> dict[str, list[Place]]:
    """The places whose position is known (not GeoNames' estimate) by folded name:
    what :func:`postcode_origin` looks a postcode's town up in. Built once when
    many postcodes are placed (the snapshot's search index places all 18 000)."""
    index: dict[str, list[Place]] = {}
    for p in places:
        if not p.estimated:
            index.setdefault(fold(p.name), []).append(p)
    return index


def postcode_origin(
    entry: PostcodeEntry,
    places: Iterable[Place],
    *,
    by_name: Mapping[str, list[Place]] | None = None,
) -> Origin:
    """Where a postcode measures from: its town among the install's own points and
    villages when there is one (the install knows where its villages are), else the
    bundled position, or, when that is only the municipality's centre or GeoNames'
    estimate, a bundled place of the town's name in its municipality known better.
    ``by_name`` is :func:`known_by_name` of ``places``, when the caller has it."""
    label = f"{entry.spaced} {entry.town}".strip()
    if by_name is None:
        by_name = known_by_name(places)
    named = [
        p
        for p in by_name.get(fold(entry.town), ())
        if (p.municipality_code or entry.municipality_code) == entry.municipality_code
    ]
    own = [p for p in named if p.kind in ("point", "village")]
    pick = own or (named if not entry.precise or entry.estimated else [])
    if pick:
        best = min(pick, key=lambda p: KIND_RANK.get(p.kind, 2))
        return Origin(best.lat, best.lon, label, "postcode", entry.municipality_code)
    return Origin(
        entry.lat,
        entry.lon,
        label,
        "postcode",
        entry.municipality_code,
        approximate=not entry.precise,
        estimated=entry.estimated,
    )
