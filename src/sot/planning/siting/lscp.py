"""Location set covering problem (LSCP), Toregas, Swain, ReVelle & Bergman (1971).

Formulation (Toregas, C., Swain, R., ReVelle, C. & Bergman, L. 1971, "The location of
emergency service facilities", *Operations Research* 19(6), 1363-1373)::

    minimise    sum_j x_j
    subject to  sum_{j in N_i} x_j >= 1      for every coverable demand cell i
                x_j = 1                      for forced-open candidates j
                x_j in {0, 1}

Demand that no candidate reaches cannot be covered by any choice: it leaves the model
and is reported in ``SitingResult.uncoverable`` (the spopt model would be infeasible).
Demand already covered by existing points needs nothing and leaves the model too.

Reductions (Toregas & ReVelle 1973): merge demand cells with the same candidate set,
drop dominated candidates (subset cover), and open *essential* candidates (the only one
that reaches some demand cell), repeated until nothing changes. Heuristic: greedy (most
uncovered cells per facility; Chvatal 1979) followed by removal of redundant facilities.
Bound: the LP relaxation (rounded up, the objective being an integer) or, for the exact
method, HiGHS's dual bound.
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp

from . import highs
from .reduce import (
    as_csr,
    check_indices,
    covered_mask,
    dominated_candidates,
    merge_identical_rows,
    pattern,
)
from .result import Reduction, SitingResult

METHODS = ("exact", "heuristic")


def _greedy_cover(a: sp.csr_matrix) -> list[int]:
    """Greedy set cover on candidates x demand ``a`` (every column coverable)."""
    n_cand, n_dem = a.shape
    unc = np.ones(n_dem)
    chosen: list[int] = []
    left = n_dem
    while left > 0:
        gain = a @ unc
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        chosen.append(j)
        cols = a.indices[a.indptr[j] : a.indptr[j + 1]]
        left -= int(unc[cols].sum())
        unc[cols] = 0.0
    return _drop_redundant(a, chosen)


def _drop_redundant(a: sp.csr_matrix, chosen: list[int]) -> list[int]:
    """Remove chosen facilities whose demand is all covered twice (last added first)."""
    x = np.zeros(a.shape[0])
    x[chosen] = 1.0
    count = a.T @ x
    kept = list(chosen)
    for j in reversed(chosen):
        cols = a.indices[a.indptr[j] : a.indptr[j + 1]]
        if np.all(count[cols] >= 2):
            count[cols] -= 1
            kept.remove(j)
    return kept


def _reduce(a: sp.csr_matrix):
    """Merge, dominance and essential candidates, repeated to a fixed point.

    Returns (reduced candidates x demand, kept candidate indices, essential candidate
    indices, merged count, dominated count).
    """
    keep = np.arange(a.shape[0])
    essential: list[int] = []
    n_merged = n_dom = 0
    at = sp.csr_matrix(a.T)
    ones = np.ones(at.shape[0])
    for _ in range(100):
        n_before = at.shape[0]
        at, ones, _ = merge_identical_rows(at, ones)
        n_merged += n_before - at.shape[0]
        dom = dominated_candidates(sp.csr_matrix(at.T))
        if dom.any():
            n_dom += int(dom.sum())
            keep = keep[~dom]
            at = sp.csr_matrix(sp.csc_matrix(at)[:, np.flatnonzero(~dom)])
        single = np.diff(at.indptr) == 1
        if not single.any():
            if not dom.any():
                break
            continue
        ess_local = np.unique(at.indices[at.indptr[:-1][single]])
        essential.extend(int(keep[j]) for j in ess_local)
        x = np.zeros(at.shape[1])
        x[ess_local] = 1.0
        still = (at @ x) == 0
        rest = np.ones(at.shape[1], dtype=bool)
        rest[ess_local] = False
        at = sp.csr_matrix(
            sp.csc_matrix(at[np.flatnonzero(still)])[:, np.flatnonzero(rest)]
        )
        ones = ones[still]
        keep = keep[rest]
    return sp.csr_matrix(at.T), keep, essential, n_merged, n_dom


def _highs_lscp(a: sp.csr_matrix, start, time_limit_s: float, integer: bool):
    n_cand, n_dem = a.shape
    x0 = None
    if start is not None:
        x0 = np.zeros(n_cand)
        x0[list(start)] = 1.0
    return highs.solve(
        cost=np.ones(n_cand),
        lower=np.zeros(n_cand),
        upper=np.ones(n_cand),
        rows=sp.csr_matrix(a.T),
        row_lower=np.ones(n_dem),
        row_upper=np.full(n_dem, np.inf),
        integer=np.ones(n_cand, dtype=bool) if integer else None,
        maximize=False,
        time_limit_s=time_limit_s,
        start=x0,
    )


def solve_lscp(
    coverage,
    *,
    existing=None,
    forced=(),
    method: str = "exact",
    time_limit_s: float = 60.0,
    reduce: bool = True,
) -> SitingResult:
    """Set covering: the fewest candidates that cover every coverable demand cell.

    Toregas et al. (1971): ``min sum_j x_j`` s.t. ``sum_{j in N_i} x_j >= 1`` for every
    coverable cell ``i``, ``x`` binary (module docstring for details).

    ``coverage``: candidates x demand (an entry means "reaches within the cutoff").
    ``existing``: demand already covered (bool vector or existing x demand matrix).
    ``forced``: candidates that must open (counted in the objective).
    ``method``: ``"exact"`` (HiGHS, warm-started by the greedy cover) or
    ``"heuristic"`` (greedy + redundancy removal with the LP bound).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    a_full = pattern(as_csr(coverage))
    n_cand, n_dem = a_full.shape
    covered0 = covered_mask(existing, n_dem)
    forced_idx = check_indices(forced, n_cand, name="forced")
    col_count = np.diff(sp.csc_matrix(a_full).indptr)
    uncoverable = np.flatnonzero((col_count == 0) & ~covered0)
    covered_fixed = covered0.copy()
    if forced_idx.size:
        covered_fixed |= np.asarray(a_full[forced_idx].sum(axis=0)).ravel() > 0
    active = ~covered_fixed & (col_count > 0)
    free = np.ones(n_cand, dtype=bool)
    free[forced_idx] = False
    free_idx = np.flatnonzero(free)
    a0 = sp.csr_matrix(sp.csc_matrix(a_full[free_idx])[:, np.flatnonzero(active)])
    red = Reduction(
        n_demand=n_dem,
        n_candidates=n_cand,
        n_uncoverable=int(uncoverable.size),
        n_already_covered=int(covered_fixed.sum()),
        nnz=int(a_full.nnz),
    )
    if reduce:
        a, keep, essential, red.n_merged, red.n_dominated = _reduce(a0)
    else:
        a, keep, essential = a0, np.arange(a0.shape[0]), []
    red.n_fixed_open = len(essential)
    red.n_demand_kept, red.n_candidates_kept, red.nnz_kept = (
        a.shape[1],
        a.shape[0],
        a.nnz,
    )
    cand_map = free_idx[keep]
    fixed_open = free_idx[np.asarray(essential, dtype=np.int64)]
    timings["reduce_s"] = time.perf_counter() - t_start

    t = time.perf_counter()
    chosen = _greedy_cover(a) if a.shape[1] else []
    timings["heuristic_s"] = time.perf_counter() - t
    inc = len(chosen)
    status = ""
    method_name = "greedy+redundancy removal"
    if a.shape[1] == 0:
        bound_r, bound_source = 0.0, "trivial (reduction solved the model)"
        method_name = "reduction"
    else:
        t = time.perf_counter()
        lp = _highs_lscp(a, None, max(0.5, time_limit_s), integer=False)
        timings["bound_s"] = time.perf_counter() - t
        bound_r = math.ceil(lp.bound - 1e-6) if np.isfinite(lp.bound) else 0.0
        bound_source = "lp relaxation (rounded up)"
        if method == "exact" and bound_r < inc:
            t = time.perf_counter()
            remaining = max(0.5, time_limit_s - (time.perf_counter() - t_start))
            out = _highs_lscp(a, chosen, remaining, integer=True)
            status = out.status
            timings["solver_s"] = time.perf_counter() - t
            method_name = "highs (warm start: greedy)"
            if out.values is not None and out.objective < inc - 0.5:
                chosen = [int(j) for j in np.flatnonzero(out.values > 0.5)]
                inc = len(chosen)
            if np.isfinite(out.bound):
                bound_r = max(bound_r, math.ceil(out.bound - 1e-6))
            bound_source = "highs dual bound (rounded up)"
        elif method == "exact":
            method_name = "greedy (optimality proven by lp bound)"

    chosen_full = np.sort(
        np.concatenate(
            [forced_idx, fixed_open, cand_map[np.asarray(chosen, dtype=np.int64)]]
        )
    )
    covered = covered0 | (np.asarray(a_full[chosen_full].sum(axis=0)).ravel() > 0)
    constant = float(forced_idx.size + fixed_open.size)
    objective = float(chosen_full.size)
    timings["total_s"] = time.perf_counter() - t_start
    return SitingResult(
        model="lscp",
        method=method_name,
        sense="min",
        chosen=chosen_full,
        objective=objective,
        bound=min(constant + bound_r, objective),
        constant=float(forced_idx.size),
        time_s=timings["total_s"],
        reduction=red,
        bound_source=bound_source,
        solver_status=status,
        uncoverable=uncoverable,
        timings_s=timings,
        figures={
            "n_facilities": objective,
            "n_essential": float(fixed_open.size),
            "n_uncovered": float((~covered).sum()),
        },
        covered=covered,
    )
