"""Reach kernels: hand-checkable graphs and a seeded comparison with scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from sot.planning.network import from_arcs, grid_network
from sot.planning.reach import ball_times, coverage_matrix, nearest_facility


@pytest.fixture(scope="module")
def line():
    """0 - 1 - 2 - 3 - 4, two-way, 60 s per arc, plus a one-way shortcut 4 -> 0 of 30 s."""
    tail = [0, 1, 1, 2, 2, 3, 3, 4, 4]
    head = [1, 0, 2, 1, 3, 2, 4, 3, 0]
    time = [60, 60, 60, 60, 60, 60, 60, 60, 30]
    lon = 14.0 + 0.01 * np.arange(5)
    lat = np.full(5, 63.0)
    return from_arcs(tail, head, time, lon, lat)


def test_nearest_facility_by_hand(line):
    # from each node to facility 2: 0 goes 0-1-2 = 120; 4 goes 4-3-2 = 120
    t, near = nearest_facility(line, [2])
    assert list(t) == [120, 60, 0, 60, 120]
    assert list(near) == [0] * 5


def test_direction_matters_on_a_one_way_shortcut(line):
    # to facility 0: node 4 takes the shortcut 4 -> 0 (30 s)
    t_to, _ = nearest_facility(line, [0])
    assert list(t_to) == [0, 60, 120, 90, 30]
    # from facility 0 out to the nodes: no shortcut 0 -> 4
    t_from, _ = nearest_facility(line, [0], to_facility=False)
    assert list(t_from) == [0, 60, 120, 180, 240]


def test_multi_source_labels_the_nearest(line):
    t, near = nearest_facility(line, [0, 3])
    assert list(t) == [0, 60, 60, 0, 30]
    assert list(near) == [0, 0, 1, 1, 0]  # 4 -> 0 by the shortcut (30 s < 60 s)


def test_cutoff_leaves_far_nodes_unreached(line):
    t, near = nearest_facility(line, [2], cutoff_s=60)
    assert list(np.isinf(t)) == [True, False, False, False, True]
    assert list(near) == [-1, 0, 0, 0, -1]


def test_no_facilities_means_nothing_reached(line):
    t, near = nearest_facility(line, [])
    assert np.isinf(t).all() and (near == -1).all()


def test_ball_times_by_hand(line):
    m = ball_times(line, [2, 0], 90.0, threads=1)
    assert m.shape == (2, 5)
    assert m.toarray()[0].tolist() == [0, 60, 0, 60, 0]
    # row 1: nodes that reach 0 within 90 s: 0 (0), 1 (60), 4 (30), 3 (90 via 4)
    row = dict(
        zip(
            m.indices[m.indptr[1] : m.indptr[2]],
            m.data[m.indptr[1] : m.indptr[2]],
            strict=True,
        )
    )
    assert row == {0: 0.0, 1: 60.0, 3: 90.0, 4: 30.0}
    # the source itself is stored (as an explicit 0)
    assert m.getnnz(axis=1).tolist() == [3, 4]


def test_ball_times_demand_columns(line):
    m = ball_times(line, [2], 60.0, demand_nodes=[4, 1, 3])
    assert m.shape == (1, 3)
    assert m.toarray()[0].tolist() == [0, 60, 60]
    assert m.indices.tolist() == [1, 2]  # node 4 (column 0) is 120 s away


def test_repeated_demand_nodes_are_refused(line):
    with pytest.raises(ValueError, match="repeat"):
        ball_times(line, [0], 60.0, demand_nodes=[1, 1])


def test_bad_node_index_is_refused(line):
    with pytest.raises(ValueError, match="outside"):
        nearest_facility(line, [7])


def test_coverage_is_boolean_structure(line):
    cov = coverage_matrix(line, [2], 60.0)
    assert cov.dtype == bool
    assert cov.toarray()[0].tolist() == [False, True, True, True, False]


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_balls_equal_scipy_on_a_seeded_random_grid(threads):
    net = grid_network(40, 50, jitter=0.8, seed=11)
    rng = np.random.default_rng(5)
    sources = rng.choice(net.n_nodes, 37, replace=False)
    cutoff = 400.0
    ours = ball_times(net, sources, cutoff, threads=threads).toarray()
    ref = dijkstra(net.matrix().T.tocsr(), indices=sources, limit=cutoff)
    reached = np.isfinite(ref)
    structure = ball_times(net, sources, cutoff, threads=threads)
    assert np.array_equal(structure.toarray() > 0, reached & (ref > 0))
    assert structure.nnz == int(reached.sum())
    assert np.allclose(ours[reached], ref[reached], atol=1e-3)


def test_nearest_equals_scipy_min_only_on_a_seeded_random_grid():
    net = grid_network(30, 30, jitter=0.8, seed=2)
    rng = np.random.default_rng(9)
    fac = rng.choice(net.n_nodes, 12, replace=False)
    t, near = nearest_facility(net, fac)
    ref, _, src = dijkstra(
        net.matrix().T.tocsr(), indices=fac, min_only=True, return_predecessors=True
    )
    assert np.allclose(t, ref)
    # the label names a facility at exactly that time
    exact = dijkstra(net.matrix().T.tocsr(), indices=fac)
    assert np.allclose(exact[near, np.arange(net.n_nodes)], t)
    assert src.shape == t.shape


def test_reach_by_road_distance_on_a_grid():
    # times vary with the jitter, lengths do not
    net = grid_network(5, 5, spacing_m=500, jitter=0.9, seed=1)
    m = ball_times(net, [0], 1000.0, weight="length")
    # from the corner, within two 500 m steps: nodes (0,0) (0,1) (0,2) (1,0) (1,1) (2,0)
    assert sorted(m.indices.tolist()) == [0, 1, 2, 5, 6, 10]
    assert sorted(m.data.tolist()) == [0, 500, 500, 1000, 1000, 1000]
    t, _ = nearest_facility(net, [24], weight="length")
    assert t[0] == 4000


def test_tiny_village_lengths_follow_the_arcs(tiny_net):
    t, _ = nearest_facility(tiny_net, [0], weight="length")
    # node 2 (osm 3) to node 1: 2 x 1000.76 m; node 3 (osm 4): 4-5-1
    assert t[2] == pytest.approx(2 * 1000.756, abs=0.1)
    assert t[3] == pytest.approx(1000.756 + 1003.6, abs=1.0)


def test_length_needs_lengths(line):
    with pytest.raises(ValueError, match="no arc lengths"):
        nearest_facility(line, [0], weight="length")
