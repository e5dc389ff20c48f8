"""The seeded synthetic generator behind the Sweden-scale benchmark."""

from __future__ import annotations

import numpy as np

from sot.planning.siting import solve_mclp
from sot.planning.siting.synthetic import generate


def test_same_seed_same_instance():
    a = generate(n_nodes=10_000, n_demand=800, n_candidates=30, radius_m=4000, seed=3)
    b = generate(n_nodes=10_000, n_demand=800, n_candidates=30, radius_m=4000, seed=3)
    assert (a.coverage != b.coverage).nnz == 0
    assert np.array_equal(a.weights, b.weights)
    c = generate(n_nodes=10_000, n_demand=800, n_candidates=30, radius_m=4000, seed=4)
    assert not np.array_equal(a.weights, c.weights)


def test_instance_shape_and_skew():
    inst = generate(
        n_nodes=10_000, n_demand=800, n_candidates=30, radius_m=4000, seed=1
    )
    assert inst.coverage.shape == (30, 800)
    assert np.unique(inst.demand_node).size == 800
    assert inst.demand_node.max() < inst.n_nodes
    # balls hold the candidate's own cell at distance 0 and nothing beyond the radius
    assert inst.cost.data.max() <= 4000
    assert (inst.cost.data == 0).sum() == 30
    # skewed population: the top tenth of cells holds far more than a tenth
    w = np.sort(inst.weights)[::-1]
    assert w[:80].sum() > 0.25 * w.sum()


def test_heuristic_within_exact_within_bound():
    inst = generate(
        n_nodes=40_000, n_demand=3_000, n_candidates=80, radius_m=6000, seed=2
    )
    exact = solve_mclp(inst.coverage, inst.weights, 6, time_limit_s=30)
    heur = solve_mclp(inst.coverage, inst.weights, 6, method="heuristic")
    assert exact.optimal
    assert heur.objective <= exact.objective + 1e-9 <= heur.bound + 1e-6
    assert exact.reduction.n_merged > 0
