"""Reach figures and what-if on a line of five villages, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from sot.planning.analysis import criticality, reach_summary, what_if
from sot.planning.candidates import make_sites
from sot.planning.errors import CandidateError
from sot.planning.network import grid_network
from sot.planning.population import Population


@pytest.fixture(scope="module")
def line():
    """Five nodes in a row (1 x 5 grid), 10 minutes (600 s) between neighbours."""
    return grid_network(1, 5, spacing_m=10000, speed_kmh=60)


@pytest.fixture(scope="module")
def villages(line):
    """One village per node: 100, 200, 300, 400, 500 persons; 9901 west, 9902 east."""
    return Population(
        ids=np.array(["A", "B", "C", "D", "E"]),
        weight=np.array([100.0, 200, 300, 400, 500]),
        x=line.x.copy(),
        y=line.y.copy(),
        node=np.arange(5, dtype=np.int32),
        snap_m=np.zeros(5),
        municipality=np.array(["9901", "9901", "9902", "9902", "9902"]),
    )


def _points(line, nodes, names):
    return make_sites(line, names, line.lon[nodes], line.lat[nodes], source="chosen")


def test_reach_summary_by_hand(line, villages):
    fac = _points(line, [0], ["P0"])
    res = reach_summary(line, villages, fac, threshold_min=15)
    # times 0, 10, 20, 30, 40 min: within 15 min A and B
    assert res["covered"] == 300
    assert res["share_covered"] == pytest.approx(300 / 1500)
    assert res["within"]["10"] == 300 and res["within"]["30"] == 1000
    munis = {m["code"]: m for m in res["municipalities"]}
    assert munis["9901"]["covered"] == 300 and munis["9901"]["share_covered"] == 1.0
    assert munis["9902"]["covered"] == 0
    assert res["counties"] == [
        {"code": "99", "population": 1500.0, "covered": 300.0, "share_covered": 0.2}
    ]
    assert [u["id"] for u in res["uncovered_largest"]] == ["E", "D", "C"]
    # weighted median: half of 1500 is reached at D (30 min)
    assert res["median_time_min"] == 30.0
    assert res["per_facility"] == [{"name": "P0", "covered": 300.0}]


def test_unsnapped_population_counts_as_not_reached(line, villages):
    pop = Population(
        **{**villages.__dict__, "node": np.array([0, 1, 2, 3, -1], dtype=np.int32)}
    )
    res = reach_summary(line, pop, _points(line, [4], ["P4"]), threshold_min=15)
    assert res["covered"] == 400  # D only; E is not on the network
    assert res["unsnapped_population"] == 500
    assert res["uncovered_largest"][0] == {
        "id": "E",
        "population": 500.0,
        "municipality": "9902",
        "time_min": None,
        "snapped": False,
    }


def test_what_if_a_point_fails(line, villages):
    fac = _points(line, [0, 3], ["P0", "P3"])
    res = what_if(line, villages, fac, remove=["P3"], threshold_min=15)
    # before: A, B (P0) and C, D, E (P3) = 1500; after: A, B = 300
    assert res["covered_before"] == 1500 and res["covered_after"] == 300
    assert res["lost_population"] == 1200 and res["lost_units"] == 3
    assert res["lost_by_municipality"] == {"9902": 1200.0}


def test_what_if_a_point_is_added(line, villages):
    fac = _points(line, [0], ["P0"])
    res = what_if(line, villages, fac, add=_points(line, [4], ["P4"]), threshold_min=15)
    assert res["gained_population"] == 900  # D and E
    assert res["added"] == ["P4"]


def test_what_if_unknown_name(line, villages):
    with pytest.raises(CandidateError, match="no facility named X"):
        what_if(line, villages, _points(line, [0], ["P0"]), remove=["X"])


def test_criticality_is_the_sole_coverage(line, villages):
    fac = _points(line, [1, 2], ["P1", "P2"])
    rows = criticality(line, villages, fac, threshold_min=15)
    # P1 covers A, B, C; P2 covers B, C, D. Only P1: A (100); only P2: D (400)
    assert rows == [
        {"name": "P2", "covers": 900.0, "only_this_one": 400.0},
        {"name": "P1", "covers": 600.0, "only_this_one": 100.0},
    ]
    # and that equals the what-if loss of each one failing alone
    for row in rows:
        res = what_if(line, villages, fac, remove=[row["name"]], threshold_min=15)
        assert res["lost_population"] == row["only_this_one"]


def test_a_closed_road_cuts_the_villages_beyond_it(line, villages):
    fac = _points(line, [0], ["P0"])
    # close the road at node 2 (C): D and E can no longer drive west; C is cut off
    res = what_if(
        line,
        villages,
        fac,
        closed=[(float(line.lon[2]), float(line.lat[2]), 100.0)],
        threshold_min=60,
    )
    assert res["closed_arcs"] == 4  # B<->C and C<->D
    # before: within 60 min A..E (0, 10, 20, 30, 40 min); after: only A and B
    assert res["covered_before"] == 1500 and res["covered_after"] == 300
    assert res["lost_population"] == 1200


def test_without_arcs_keeps_node_numbering(line):
    fewer = line.without_arcs(np.arange(line.n_arcs) == 0)
    assert fewer.n_nodes == line.n_nodes and fewer.n_arcs == line.n_arcs - 1
    assert np.array_equal(fewer.indices, line.indices[1:])
    assert list(np.diff(fewer.indptr)) == [0] + list(np.diff(line.indptr)[1:])
