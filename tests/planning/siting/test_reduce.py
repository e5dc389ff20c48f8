"""Model reduction and input checks."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sot.planning.siting import SitingResult, solve_lscp, solve_mclp, solve_pmedian
from sot.planning.siting.reduce import (
    as_csr,
    dominated_candidates,
    merge_identical_rows,
    pattern,
)
from sot.planning.siting.result import Reduction

from .conftest import coverage_from_lists


def test_merge_identical_rows_sums_weights():
    # demand x candidates: rows 0 and 2 see {0, 2}; rows 1 and 3 see {1}; row 4 {0}
    m = sp.csr_matrix(
        np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [0, 1, 0], [1, 0, 0]], dtype=float)
    )
    merged, w, inv = merge_identical_rows(m, np.array([1.0, 2, 3, 4, 5]))
    assert merged.shape == (3, 3)
    assert inv[0] == inv[2] and inv[1] == inv[3]
    assert len({inv[0], inv[1], inv[4]}) == 3
    assert w[inv[0]] == 4 and w[inv[1]] == 6 and w[inv[4]] == 5
    assert w.sum() == 15


def test_merge_with_values_keeps_rows_with_other_costs_apart():
    m = sp.csr_matrix(np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 3.0]]))
    merged, w, inv = merge_identical_rows(m, np.ones(3), with_values=True)
    assert merged.shape[0] == 2
    assert inv[0] == inv[1] != inv[2]


def test_dominated_candidates():
    # A = {0,1,2}, B = {1,2} (in A), C = {0,1,2} (same as A: keep A), D = {}, E = {3}
    a = pattern(as_csr(coverage_from_lists([[0, 1, 2], [1, 2], [0, 1, 2], [], [3]], 4)))
    assert dominated_candidates(a).tolist() == [False, True, True, True, False]


def test_explicit_zero_travel_time_is_an_entry():
    cost = sp.csr_matrix(
        (np.array([0.0, 4.0]), np.array([0, 1]), np.array([0, 2])), shape=(1, 2)
    )
    assert as_csr(cost).nnz == 2
    res = solve_pmedian(cost, [5.0, 1.0], 1, unserved_cost=10.0)
    assert res.objective == pytest.approx(4.0)
    assert res.assignment.tolist() == [0, 0]


def test_dense_input_with_inf_means_unreachable():
    cost = np.array([[1.0, np.inf], [np.inf, 2.0]])
    res = solve_pmedian(cost, [1.0, 1.0], 1, unserved_cost=3.0)
    # candidate 0: 1 + 3 = 4; candidate 1: 3 + 2 = 5
    assert res.chosen.tolist() == [0]
    assert res.objective == pytest.approx(4.0)


def test_reduction_figures_on_a_model_with_every_kind():
    # cells 0,1 identical ({0,1}); cell 2 sees {1}; cell 3 nobody; cell 4 existing
    cov = coverage_from_lists([[0, 1], [0, 1, 2], [4]], 5)
    existing = np.array([False, False, False, False, True])
    res = solve_mclp(cov, [1, 2, 3, 4, 5], 1, existing=existing)
    red = res.reduction
    assert red.n_uncoverable == 1 and red.uncoverable_weight == 4
    assert red.n_already_covered == 1 and red.already_covered_weight == 5
    # cells 0 and 1 merge; once candidate 0 (inside 1) and candidate 2 (nothing left
    # to cover) are dropped, cell 2 sees the same {1} and merges too
    assert red.n_dominated == 2
    assert red.n_merged == 2
    assert red.n_demand_kept == 1 and red.n_candidates_kept == 1
    assert res.chosen.tolist() == [1]
    assert res.objective == 1 + 2 + 3 + 5
    assert res.constant == 5
    assert res.as_dict()["reduction"]["n_merged"] == 2


def test_gap_is_measured_on_the_part_the_choice_changes():
    res = SitingResult(
        model="mclp",
        method="x",
        sense="max",
        chosen=np.array([0]),
        objective=90.0,
        bound=100.0,
        constant=40.0,
        time_s=0.0,
        reduction=Reduction(),
    )
    assert res.gap == pytest.approx(10 / 50)
    assert not res.optimal
    res.bound = 90.0
    assert res.gap == 0 and res.optimal
    res.sense, res.bound = "min", 80.0
    assert res.gap == pytest.approx(10 / 50)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: solve_mclp(np.ones((2, 3), bool), [1, 2], 1), "weights has 2 values"),
        (lambda: solve_mclp(np.ones((2, 3), bool), [1, -2, 3], 1), "non-negative"),
        (
            lambda: solve_mclp(np.ones((2, 3), bool), [1, 2, 3], 1, forced=[5]),
            "outside",
        ),
        (
            lambda: solve_mclp(np.ones((2, 3), bool), [1, 2, 3], 1, forced=[0, 1]),
            "smaller",
        ),
        (lambda: solve_mclp(np.ones((2, 3), bool), [1, 2, 3], 1, method="x"), "method"),
        (lambda: solve_lscp(np.ones((2, 3), bool), existing=[True]), "existing mask"),
        (
            lambda: solve_pmedian(np.ones((2, 3)), [1, 1, 1], 1, existing_cost=[1]),
            "existing_cost",
        ),
        (lambda: solve_pmedian(-np.ones((2, 3)), [1, 1, 1], 1), "non-negative"),
    ],
)
def test_bad_input_says_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_existing_as_a_coverage_matrix():
    cov = coverage_from_lists([[0], [1], [2]], 3)
    existing = coverage_from_lists([[0, 1]], 3)
    res = solve_mclp(cov, [5, 5, 1], 1, existing=existing)
    assert res.chosen.tolist() == [2]
    assert res.objective == 11


def test_p_larger_than_the_candidates_opens_what_helps():
    cov = coverage_from_lists([[0], [1], [0]], 3)
    res = solve_mclp(cov, [1, 1, 1], 10)
    assert res.objective == 2 and res.optimal
    assert res.uncoverable.tolist() == [2]


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_edge_cases_p_zero_all_forced_all_covered(method):
    cov = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]], dtype=bool)
    w = [1.0, 2.0, 3.0, 4.0]
    r = solve_mclp(cov, w, 0, method=method)
    assert r.chosen.size == 0 and r.objective == 0 and r.optimal
    r = solve_mclp(cov, w, 1, forced=[0], method=method)
    assert r.chosen.tolist() == [0] and r.objective == 3 and r.optimal
    r = solve_mclp(cov, w, 2, forced=[0], method=method)
    assert r.chosen.tolist() == [0, 2] and r.objective == 10
    r = solve_mclp(cov, w, 1, existing=np.ones(4, bool), method=method)
    assert r.objective == 10 and r.optimal
    cost = np.where(cov, [[0.0], [1.0], [2.0]], np.inf)
    r = solve_pmedian(cost, w, 0, unserved_cost=5.0, method=method)
    assert r.chosen.size == 0 and r.objective == 50
    r = solve_pmedian(cost, w, 1, existing_cost=np.zeros(4), method=method)
    assert r.objective == 0 and r.optimal
    r = solve_lscp(np.zeros((2, 3), dtype=bool), method=method)
    assert r.objective == 0 and r.uncoverable.tolist() == [0, 1, 2]
    r = solve_lscp(cov, forced=[0, 1, 2], method=method)
    assert r.objective == 3 and r.optimal


def test_repeated_pair_in_a_cost_matrix_is_refused():
    cost = sp.csr_matrix(
        (np.array([1.0, 2.0]), np.array([1, 1]), np.array([0, 2])), shape=(1, 2)
    )
    with pytest.raises(ValueError, match="repeats"):
        solve_pmedian(cost, [1.0, 1.0], 1)
    # the same pair twice in a coverage matrix is harmless
    cov = sp.csr_matrix(
        (np.array([True, True]), np.array([1, 1]), np.array([0, 2])), shape=(1, 2)
    )
    assert solve_mclp(cov, [1.0, 1.0], 1).objective == 1.0
