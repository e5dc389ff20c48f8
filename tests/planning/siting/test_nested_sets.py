"""The p-median's nested-set form against the assignment it replaces.

``nested_sets`` must give, for every open set, the weighted saving of assigning each
demand cell to its cheapest open candidate (or its fallback), and for fractional
``x`` the value of the classical LP (``z_ij <= x_j``, cheapest entries filled first):
then the HiGHS model built on it has the classical optimum and LP bound.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
import scipy.sparse as sp

from sot.planning.siting import pmedian as pm


def _entries(seed: int, n_cand: int = 7, n_dem: int = 40):
    rng = np.random.default_rng(seed)
    mask = rng.random((n_cand, n_dem)) < 0.45
    # few distinct costs, so ties between candidates of one demand cell occur
    cost = rng.integers(0, 6, size=(n_cand, n_dem)).astype(float)
    rows, cols = np.nonzero(mask)
    a = sp.csr_matrix((cost[rows, cols], (rows, cols)), shape=(n_cand, n_dem))
    a.data[a.data == 0] = 0.0  # explicit zeros are real entries
    w = rng.integers(1, 9, size=n_dem).astype(float)
    f = rng.integers(3, 8, size=n_dem).astype(float)  # some entries cost >= f
    return pm._Entries(a, w, f)


def _nested_value(parts, x: np.ndarray) -> float:
    lin, indptr, indices, coef = parts
    sets = sp.csr_matrix(
        (np.ones(indices.size), indices, indptr), shape=(coef.size, lin.size)
    )
    return float(lin @ x - coef @ np.minimum(1.0, sets @ x))


def _classical_lp_saving(e: pm._Entries, x: np.ndarray) -> float:
    """min sum_ij w_i (c_ij - f_i) z_ij, sum_j z_ij <= 1, z_ij <= x_j, by hand."""
    total = 0.0
    dense = e.a.toarray()
    present = np.zeros_like(dense, dtype=bool)
    present[e.row, e.col] = True
    for i in range(e.n_dem):
        left = 1.0
        for j in sorted(np.flatnonzero(present[:, i]), key=lambda j: dense[j, i]):
            if dense[j, i] >= e.f[i] or left <= 0:
                break
            take = min(left, x[j])
            total += e.w[i] * (dense[j, i] - e.f[i]) * take
            left -= take
    return total


@pytest.mark.parametrize("seed", range(6))
def test_every_open_set_costs_what_the_assignment_costs(seed):
    e = _entries(seed)
    parts = pm.nested_sets(e)
    base = float((e.w * e.f).sum())
    for k in range(4):
        for s in combinations(range(e.n_cand), k):
            x = np.zeros(e.n_cand)
            x[list(s)] = 1.0
            assert base + _nested_value(parts, x) == pytest.approx(e.cost_of(list(s)))


@pytest.mark.parametrize("seed", range(6))
def test_fractional_x_gives_the_classical_lp_value(seed):
    e = _entries(seed)
    parts = pm.nested_sets(e)
    rng = np.random.default_rng(100 + seed)
    for _ in range(20):
        x = rng.random(e.n_cand) * (rng.random(e.n_cand) < 0.7)
        assert _nested_value(parts, x) == pytest.approx(_classical_lp_saving(e, x))


def test_equal_sets_of_different_cells_are_one_term():
    # cells 0 and 1 both see candidates {0, 1} (in opposite order), cell 2 sees {0, 2}
    a = sp.csr_matrix(np.array([[1.0, 3.0, 1.0], [2.0, 1.0, 0.0], [0.0, 0.0, 2.0]]))
    a.eliminate_zeros()
    e = pm._Entries(a, np.array([1.0, 2.0, 5.0]), np.full(3, 4.0))
    lin, indptr, indices, coef = pm.nested_sets(e)
    # the nearest candidate's own part, w (second cost - first): cells 0 and 2 at
    # candidate 0, cell 1 at candidate 1
    assert lin.tolist() == [-(1.0 * (2 - 1) + 5.0 * (2 - 1)), -2.0 * (3 - 1), 0.0]
    sets = {
        frozenset(indices[indptr[q] : indptr[q + 1]].tolist()): coef[q]
        for q in range(coef.size)
    }
    # {0, 1}: cell 0 (4 - 2) * 1 plus cell 1 (4 - 3) * 2; {0, 2}: cell 2 (4 - 2) * 5
    assert sets == {frozenset({0, 1}): 2.0 + 2.0, frozenset({0, 2}): 10.0}
