"""The hand-solved instances of data/known_answers.json, for every model and method."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sot.planning.siting import mclp as mclp_mod
from sot.planning.siting import solve_lscp, solve_mclp, solve_pmedian

from .conftest import coverage_from_lists

METHODS = ["exact", "heuristic"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("reduce", [True, False])
def test_mclp_known_answers(known_answers, method, reduce):
    for case in known_answers["mclp"]:
        w = np.asarray(case["weights"], dtype=float)
        cov = coverage_from_lists(case["coverage"], w.size)
        existing = np.zeros(w.size, dtype=bool)
        existing[case.get("existing", [])] = True
        res = solve_mclp(
            cov,
            w,
            case["p"],
            existing=existing,
            forced=case.get("forced", ()),
            method=method,
            reduce=reduce,
        )
        assert res.objective == pytest.approx(case["objective"]), case["name"]
        assert res.chosen.tolist() == case["chosen"], case["name"]
        assert res.uncoverable.tolist() == case.get("uncoverable", []), case["name"]
        assert res.bound >= res.objective - 1e-9
        assert res.optimal, (case["name"], res.gap)
        assert res.covered[res.uncoverable].sum() == 0


def test_mclp_greedy_trap_needs_the_interchange(known_answers):
    case = next(c for c in known_answers["mclp"] if c["name"] == "greedy_trap")
    w = np.asarray(case["weights"], dtype=float)
    a = sp.csr_matrix(coverage_from_lists(case["coverage"], w.size), dtype=float)
    at = sp.csr_matrix(a.T)
    greedy = mclp_mod._greedy(a, w, case["p"])
    assert greedy[0] == 2  # M first
    assert mclp_mod._value(at, w, greedy, 3) == case["greedy_objective"]
    swapped = mclp_mod.interchange(a, at, w, greedy)
    assert mclp_mod._value(at, w, swapped, 3) == case["objective"]
    assert sorted(swapped) == case["chosen"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("reduce", [True, False])
def test_lscp_known_answers(known_answers, method, reduce):
    for case in known_answers["lscp"]:
        cov = coverage_from_lists(case["coverage"], case["n_demand"])
        existing = np.zeros(case["n_demand"], dtype=bool)
        existing[case.get("existing", [])] = True
        res = solve_lscp(cov, existing=existing, method=method, reduce=reduce)
        assert res.objective == case["objective"], case["name"]
        assert res.chosen.tolist() == case["chosen"], case["name"]
        assert res.uncoverable.tolist() == case["uncoverable"], case["name"]
        assert res.optimal
        coverable = np.ones(case["n_demand"], dtype=bool)
        coverable[case["uncoverable"]] = False
        assert res.covered[coverable].all()


def _line_costs(case):
    dx = np.asarray(case["demand_x"], dtype=float)
    cx = np.asarray(case["candidate_x"], dtype=float)
    cost = np.abs(cx[:, None] - dx[None, :])
    cutoff = case.get("cutoff")
    if cutoff is not None:
        cost = np.where(cost <= cutoff, cost, np.inf)
    existing = None
    if "existing_x" in case:
        existing = np.abs(dx - case["existing_x"])
        if cutoff is not None:
            existing = np.where(existing <= cutoff, existing, np.inf)
    return cost, existing


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("reduce", [True, False])
@pytest.mark.parametrize("sparse", [True, False])
def test_pmedian_known_answers(known_answers, method, reduce, sparse):
    for case in known_answers["pmedian"]:
        cost, existing = _line_costs(case)
        if sparse:
            rows, cols = np.nonzero(np.isfinite(cost))
            # explicit zeros (a candidate on a demand point) must stay entries
            cost = sp.csr_matrix((cost[rows, cols], (rows, cols)), shape=cost.shape)
        res = solve_pmedian(
            cost,
            case["weights"],
            case["p"],
            existing_cost=existing,
            unserved_cost=case.get("unserved_cost"),
            method=method,
            reduce=reduce,
        )
        assert res.objective == pytest.approx(case["objective"]), case["name"]
        assert res.chosen.tolist() == case["chosen"], case["name"]
        assert res.uncoverable.tolist() == case.get("uncoverable", []), case["name"]
        assert res.bound <= res.objective + 1e-9
        assert res.optimal


def test_pmedian_assignment_names_the_serving_candidate(known_answers):
    case = next(c for c in known_answers["pmedian"] if c["name"] == "line_dense_p2")
    cost, _ = _line_costs(case)
    res = solve_pmedian(cost, case["weights"], case["p"])
    # demand at x = 0, 1, 2 go to the candidate at 0; x = 10 to the one at 10
    assert res.assignment.tolist() == [0, 0, 0, 2]
    assert res.figures["mean_cost"] == pytest.approx(3 / 6)
