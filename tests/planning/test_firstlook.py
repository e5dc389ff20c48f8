"""A first look on the straight-line model: reach and siting on tiny instances."""

import pytest

from sot.planning import firstlook
from sot.planning.errors import PlanningError
from sot.planning.firstlook import Places
from sot.planning.straightline import StraightLine

#: 1 m/s and no detour: seconds are straight-line metres.
METRES = StraightLine(detour=1.0, speed_kmh=3.6)
KM_LON_AT_EQUATOR = 1 / 111.19508  # degrees of longitude per km on the equator


def _row(name, km, pop=0.0, muni="2321"):
    return {
        "name": name,
        "lon": km * KM_LON_AT_EQUATOR,
        "lat": 0.0,
        "population": pop,
        "municipality": muni,
    }


@pytest.fixture
def line():
    """Four villages on a line at 0, 2, 10 and 30 km, one point at 0 km."""
    units = Places.from_rows(
        [
            _row("A", 0, 100),
            _row("B", 2, 50),
            _row("C", 10, 200, "2309"),
            _row("D", 30, 400, "2309"),
        ]
    )
    return units, Places.from_rows([_row("P", 0)])


def test_reach_on_a_line(line):
    units, fac = line
    # 3 000 s at 1 m/s = 3 km
    res = firstlook.reach(units, fac, minutes=50, model=METRES, names={"2321": "Åre"})
    assert res["population"] == 750 and res["covered"] == 150
    assert res["share_covered"] == pytest.approx(0.2)
    by_code = {m["code"]: m for m in res["municipalities"]}
    assert by_code["2321"]["name"] == "Åre" and by_code["2321"]["share_covered"] == 1
    assert by_code["2309"]["covered"] == 0
    assert res["counties"] == [
        {"code": "23", "population": 750.0, "covered": 150.0, "share_covered": 0.2}
    ]
    assert [u["id"] for u in res["uncovered_largest"]] == ["D", "C"]
    assert res["travel_model"]["detour_factor"] == 1.0


def test_mclp_takes_the_candidate_that_covers_most(line):
    units, fac = line
    cands = Places.from_rows([_row("near C", 11), _row("near D", 29)])
    res = firstlook.site("mclp", units, fac, cands, p=1, minutes=50, model=METRES)
    assert [c["name"] for c in res["chosen_sites"]] == ["near D"]
    assert res["covered_before"] == 150 and res["covered_after"] == 550
    assert res["gap"] == 0
    two = firstlook.site("mclp", units, fac, cands, p=2, minutes=50, model=METRES)
    assert two["covered_after"] == 750


def test_lscp_covers_everyone_with_the_fewest(line):
    units, fac = line
    cands = Places.from_rows([_row("C", 10), _row("D", 30), _row("both?", 20)])
    res = firstlook.site("lscp", units, fac, cands, minutes=50, model=METRES)
    assert sorted(c["name"] for c in res["chosen_sites"]) == ["C", "D"]
    assert res["covered_after"] == 750


def test_pair_sites_pairs_store_and_station_within_500_m():
    stores = Places.from_rows([_row("ICA", 0), _row("Coop", 10)])
    fuel = Places.from_rows([_row("OKQ8", 0.4), _row("Preem", 10.6)])
    sites = firstlook.pair_sites(stores, fuel)
    assert sites.name == ["ICA + OKQ8"]
    assert sites.lon[0] == pytest.approx(0.2 * KM_LON_AT_EQUATOR)


def test_read_places_csv(tmp_path):
    f = tmp_path / "orter.csv"
    f.write_text("namn;lat;lon;folkmangd;kommun_kod\nKall;63,47;13,23;300;2321\n")
    places = firstlook.read_places_csv(f, with_population=True)
    assert places.name == ["Kall"] and places.weight.tolist() == [300.0]
    assert places.municipality == ["2321"]
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    with pytest.raises(PlanningError, match="no latitude column"):
        firstlook.read_places_csv(bad)
    with pytest.raises(PlanningError, match="valid WGS84"):
        Places.from_rows([{"name": "x", "lon": 14, "lat": 6_900_000}])
