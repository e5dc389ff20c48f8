"""What a resident types into the search, turned into a position (no database)."""

from __future__ import annotations

import pytest

from sot.geo.crs import to_sweref99tm
from sot.public.core import gazetteer, search
from sot.public.core.gazetteer import Place, PostcodeEntry
from sot.public.core.nearest import haversine_m

#: The eight municipalities of Jämtland (SCB codes), the demo install's area.
JAMTLAND = frozenset({"2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380"})


def resolve(query, places=None, postcodes=None):
    """Resolve against the bundled gazetteer with Jämtland as the install's area."""
    return search.resolve(
        query,
        places=gazetteer.places() if places is None else places,
        postcodes=gazetteer.postcodes() if postcodes is None else postcodes,
        area_codes=JAMTLAND,
        in_area=lambda lat, lon: 61.5 <= lat <= 65.2 and 11.9 <= lon <= 17.3,
    )


def test_bundled_gazetteer_covers_sweden():
    places = gazetteer.places()
    assert len(places) > 1000
    # every county of Sweden has localities (county = first two digits of the code)
    assert len({p.municipality_code[:2] for p in places}) == 21
    codes = gazetteer.postcodes()
    assert len(codes) > 15000
    assert (
        codes["83005"].town == "Järpen" and codes["83005"].municipality_code == "2321"
    )
    assert all(len(c) == 5 and c.isdigit() for c in codes)


@pytest.mark.parametrize("query", ["Järpen", "Jarpen", "JARPEN", "jarpen ", "Jarpne"])
def test_jarpen_with_or_without_diacritics_and_a_typo(query):
    res = resolve(query)
    assert res.status == "found"
    assert res.origin.label == "Järpen" and res.origin.municipality_code == "2321"


@pytest.mark.parametrize(
    "query", ["Undersåker", "Undersaker", "Undersker", "Undresåker"]
)
def test_undersaker_tolerates_typos(query):
    assert resolve(query).origin.label == "Undersåker"


def test_too_many_typos_find_nothing():
    assert resolve("Jxrpxn").status == "not_found"
    assert resolve("Atlantis").status == "not_found"


@pytest.mark.parametrize("query", ["830 05", "83005", " 830 05 "])
def test_postcode_with_or_without_space_lies_at_its_town(query):
    res = resolve(query)
    assert res.status == "found" and res.origin.label == "830 05 Järpen"
    järpen = next(p for p in gazetteer.places() if p.name == "Järpen")
    assert (res.origin.lat, res.origin.lon) == (järpen.lat, järpen.lon)
    assert not res.origin.approximate


def test_unknown_postcode_is_not_found():
    assert resolve("999 99").status == "not_found"


def test_postcode_of_a_small_village_uses_the_village_point_when_known():
    codes = {"83024": PostcodeEntry("83024", "Kall", "2321", 63.3, 13.5, False)}
    kall = Place("Kall", 63.4755, 13.2425, "point", "Åre", "2321")
    res = resolve("830 24", places=[kall], postcodes=codes)
    assert (res.origin.lat, res.origin.lon) == (kall.lat, kall.lon)
    assert not res.origin.approximate
    # without the village: the municipality's centre, said to be approximate
    res = resolve("830 24", places=[], postcodes=codes)
    assert res.origin.approximate and (res.origin.lat, res.origin.lon) == (63.3, 13.5)


@pytest.mark.parametrize(
    "query", ["63.2 13.5", "13.5 63.2", "63,2 13,5", "13.5, 63.2", "63.2°N 13.5°E"]
)
def test_wgs84_in_either_order(query):
    res = resolve(query)
    assert res.status == "found" and res.origin.kind == "wgs84"
    assert (res.origin.lat, res.origin.lon) == (63.2, 13.5)


@pytest.mark.parametrize(
    "query", ["7040000 420000", "420000 7040000", "N 7040000 E 420000"]
)
def test_sweref99tm_in_either_order_round_trips(query):
    res = resolve(query)
    assert res.origin.kind == "sweref99tm"
    easting, northing = to_sweref99tm(res.origin.lon, res.origin.lat)
    assert easting == pytest.approx(420_000, abs=0.01)
    assert northing == pytest.approx(7_040_000, abs=0.01)


def test_coordinates_outside_sweden_keep_latitude_first():
    assert search.parse_coordinates("-33.9 151.2")[:2] == (-33.9, 151.2)
    assert search.parse_coordinates("200 300") is None
    assert search.parse_coordinates("Kall") is None


def test_locality_not_municipality_centre():
    # Östersund the town, not the middle of Östersund municipality
    res = resolve("Östersund")
    assert res.origin.kind == "place"
    town = next(p for p in gazetteer.places() if p.name == "Östersund")
    assert haversine_m(res.origin.lat, res.origin.lon, town.lat, town.lon) < 1


def test_kiruna_is_outside_the_area():
    res = resolve("Kiruna")
    assert res.status == "outside" and res.origin.municipality_code == "2584"


def test_empty_query_asks_again():
    assert resolve("").status == "empty"
    assert resolve("   ").status == "empty"


def test_point_name_beats_a_locality_and_inside_beats_outside():
    places = [
        Place("Hallen", 57.6, 12.2, "place", "", "1401"),  # a namesake elsewhere
        Place("Hallen", 63.18, 13.81, "place", "", "2321"),
        Place("Hallen", 63.181, 13.812, "point", "Åre", "2321"),
    ]
    res = resolve("Hallen", places=places)
    assert res.origin.kind == "point" and res.status == "found"
    res = resolve("Hallen", places=places[:2])
    assert res.origin.municipality_code == "2321"


def test_name_with_municipality_picks_the_namesake():
    places = [
        Place("Backe", 63.8, 16.4, "place", "Strömsund", "2313"),
        Place("Backe", 62.4, 17.3, "place", "Sundsvall", "2281"),
        Place("Strömsund", 63.85, 15.55, "municipality", "Strömsund", "2313"),
    ]
    assert resolve("Backe, Strömsund", places=places).origin.lat == 63.8
    assert resolve("Backe, Stromsund", places=places).origin.lat == 63.8


def test_prefix_and_alternatives():
    places = [Place("Ottsjö", 63.2, 13.05), Place("Ottsjön", 63.1, 14.0)]
    res = resolve("Otts", places=places)
    assert res.origin.label == "Ottsjö"
    assert [p.name for p in res.alternatives] == ["Ottsjön"]


def test_edit_distance_counts_a_swap_as_one():
    assert search.edit_distance("jarpen", "jarpne", 2) == 1
    assert search.edit_distance("kall", "kal", 2) == 1
    assert search.edit_distance("abc", "xyz", 1) == 2  # stops past the limit


@pytest.mark.parametrize(
    ("query", "name", "code", "lat", "lon"),
    [
        # the villages' shops (shared/data/places/sot_places_jamtland.csv)
        ("Valsjöbyn", "Valsjöbyn", "2309", 64.068, 14.139),
        ("Valsjobyn", "Valsjöbyn", "2309", 64.068, 14.139),
        ("Lillhardal", "Lillhärdal", "2361", 61.851, 14.068),
    ],
)
def test_villages_that_are_postal_towns_are_found_at_their_own_place(
    query, name, code, lat, lon
):
    """Villages under 500 inhabitants that are their own postal towns, placed by
    GeoNames from its gazetteer, come from the postal table
    (scripts/merge_postal_codes.py), at the village, not the municipality's centre."""
    res = resolve(query)
    assert res.status == "found" and res.origin.label == name
    assert res.origin.municipality_code == code
    assert haversine_m(res.origin.lat, res.origin.lon, lat, lon) < 2_000
    assert not res.origin.estimated and not res.origin.approximate


def test_a_postal_town_geonames_only_estimated_is_said_to_be_rough():
    """GeoNames estimated Stora Blåsjön 37 km south of the village (its shop is at
    64.832, 14.108): found by name, but the answer must not pass that off as the
    village's position."""
    res = resolve("Stora Blasjon")
    assert res.status == "found" and res.origin.label == "Stora Blåsjön"
    assert res.origin.estimated
    assert haversine_m(res.origin.lat, res.origin.lon, 64.832, 14.108) > 30_000
    # the same town's postcode carries the same warning
    res = resolve("830 93")
    assert res.origin.label == "830 93 Stora Blåsjön" and res.origin.estimated


def test_the_installs_own_village_beats_the_bundled_position():
    """GeoNames places Hallen (Åre) at a namesake near Järpen, 38 km from the
    village; an install with a point in Hallen measures its name and its postcode
    from the point's village."""
    bundled = gazetteer.postcodes()["83001"]
    assert bundled.town == "Hallen" and not bundled.estimated
    village = Place("Hallen", 63.17593, 14.093612, "village", "Åre", "2321")
    places = [village, *gazetteer.places()]
    for query in ("Hallen", "830 01", "83001"):
        res = resolve(query, places=places)
        assert (res.origin.lat, res.origin.lon) == (village.lat, village.lon), query
        assert not res.origin.estimated and not res.origin.approximate


def test_an_estimated_place_does_not_stand_in_for_a_postcode():
    codes = {"83024": PostcodeEntry("83024", "Kall", "2321", 63.3, 13.5, False)}
    rough = Place("Kall", 63.0, 13.0, "place", "Åre", "2321", estimated=True)
    res = resolve("830 24", places=[rough], postcodes=codes)
    assert res.origin.approximate and (res.origin.lat, res.origin.lon) == (63.3, 13.5)


@pytest.mark.parametrize(("query", "town"), [("830 67", "Valsjöbyn"),
                                             ("84080", "Lillhärdal")])  # fmt: skip
def test_a_small_postal_towns_postcode_lies_at_the_town(query, town):
    res = resolve(query)
    assert res.status == "found" and res.origin.label.endswith(town)
    place = next(p for p in gazetteer.places() if p.name == town)
    assert (res.origin.lat, res.origin.lon) == (place.lat, place.lon)
    assert not res.origin.approximate


def test_every_bundled_postcode_lies_at_its_postal_town():
    table = gazetteer.postcodes().values()
    assert all(entry.precise for entry in table)
    # GeoNames only estimated about 500 of them (rough towns are flagged, not hidden)
    assert 0 < sum(entry.estimated for entry in table) < 1_000


def test_the_name_index_holds_known_places_by_folded_name():
    """The snapshot's search index places every postcode of the area from one index
    of names (it compared each of 18 000 postcodes with every place: 40 s of CPU at
    national scale); estimated places are not in it, names fold as the search does."""
    kall = Place("Kall", 63.4755, 13.2425, "point", "Åre", "2321")
    shop = Place("KALL", 63.47, 13.24, "place", "Åre", "2321")
    rough = Place("Kall", 63.0, 13.0, "place", "Åre", "2321", estimated=True)
    index = search.known_by_name([kall, shop, rough])
    assert index == {search.fold("Kall"): [kall, shop]}
    codes = PostcodeEntry("83024", "Kall", "2321", 63.3, 13.5, False)
    origin = search.postcode_origin(codes, [], by_name=index)
    assert (origin.lat, origin.lon) == (kall.lat, kall.lon)
