"""Maximal covering location problem (MCLP), Church & ReVelle (1974).

Formulation (Church, R. & ReVelle, C. 1974, "The maximal covering location problem",
*Papers of the Regional Science Association* 32, 101-118)::

    maximise    sum_i w_i y_i
    subject to  y_i <= sum_{j in N_i} x_j      for every demand cell i
                sum_j x_j <= p
                x_j = 1                        for forced-open candidates j
                x_j in {0, 1},  0 <= y_i <= 1

``N_i`` is the set of candidates that reach demand cell ``i`` within the cutoff (the
coverage matrix), ``w_i`` its population. Demand already covered by existing points
(``existing``) contributes its weight as a constant and leaves the model. ``y`` may be
continuous: with binary ``x`` an optimal ``y_i`` is ``min(1, sum x)`` anyway.
``sum x <= p`` (not ``= p``) keeps the model feasible when fewer than ``p``
candidates add anything; it has the same optimum whenever ``p`` candidates exist.

Solution path: reduce (see :mod:`.reduce`), greedy plus best-improvement interchange
(swap) heuristic, a Lagrangian bound (relaxing ``y_i <= sum x``, subgradient
optimisation; Galvao & ReVelle 1996) whose averaged subproblem solutions estimate the
LP relaxation's ``x`` (Barahona & Anbil 2000), randomised rounding of that estimate
with interchange on each sample (Raghavan & Thompson 1987) while the gap is still open,
Lagrangian fixing of candidates, then HiGHS on the reduced model with the best solution
as warm start. The gap is always computed from a proven bound; rounding only changes
the solution, never the bound.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from . import highs
from .reduce import (
    as_csr,
    check_indices,
    check_weights,
    covered_mask,
    dominated_candidates,
    merge_identical_rows,
    pattern,
)
from .result import Reduction, SitingResult

METHODS = ("exact", "heuristic")
#: from this many candidate-demand pairs in the reduced model HiGHS solves the MIP's
#: LPs with its interior-point method (see ``_highs_mclp``)
IPM_MIN_PAIRS = 100_000


def _greedy(a: sp.csr_matrix, w: np.ndarray, p: int) -> list[int]:
    """Add, p times, the candidate covering the most weight not yet covered."""
    unc = w.copy()
    chosen: list[int] = []
    for _ in range(min(p, a.shape[0])):
        gain = a @ unc
        if chosen:
            gain[chosen] = -1.0
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        chosen.append(j)
        unc[a.indices[a.indptr[j] : a.indptr[j + 1]]] = 0.0
    return chosen


def _counts(at: sp.csr_matrix, chosen, n_cand: int) -> np.ndarray:
    x = np.zeros(n_cand)
    x[list(chosen)] = 1.0
    return at @ x


def interchange(
    a: sp.csr_matrix,
    at: sp.csr_matrix,
    w: np.ndarray,
    chosen: list[int],
    max_swaps: int = 10_000,
) -> list[int]:
    """Best-improvement swap (one in, one out) until no swap adds weight.

    Each pass prices all ``|candidates| x |chosen|`` swaps at once in O(nnz): the gain
    of adding ``k``, the loss of removing ``j`` and their overlap on demand that only
    ``j`` covers (Teitz & Bart 1968, in its covering form).
    """
    chosen = list(chosen)
    n = a.shape[0]
    if not chosen or len(chosen) >= n:
        return chosen
    count = _counts(at, chosen, n)
    tol = 1e-9 * max(1.0, float(w.sum()))
    for _ in range(max_swaps):
        add_gain = a @ (w * (count == 0))
        one_w = w * (count == 1)
        a_s = a[chosen]
        loss = a_s @ one_w
        b = a_s.multiply(one_w[None, :]).tocsr()
        overlap = (a @ b.T).toarray()
        delta = add_gain[:, None] - loss[None, :] + overlap
        delta[chosen, :] = -np.inf
        k, s = np.unravel_index(int(np.argmax(delta)), delta.shape)
        if delta[k, s] <= tol:
            break
        j = int(chosen[s])
        count -= _dense_row(a, j)
        count += _dense_row(a, int(k))
        chosen[s] = int(k)
    return chosen


def _dense_row(a: sp.csr_matrix, j: int) -> np.ndarray:
    row = np.zeros(a.shape[1])
    row[a.indices[a.indptr[j] : a.indptr[j + 1]]] = 1.0
    return row


def _value(at: sp.csr_matrix, w: np.ndarray, chosen, n_cand: int) -> float:
    return float(w[_counts(at, chosen, n_cand) > 0].sum())


def lagrangian_bound(
    a: sp.csr_matrix,
    at: sp.csr_matrix,
    w: np.ndarray,
    p: int,
    incumbent: float,
    *,
    max_iter: int = 1000,
    time_limit_s: float = 10.0,
    target_gap: float = 0.0,
    deflection: float = 0.3,
    averaging: float = 0.1,
):
    """Lagrangian bound for MCLP relaxing ``y_i <= sum_j a_ij x_j`` with ``lambda >= 0``.

    ``L(lambda) = sum_i max(0, w_i - lambda_i) + (sum of the p largest (A lambda)_j)``
    is an upper bound for every ``lambda`` (taken in ``[0, w]``); deflected subgradient
    descent (the direction mixes the new subgradient with the last direction, as in
    Barahona & Anbil's volume algorithm) with Polyak steps minimises it.

    Returns ``(bound, lambda, best_set, best_value, x_avg)``: the sets met on the way
    serve as primal solutions, and ``x_avg`` is the exponentially weighted average
    (weight ``averaging`` on the newest) of the subproblems' 0/1 solutions, the volume
    algorithm's estimate of an optimal ``x`` of the LP relaxation (each entry in
    ``[0, 1]``, summing to ``min(p, candidates)``), for :func:`rounding_search`.
    """
    t0 = time.perf_counter()
    n = a.shape[0]
    p = min(p, n)
    lam = w * 0.5
    best_l = float("inf")
    best_lam = lam
    best_set: list[int] | None = None
    best_val = incumbent
    theta = 2.0
    stall = 0
    d = None
    x_avg = np.zeros(n)
    first = True
    for _ in range(max_iter):
        r = a @ lam
        top = np.argpartition(r, n - p)[n - p :] if p < n else np.arange(n)
        x_top = np.zeros(n)
        x_top[top] = 1.0
        x_avg = x_top if first else averaging * x_top + (1.0 - averaging) * x_avg
        first = False
        value_l = float((w - lam).sum() + r[top].sum())
        if value_l < best_l - 1e-12 * abs(best_l if np.isfinite(best_l) else 1.0):
            best_l, best_lam, stall = value_l, lam.copy(), 0
        else:
            stall += 1
            if stall >= 30:
                theta *= 0.5
                stall = 0
        count = at @ x_top
        val = float(w[count > 0].sum())
        if val > best_val:
            best_val, best_set = val, [int(j) for j in top]
        if best_l - best_val <= max(target_gap * best_val, 1e-9 * max(1.0, best_val)):
            break
        g = count - (lam < w)
        if not g.any() or theta < 1e-6 or time.perf_counter() - t0 > time_limit_s:
            break
        # deflected subgradient (as in the volume algorithm): smoother, faster descent
        d = g if d is None else deflection * g + (1.0 - deflection) * d
        step = theta * (value_l - best_val) / max(float(np.square(d).sum()), 1e-12)
        lam = np.clip(lam - step * d, 0.0, w)
    return best_l, best_lam, best_set, best_val, x_avg


def rounding_search(
    a: sp.csr_matrix,
    at: sp.csr_matrix,
    w: np.ndarray,
    p: int,
    x_frac: np.ndarray,
    chosen: list[int],
    value: float,
    *,
    bound: float,
    target_gap: float = 0.0,
    samples: int = 32,
    time_limit_s: float = 10.0,
    seed: int = 0,
) -> tuple[list[int], float, int]:
    """Randomised rounding of a fractional ``x``, each sample improved by interchange.

    Draws ``p`` distinct candidates with probabilities proportional to ``x_frac``
    (plus a small floor, so every candidate can be drawn), runs :func:`interchange`
    from them and keeps the best set (Raghavan & Thompson 1987's rounding, used as a
    multi-start for the swap search). A set that rounds a good LP solution starts in
    a different basin than greedy's: on the Sweden-scale 30-minute model greedy plus
    interchange stops at 626 059, the rounded starts reach 628 000-632 000. Stops
    after ``samples`` draws, after ``time_limit_s``, or once
    ``bound - value <= target_gap * value``. Seeded: the same input gives the same
    answer. Returns ``(chosen, value, draws)``; ``value`` never falls below the
    starting one.
    """
    n = a.shape[0]
    p = min(p, n)
    best, best_val = list(chosen), float(value)
    if p <= 0 or p >= n:
        return best, best_val, 0
    t0 = time.perf_counter()
    prob = np.clip(np.asarray(x_frac, dtype=np.float64), 0.0, 1.0) + 1e-3 / n
    prob /= prob.sum()
    rng = np.random.default_rng(seed)
    tol = 1e-9 * max(1.0, abs(best_val))
    draws = 0
    while draws < samples and time.perf_counter() - t0 < time_limit_s:
        if bound - best_val <= max(target_gap * best_val, tol):
            break
        draws += 1
        start = rng.choice(n, size=p, replace=False, p=prob)
        cand = interchange(a, at, w, [int(j) for j in start])
        val = _value(at, w, cand, n)
        if val > best_val + tol:
            best, best_val = cand, val
    return best, best_val, draws


def _fixing(a: sp.csr_matrix, w: np.ndarray, lam: np.ndarray, p: int, incumbent: float):
    """Candidates that any solution better than ``incumbent`` must close / open."""
    n = a.shape[0]
    r = a @ lam
    base = float((w - lam).sum())
    order = np.argsort(-r, kind="stable")
    top_sum = float(r[order[:p]].sum())
    r_p = r[order[p - 1]]
    r_next = r[order[p]] if p < n else 0.0
    in_top = np.zeros(n, dtype=bool)
    in_top[order[:p]] = True
    eps = 1e-9 * max(1.0, abs(incumbent))
    close = ~in_top & (base + top_sum - r_p + r < incumbent - eps)
    open_ = in_top & (base + top_sum - r + r_next < incumbent - eps)
    return close, open_


def _reduce_model(a: sp.csr_matrix, w: np.ndarray, *, merge: bool, dominance: bool):
    """Merge identical demand columns and drop dominated candidates.

    Returns (candidates x merged-demand pattern, merged weights, kept candidate
    indices, number merged, number dominated).
    """
    n_cand = a.shape[0]
    keep = np.arange(n_cand)
    n_dom = 0
    at = sp.csr_matrix(a.T)
    n_in = at.shape[0]
    if merge:
        at, w, _ = merge_identical_rows(at, w)
    if dominance:
        am = sp.csr_matrix(at.T)
        dom = dominated_candidates(am)
        n_dom = int(dom.sum())
        if n_dom:
            keep = keep[~dom]
            at = sp.csr_matrix(sp.csc_matrix(at)[:, keep])
            if merge:
                at, w, _ = merge_identical_rows(at, w)
    nonempty = np.diff(at.indptr) > 0
    at, w = at[nonempty], w[nonempty]
    return sp.csr_matrix(at.T), w, keep, n_in - at.shape[0], n_dom


def _highs_mclp(a, w, p, start, time_limit_s, mip_gap):
    """HiGHS on ``max w.y  s.t.  y_i - sum_j a_ij x_j <= 0, sum x <= p``."""
    n_cand, n_dem = a.shape
    at = sp.csr_matrix(a.T)
    rows = sp.vstack(
        [
            sp.hstack([-at, sp.identity(n_dem, format="csr")], format="csr"),
            sp.hstack([np.ones((1, n_cand)), sp.csr_matrix((1, n_dem))], format="csr"),
        ],
        format="csr",
    )
    cost = np.concatenate([np.zeros(n_cand), w])
    x0 = None
    if start is not None:
        x = np.zeros(n_cand)
        x[list(start)] = 1.0
        x0 = np.concatenate([x, np.minimum(1.0, at @ x)])
    return highs.solve(
        cost=cost,
        lower=np.zeros(n_cand + n_dem),
        upper=np.ones(n_cand + n_dem),
        rows=rows,
        row_lower=np.full(n_dem + 1, -np.inf),
        row_upper=np.concatenate([np.zeros(n_dem), [float(p)]]),
        integer=np.concatenate([np.ones(n_cand, bool), np.zeros(n_dem, bool)]),
        maximize=True,
        time_limit_s=time_limit_s,
        mip_rel_gap=mip_gap,
        start=x0,
        # large, heavily overlapping models: the dual simplex took 90 s for the root
        # LP of the Sweden-scale 30-minute model (17 393 x 1 000, 170 027 pairs),
        # the interior-point solver 7 s, so HiGHS proves a bound within 30 s at all
        mip_lp_solver="ipm" if a.nnz >= IPM_MIN_PAIRS else None,
    )


def solve_mclp(
    coverage,
    weights,
    p: int,
    *,
    existing=None,
    forced=(),
    method: str = "exact",
    time_limit_s: float = 60.0,
    mip_gap: float = 0.0,
    reduce: bool = True,
) -> SitingResult:
    """Maximal covering: choose ``p`` candidates covering the most weight.

    Church & ReVelle (1974): ``max sum_i w_i y_i`` s.t. ``y_i <= sum_{j in N_i} x_j``,
    ``sum_j x_j <= p``, ``x`` binary, ``0 <= y <= 1`` (module docstring for details).

    ``coverage``: candidates x demand (scipy sparse or dense bool/float; an entry means
    "reaches within the cutoff"). ``weights``: population per demand cell.
    ``existing``: demand already covered (bool vector, or an existing x demand
    coverage matrix). ``forced``: candidate indices that must open (they count
    within ``p``). ``method``: ``"exact"`` (HiGHS after the heuristic, until
    ``mip_gap`` is proven or ``time_limit_s`` runs out) or ``"heuristic"``
    (greedy + interchange with a Lagrangian bound, no MIP).
    ``reduce=False`` switches off merging, dominance and fixing (for comparisons).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    a_full = pattern(as_csr(coverage))
    n_cand, n_dem = a_full.shape
    w_full = check_weights(weights, n_dem)
    covered0 = covered_mask(existing, n_dem)
    forced_idx = check_indices(forced, n_cand, name="forced")
    if p < forced_idx.size:
        raise ValueError(
            f"p={p} is smaller than the {forced_idx.size} forced-open candidates"
        )
    if p < 0:
        raise ValueError("p must be non-negative")
    p_free = int(p - forced_idx.size)

    # --- fixed parts: existing + forced coverage, uncoverable demand -------------
    col_count = np.diff(sp.csc_matrix(a_full).indptr)
    uncoverable = np.flatnonzero((col_count == 0) & ~covered0)
    covered_fixed = covered0.copy()
    if forced_idx.size:
        covered_fixed |= np.asarray(a_full[forced_idx].sum(axis=0)).ravel() > 0
    constant = float(w_full[covered_fixed].sum())
    active = ~covered_fixed & (col_count > 0)
    n_zero = int((active & (w_full == 0)).sum())
    if reduce:
        active &= w_full > 0
    free = np.ones(n_cand, dtype=bool)
    free[forced_idx] = False
    free_idx = np.flatnonzero(free)
    red = Reduction(
        n_demand=n_dem,
        n_candidates=n_cand,
        n_uncoverable=int(uncoverable.size),
        uncoverable_weight=float(w_full[uncoverable].sum()),
        n_already_covered=int(covered_fixed.sum()),
        already_covered_weight=constant,
        n_zero_weight=n_zero,
        nnz=int(a_full.nnz),
    )
    a0 = sp.csr_matrix(sp.csc_matrix(a_full[free_idx])[:, np.flatnonzero(active)])
    a, w, keep, n_merged, n_dom = _reduce_model(
        a0, w_full[active], merge=reduce, dominance=reduce
    )
    cand_map = free_idx[keep]
    n_empty = int((np.diff(a.indptr) == 0).sum())
    red.n_merged, red.n_dominated, red.n_empty_candidates = n_merged, n_dom, n_empty
    timings["reduce_s"] = time.perf_counter() - t_start

    # --- heuristic ----------------------------------------------------------------
    t = time.perf_counter()
    at = sp.csr_matrix(a.T)
    nc = a.shape[0]
    chosen = interchange(a, at, w, _greedy(a, w, p_free))
    inc_val = _value(at, w, chosen, nc)
    timings["heuristic_s"] = time.perf_counter() - t

    total_w = float(w.sum())
    method_name = heuristic_name = "greedy+interchange"
    bound_source = "lagrangian"
    status = ""
    red.n_demand_kept, red.n_candidates_kept, red.nnz_kept = a.shape[1], nc, a.nnz
    if p_free == 0 or p_free >= nc or inc_val >= total_w - 1e-9 * max(1.0, total_w):
        bound_r, bound_source = inc_val, "trivial (all coverable demand covered)"
    else:
        t = time.perf_counter()
        remaining = max(0.5, time_limit_s - (time.perf_counter() - t_start))
        target = mip_gap if method == "exact" else 0.0
        bound_r, lam, lset, lval, x_avg = lagrangian_bound(
            a,
            at,
            w,
            p_free,
            inc_val,
            time_limit_s=min(remaining, 0.3 * time_limit_s),
            target_gap=target,
            # a short run when HiGHS is to prove optimality on a small model anyway
            max_iter=150
            if method == "exact" and mip_gap == 0 and a.nnz <= 50_000
            else 1000,
        )
        bound_r = min(bound_r, total_w)
        if lset is not None and lval > inc_val:
            chosen = interchange(a, at, w, lset)
            inc_val = _value(at, w, chosen, nc)
        timings["bound_s"] = time.perf_counter() - t
        t = time.perf_counter()
        start_val = inc_val
        chosen, inc_val, draws = rounding_search(
            a,
            at,
            w,
            p_free,
            x_avg,
            chosen,
            inc_val,
            bound=bound_r,
            target_gap=target,
            time_limit_s=max(
                0.0,
                min(
                    0.2 * time_limit_s,
                    time_limit_s - (time.perf_counter() - t_start) - 0.5,
                ),
            ),
        )
        if draws:
            timings["rounding_s"] = time.perf_counter() - t
        if inc_val > start_val:
            method_name = heuristic_name = "greedy+interchange, lp rounding"
        if method == "exact" and bound_r - inc_val > max(
            mip_gap * inc_val, 1e-9 * inc_val
        ):
            t = time.perf_counter()
            bound_r, chosen, inc_val, status, red_fix = _exact_after_fixing(
                a,
                w,
                p_free,
                lam,
                chosen,
                inc_val,
                bound_r,
                reduce,
                max(0.5, time_limit_s - (time.perf_counter() - t_start)),
                mip_gap,
            )
            red.n_fixed_closed, red.n_fixed_open = red_fix[0], red_fix[1]
            red.n_demand_kept, red.n_candidates_kept, red.nnz_kept = red_fix[2:]
            method_name = f"highs (warm start: {heuristic_name})"
            bound_source = "highs dual bound" + (
                " + lagrangian fixing" if reduce else ""
            )
            if status == "solved by fixing":
                method_name = f"{heuristic_name}, lagrangian fixing"
                bound_source = "lagrangian fixing"
                status = ""

            timings["solver_s"] = time.perf_counter() - t
        elif method == "exact":
            method_name = (
                f"{method_name} ("
                + ("gap target" if mip_gap > 0 else "optimality")
                + " proven by lagrangian bound)"
            )

    chosen_full = np.sort(
        np.concatenate([forced_idx, cand_map[np.asarray(chosen, dtype=np.int64)]])
    )
    covered = covered0 | (np.asarray(a_full[chosen_full].sum(axis=0)).ravel() > 0)
    objective = float(w_full[covered].sum())
    timings["total_s"] = time.perf_counter() - t_start
    return SitingResult(
        model="mclp",
        method=method_name,
        sense="max",
        chosen=chosen_full,
        objective=objective,
        bound=max(constant + bound_r, objective),
        constant=constant,
        time_s=timings["total_s"],
        reduction=red,
        bound_source=bound_source,
        solver_status=status,
        uncoverable=uncoverable,
        timings_s=timings,
        figures={
            "covered_weight": objective,
            "total_weight": float(w_full.sum()),
            "covered_share": objective / float(w_full.sum())
            if w_full.sum() > 0
            else 0.0,
            "newly_covered_weight": objective - float(w_full[covered0].sum()),
            "n_uncovered": int((~covered).sum()),
        },
        covered=covered,
    )


def _exact_after_fixing(
    a, w, p, lam, chosen, inc_val, lag_bound, reduce, time_limit_s, mip_gap
):
    """Fix candidates by Lagrangian tests, then solve the rest with HiGHS.

    Returns (bound, chosen, value, status, (closed, opened, demand, cands, nnz)).
    Valid bound: ``min(lagrangian, max(incumbent, const + highs bound))`` because the
    fixed-out region holds no solution better than the incumbent.
    """
    nc = a.shape[0]
    close = np.zeros(nc, dtype=bool)
    open_ = np.zeros(nc, dtype=bool)
    if reduce and p < nc:
        close, open_ = _fixing(a, w, lam, p, inc_val)
    keep = np.flatnonzero(~close & ~open_)
    opened = np.flatnonzero(open_)
    at = sp.csr_matrix(a.T)
    cov_open = (
        _counts(at, opened, nc) > 0 if opened.size else np.zeros(a.shape[1], bool)
    )
    const = float(w[cov_open].sum())
    sub = sp.csr_matrix(sp.csc_matrix(a[keep])[:, np.flatnonzero(~cov_open)])
    w_sub = w[~cov_open]
    sub_t = sp.csr_matrix(sub.T)
    if reduce:
        sub_t, w_sub, _ = merge_identical_rows(sub_t, w_sub)
    nonempty = np.diff(sub_t.indptr) > 0
    sub_t, w_sub = sub_t[nonempty], w_sub[nonempty]
    sub = sp.csr_matrix(sub_t.T)
    p_sub = p - opened.size
    pos = {int(j): i for i, j in enumerate(keep)}
    start = [pos[j] for j in chosen if j in pos]
    best_chosen, best_val = list(chosen), inc_val
    figures = (int(close.sum()), int(open_.sum()), sub.shape[1], sub.shape[0], sub.nnz)
    if p_sub == 0 or sub.shape[0] == 0 or sub.shape[1] == 0:
        # fixing decided everything: the reduced model's optimum is the constant
        return (
            min(lag_bound, max(inc_val, const)),
            best_chosen,
            best_val,
            "solved by fixing",
            figures,
        )
    out = _highs_mclp(sub, w_sub, p_sub, start, time_limit_s, mip_gap)
    if out.values is not None:
        sel = keep[np.flatnonzero(out.values[: keep.size] > 0.5)]
        cand = [int(j) for j in np.concatenate([opened, sel])]
        val = _value(at, w, cand, nc)
        if val > best_val:
            best_chosen, best_val = cand, val
    bound = lag_bound
    if np.isfinite(out.bound):
        bound = min(lag_bound, max(inc_val, const + out.bound))
    return max(bound, best_val), best_chosen, best_val, out.status, figures
