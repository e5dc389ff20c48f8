"""Property tests on seeded random instances, checked against brute force.

For maximisation (MCLP): heuristic <= exact == brute-force optimum <= bound.
For minimisation (LSCP, p-median): bound <= exact == optimum <= heuristic.
The HiGHS models are also solved directly, so the solver path runs even where the
Lagrangian bound alone already proves optimality.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sot.planning.siting import lscp as lscp_mod
from sot.planning.siting import mclp as mclp_mod
from sot.planning.siting import pmedian as pmedian_mod
from sot.planning.siting import solve_lscp, solve_mclp, solve_pmedian

TOL = 1e-7


def _instance(seed: int, n_cand: int, n_dem: int, density: float):
    rng = np.random.default_rng(seed)
    cov = rng.random((n_cand, n_dem)) < density
    w = rng.integers(0, 20, size=n_dem).astype(float)
    cost = np.where(cov, rng.integers(0, 30, size=(n_cand, n_dem)), np.inf)
    return cov, w, cost


def _mclp_brute(cov, w, p, existing):
    n = cov.shape[0]
    best = 0.0
    for s in combinations(range(n), min(p, n)):
        covered = existing | cov[list(s)].any(axis=0)
        best = max(best, float(w[covered].sum()))
    return best


def _lscp_brute(cov):
    n = cov.shape[0]
    need = cov.any(axis=0)
    for k in range(n + 1):
        for s in combinations(range(n), k):
            if (cov[list(s)].any(axis=0) >= need).all():
                return k
    raise AssertionError("unreachable")


def _pmedian_brute(cost, w, p, unserved):
    reach = np.isfinite(cost).any(axis=0)
    f = np.where(reach, unserved, 0.0)
    n = cost.shape[0]
    best = np.inf
    for s in combinations(range(n), min(p, n)):
        d = np.minimum(
            f, np.where(np.isfinite(cost[list(s)]), cost[list(s)], np.inf).min(axis=0)
        )
        best = min(best, float((w[reach] * d[reach]).sum()))
    return best


sizes = st.tuples(
    st.integers(0, 10_000),  # seed
    st.integers(1, 8),  # candidates
    st.integers(1, 25),  # demand
    st.sampled_from([0.1, 0.25, 0.5]),  # density
    st.integers(1, 4),  # p
)


@settings(max_examples=40, deadline=None)
@given(sizes, st.booleans())
def test_mclp_against_brute_force(args, with_existing):
    seed, n_cand, n_dem, density, p = args
    cov, w, _ = _instance(seed, n_cand, n_dem, density)
    existing = (np.random.default_rng(seed + 1).random(n_dem) < 0.2) & with_existing
    opt = _mclp_brute(cov, w, p, existing)
    exact = solve_mclp(cov, w, p, existing=existing)
    heur = solve_mclp(cov, w, p, existing=existing, method="heuristic")
    assert exact.objective == pytest.approx(opt)
    assert exact.optimal
    assert heur.objective <= opt + TOL
    assert heur.bound >= opt - TOL and exact.bound >= opt - TOL
    assert len(exact.chosen) <= p


@settings(max_examples=40, deadline=None)
@given(sizes)
def test_lscp_against_brute_force(args):
    seed, n_cand, n_dem, density, _ = args
    cov, _, _ = _instance(seed, n_cand, n_dem, density)
    opt = _lscp_brute(cov)
    exact = solve_lscp(cov)
    heur = solve_lscp(cov, method="heuristic")
    assert exact.objective == opt and exact.optimal
    assert heur.objective >= opt and heur.bound <= opt
    assert exact.uncoverable.tolist() == np.flatnonzero(~cov.any(axis=0)).tolist()


@settings(max_examples=40, deadline=None)
@given(sizes, st.booleans())
def test_pmedian_against_brute_force(args, sparse):
    seed, n_cand, n_dem, density, p = args
    _, w, cost = _instance(seed, n_cand, n_dem, density)
    unserved = 40.0
    opt = _pmedian_brute(cost, w, p, unserved)
    arg = cost
    if sparse:
        rows, cols = np.nonzero(np.isfinite(cost))
        arg = sp.csr_matrix((cost[rows, cols], (rows, cols)), shape=cost.shape)
    exact = solve_pmedian(arg, w, p, unserved_cost=unserved)
    heur = solve_pmedian(arg, w, p, unserved_cost=unserved, method="heuristic")
    assert exact.objective == pytest.approx(opt)
    assert exact.optimal
    assert heur.objective >= opt - TOL
    assert heur.bound <= opt + TOL and exact.bound <= opt + TOL


@pytest.mark.parametrize("seed", range(3))
def test_mclp_through_interior_point_lps_matches_brute_force(seed, monkeypatch):
    # large models have HiGHS solve the MIP's LPs by interior point; same answers
    monkeypatch.setattr(mclp_mod, "IPM_MIN_PAIRS", 0)
    calls = []
    real = mclp_mod.highs.solve

    def spy(**kw):
        calls.append(kw.get("mip_lp_solver"))
        return real(**kw)

    monkeypatch.setattr(mclp_mod.highs, "solve", spy)
    cov, w, _ = _instance(seed, 8, 40, 0.3)
    out = mclp_mod._highs_mclp(sp.csr_matrix(cov, dtype=float), w, 3, None, 10.0, 0.0)
    assert calls == ["ipm"]
    assert out.objective == pytest.approx(_mclp_brute(cov, w, 3, np.zeros(40, bool)))
    assert out.bound == pytest.approx(out.objective)


@pytest.mark.parametrize("seed", range(5))
def test_highs_models_match_brute_force(seed):
    cov, w, cost = _instance(seed, 7, 30, 0.3)
    p = 3
    a = sp.csr_matrix(cov, dtype=float)
    out = mclp_mod._highs_mclp(a, w, p, None, 10.0, 0.0)
    assert out.objective == pytest.approx(_mclp_brute(cov, w, p, np.zeros(30, bool)))
    assert out.bound == pytest.approx(out.objective)
    coverable = a[:, np.asarray(a.sum(axis=0)).ravel() > 0]
    out = lscp_mod._highs_lscp(sp.csr_matrix(coverable), None, 10.0, integer=True)
    assert out.objective == pytest.approx(_lscp_brute(cov))
    lp = lscp_mod._highs_lscp(sp.csr_matrix(coverable), None, 10.0, integer=False)
    assert lp.bound <= out.objective + TOL
    rows, cols = np.nonzero(np.isfinite(cost))
    c = sp.csr_matrix((cost[rows, cols], (rows, cols)), shape=cost.shape)
    reach = np.isfinite(cost).any(axis=0)
    c = sp.csr_matrix(sp.csc_matrix(c)[:, np.flatnonzero(reach)])
    e = pmedian_mod._Entries(c, w[reach], np.full(int(reach.sum()), 40.0))
    out = pmedian_mod._highs_pmedian(e, p, [0, 1, 2], 10.0, 0.0)
    base = float((e.w * e.f).sum())
    assert base + out.objective == pytest.approx(_pmedian_brute(cost, w, p, 40.0))


def test_exact_uses_highs_when_the_bound_alone_cannot_prove():
    # overlapping candidates: the lagrangian bound alone does not close the gap
    rng = np.random.default_rng(0)
    cov = rng.random((20, 80)) < 0.15
    w = rng.integers(1, 50, size=80).astype(float)
    res = solve_mclp(cov, w, 3, method="exact", time_limit_s=20)
    heur = solve_mclp(cov, w, 3, method="heuristic")
    assert res.method.startswith("highs")
    assert res.optimal
    assert res.objective == pytest.approx(_mclp_brute(cov, w, 3, np.zeros(80, bool)))
    assert heur.objective <= res.objective <= heur.bound + TOL


def test_pmedian_exact_uses_highs_after_fixing():
    # points in a 10 x 10 square, 4-unit cutoff: the bound alone does not prove this one
    rng = np.random.default_rng(0)
    xy_d = rng.random((120, 2)) * 10
    xy_c = rng.random((25, 2)) * 10
    d = np.hypot(*(xy_c[:, None, :] - xy_d[None, :, :]).transpose(2, 0, 1))
    cost = np.where(d <= 4, d, np.inf)
    w = rng.integers(1, 30, 120).astype(float)
    exact = solve_pmedian(cost, w, 4, unserved_cost=4.0)
    heur = solve_pmedian(cost, w, 4, unserved_cost=4.0, method="heuristic")
    unreduced = solve_pmedian(cost, w, 4, unserved_cost=4.0, reduce=False)
    assert exact.method.startswith("highs")
    assert exact.reduction.n_fixed_closed > 0
    assert exact.optimal and unreduced.optimal
    assert exact.objective == pytest.approx(unreduced.objective)
    assert heur.bound - 1e-6 <= exact.objective <= heur.objective + 1e-9
