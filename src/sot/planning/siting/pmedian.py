"""p-median with a travel-time cutoff, Hakimi (1964) and ReVelle & Swain (1970).

Formulation (Hakimi, S. L. 1964, "Optimum locations of switching centers and the
absolute centers and medians of a graph", *Operations Research* 12(3), 450-459;
ReVelle, C. & Swain, R. 1970, "Central facilities location", *Geographical Analysis*
2(1), 30-42), on a sparse cost matrix with a fallback cost per demand cell::

    minimise    sum_i w_i ( sum_{j in N_i} c_ij z_ij + f_i u_i )
    subject to  sum_{j in N_i} z_ij + u_i = 1      for every demand cell i
                z_ij <= x_j
                sum_j x_j <= p,   x_j = 1 for forced-open candidates
                x_j in {0, 1},   z_ij, u_i >= 0

``N_i`` holds the candidates within the cutoff of ``i`` (the sparse matrix entries,
explicit zeros included), ``c_ij`` the travel time. ``f_i`` is the cost of demand
``i`` when no chosen candidate reaches it: the travel time to the nearest *existing*
facility if that is smaller, otherwise ``unserved_cost`` (default: the largest travel
time in the matrix, which is at most the cutoff; the model is then the p-median with
truncated travel times). Demand that neither a candidate nor an existing facility
reaches cannot be influenced: it is left out of the objective and reported in
``SitingResult.uncoverable``. With ``sum x <= p`` the optimum equals that of
``= p`` whenever p candidates exist (opening more never costs more).

Solution path: reduce (drop entries with ``c_ij >= f_i``, merge demand with identical
cost rows), greedy plus fast interchange (Teitz & Bart 1968; Whitaker 1983), a
Lagrangian lower bound relaxing the assignment rows (Beasley 1993), Lagrangian fixing,
then HiGHS with the heuristic as warm start, on the same model written over nested
candidate sets (``nested_sets``: one column per distinct set of nearest candidates
instead of one per candidate-demand pair; same optimum and LP bound).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from . import highs
from .reduce import (
    _group,
    as_csr,
    check_indices,
    check_weights,
    merge_identical_rows,
)
from .result import Reduction, SitingResult

METHODS = ("exact", "heuristic")
_SET_HASH_SEED = 0x5E75


class _Entries:
    """Candidate x demand cost entries as flat arrays, with per-entry weighted saving."""

    def __init__(self, a: sp.csr_matrix, w: np.ndarray, f: np.ndarray):
        self.a = a
        self.n_cand, self.n_dem = a.shape
        self.row = np.repeat(np.arange(self.n_cand), np.diff(a.indptr))
        self.col = a.indices
        self.c = a.data
        self.w, self.f = w, f
        self.at = sp.csr_matrix(a.T)

    def cost_of(self, chosen) -> float:
        d1 = self.best_cost(chosen)
        return float((self.w * d1).sum())

    def best_cost(self, chosen) -> np.ndarray:
        d = self.f.copy()
        for j in chosen:
            lo, hi = self.a.indptr[j], self.a.indptr[j + 1]
            cols = self.a.indices[lo:hi]
            d[cols] = np.minimum(d[cols], self.a.data[lo:hi])
        return d

    def best_two(self, chosen: list[int]):
        """Best and second-best cost per demand (fallback counts) and who gives the best."""
        s = np.asarray(chosen, dtype=np.int64)
        sub = sp.csr_matrix(self.at[:, s]) if s.size else sp.csr_matrix((self.n_dem, 0))
        rows = np.concatenate(
            [
                np.repeat(np.arange(self.n_dem), np.diff(sub.indptr)),
                np.arange(self.n_dem),
            ]
        )
        pos = np.concatenate([sub.indices, np.full(self.n_dem, -1)])
        val = np.concatenate([sub.data, self.f])
        order = np.lexsort((pos, val, rows))
        rows, pos, val = rows[order], pos[order], val[order]
        start = np.searchsorted(rows, np.arange(self.n_dem))
        d1 = val[start]
        who = pos[start]
        second = np.minimum(start + 1, rows.size - 1)
        has2 = (start + 1 < rows.size) & (rows[second] == np.arange(self.n_dem))
        d2 = np.where(has2, val[second], d1)
        return d1, d2, who


def _greedy(e: _Entries, p: int) -> list[int]:
    d = e.f.copy()
    chosen: list[int] = []
    for _ in range(min(p, e.n_cand)):
        gain = np.bincount(
            e.row,
            weights=e.w[e.col] * np.maximum(0.0, d[e.col] - e.c),
            minlength=e.n_cand,
        )
        if chosen:
            gain[chosen] = -1.0
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        chosen.append(j)
        lo, hi = e.a.indptr[j], e.a.indptr[j + 1]
        cols = e.a.indices[lo:hi]
        d[cols] = np.minimum(d[cols], e.a.data[lo:hi])
    return chosen


def interchange(e: _Entries, chosen: list[int], max_swaps: int = 10_000) -> list[int]:
    """Best-improvement vertex substitution, pricing all swaps per pass in O(nnz)."""
    chosen = list(chosen)
    if not chosen or len(chosen) >= e.n_cand:
        return chosen
    tol = 1e-9 * max(1.0, e.cost_of(chosen))
    k_s = len(chosen)
    for _ in range(max_swaps):
        d1, d2, who = e.best_two(chosen)
        wi = e.w[e.col]
        gain = np.bincount(
            e.row, weights=wi * np.maximum(0.0, d1[e.col] - e.c), minlength=e.n_cand
        )
        served = who >= 0
        loss = np.bincount(
            who[served], weights=(e.w * (d2 - d1))[served], minlength=k_s
        )
        wh = who[e.col]
        m = (wh >= 0) & (e.c < d2[e.col])
        extra_v = wi[m] * (
            np.maximum(0.0, d2[e.col][m] - e.c[m])
            - np.maximum(0.0, d1[e.col][m] - e.c[m])
        )
        extra = np.bincount(
            e.row[m] * k_s + wh[m], weights=extra_v, minlength=e.n_cand * k_s
        ).reshape(e.n_cand, k_s)
        saving = gain[:, None] - loss[None, :] + extra
        saving[chosen, :] = -np.inf
        k, s = np.unravel_index(int(np.argmax(saving)), saving.shape)
        if saving[k, s] <= tol:
            break
        chosen[s] = int(k)
    return chosen


def lagrangian_bound(
    e: _Entries,
    p: int,
    incumbent: float,
    *,
    max_iter: int = 600,
    time_limit_s: float = 10.0,
    target_gap: float = 0.0,
    deflection: float = 1.0,
):
    """Lagrangian lower bound relaxing ``sum_j z_ij + u_i = 1`` (Beasley 1993).

    In saving form (``s_ij = w_i (c_ij - f_i) < 0``), with multipliers ``mu_i >= 0``:
    ``L(mu) = sum_i w_i f_i - sum_i mu_i + (sum of the p most negative rho_j)``,
    ``rho_j = sum_i min(0, s_ij + mu_i)``. Returns (bound, mu, best set, its cost).
    """
    t0 = time.perf_counter()
    n = e.n_cand
    p = min(p, n)
    s = e.w[e.col] * (e.c - e.f[e.col])
    base = float((e.w * e.f).sum())
    mu = np.zeros(e.n_dem)
    np.maximum.at(mu, e.col, -s)
    mu *= 0.5
    best_l, best_mu, best_set, best_val = -np.inf, mu, None, incumbent
    theta, stall = 1.0, 0
    d = None
    for _ in range(max_iter):
        v = np.minimum(0.0, s + mu[e.col])
        rho = np.bincount(e.row, weights=v, minlength=n)
        top = np.argpartition(rho, p - 1)[:p] if p < n else np.arange(n)
        top = top[rho[top] < 0]
        value_l = base - float(mu.sum()) + float(rho[top].sum())
        if value_l > best_l + 1e-12 * max(
            1.0, abs(best_l) if np.isfinite(best_l) else 1.0
        ):
            best_l, best_mu, stall = value_l, mu.copy(), 0
        else:
            stall += 1
            if stall >= 15:
                theta *= 0.5
                stall = 0
        val = e.cost_of(top)
        if val < best_val:
            best_val, best_set = val, [int(j) for j in top]
        if best_val - best_l <= max(target_gap * best_val, 1e-9 * max(1.0, best_val)):
            break
        x = np.zeros(n)
        x[top] = 1.0
        g = np.bincount(e.col, weights=(v < 0) * x[e.row], minlength=e.n_dem) - 1.0
        g[(mu <= 0) & (g < 0)] = 0.0
        if not g.any() or theta < 1e-6 or time.perf_counter() - t0 > time_limit_s:
            break
        d = g if d is None else deflection * g + (1.0 - deflection) * d
        norm = max(float(np.square(d).sum()), 1e-12)
        mu = np.maximum(0.0, mu + theta * (best_val - value_l) / norm * d)
    return best_l, best_mu, best_set, best_val


def nested_sets(e: _Entries):
    """The assignment part of the p-median as a weighted cover of nested candidate sets.

    For demand ``i`` with its entries sorted by cost, ``c_1 <= ... <= c_k`` at
    candidates ``j_1 .. j_k`` and fallback ``f_i`` (``c_{k+1} = f_i``, every ``c``
    capped at ``f_i``), whatever the open set::

        cost_i = f_i - sum_l (c_{l+1} - c_l) [some of j_1 .. j_l is open]

    (Cornuejols, Nemhauser & Wolsey 1980; Elloumi 2010). The term of ``l = 1`` is
    linear in ``x_{j_1}``; each later term depends only on the *set*
    ``{j_1 .. j_l}``, so equal sets of all demand cells are one term with the summed
    weight ``w_i (c_{l+1} - c_l)``. Returns ``(lin, indptr, indices, coef)``: the
    weighted saving is ``sum_j lin_j x_j - sum_S coef_S min(1, sum_{j in S} x_j)``,
    for integer and for fractional ``x`` (the fractional value is that of the
    classical LP with ``z_ij <= x_j``, which fills the cheapest entries first), so the
    model built on it has the classical model's optimum and LP bound. Sets are
    grouped by two 64-bit multiset hashes and their size, as in ``reduce``.
    """
    at = e.at
    n_dem = at.shape[0]
    counts = np.diff(at.indptr)
    row = np.repeat(np.arange(n_dem), counts)
    order = np.lexsort((at.indices, at.data, row))  # row stays sorted: primary key
    cand = at.indices[order].astype(np.int64)
    c = np.minimum(at.data[order], e.f[row])
    row_start = np.repeat(at.indptr[:-1], counts)
    pos = np.arange(cand.size) - row_start
    last = np.ones(cand.size, dtype=bool)
    last[:-1] = row[1:] != row[:-1]
    nxt = np.empty_like(c)
    nxt[:-1] = c[1:]
    nxt[last] = e.f[row[last]]
    g = e.w[row] * (nxt - c)
    first = pos == 0
    lin = -np.bincount(cand[first], weights=g[first], minlength=e.n_cand)
    rest = np.flatnonzero(~first & (g > 0))
    if not rest.size:
        return lin, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), g[:0]
    rng = np.random.default_rng(_SET_HASH_SEED)
    keys = np.empty((rest.size, 3), dtype=np.uint64)
    for col in (0, 1):
        r = rng.integers(1, 2**63, size=e.n_cand, dtype=np.uint64)
        with np.errstate(over="ignore"):
            cs = np.cumsum(r[cand], dtype=np.uint64)
            before = np.where(
                row_start > 0, cs[np.maximum(row_start - 1, 0)], np.uint64(0)
            )
            keys[:, col] = (cs - before)[rest]
    keys[:, 2] = pos[rest].astype(np.uint64)
    rep, group = _group(keys)
    coef = np.bincount(group, weights=g[rest], minlength=rep.size)
    rep_entry = rest[rep]
    lengths = pos[rep_entry] + 1
    indptr = np.zeros(rep.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    offset = np.repeat(row_start[rep_entry] - indptr[:-1], lengths)
    indices = cand[offset + np.arange(indptr[-1])]
    return lin, indptr, indices, coef


def _highs_pmedian(
    e: _Entries, p: int, start, time_limit_s: float, mip_gap: float, fixed_open=()
):
    """HiGHS on the nested-set form (``nested_sets``) in saving terms::

    min  sum_j lin_j x_j - sum_S coef_S v_S
    s.t. v_S - sum_{j in S} x_j <= 0,   sum_j x_j <= p,   0 <= v <= 1,  x binary

    One continuous column per distinct set instead of one per candidate-demand pair
    (the classical ``z_ij <= x_j`` model): the same optimum and LP bound in a
    fraction of the memory.
    """
    lin, indptr, indices, coef = nested_sets(e)
    n_c, n_s = e.n_cand, coef.size
    sets = sp.csr_matrix((np.ones(indices.size), indices, indptr), shape=(n_s, n_c))
    rows = sp.vstack(
        [
            sp.hstack([-sets, sp.identity(n_s, format="csr")], format="csr"),
            sp.hstack([np.ones((1, n_c)), sp.csr_matrix((1, n_s))], format="csr"),
        ],
        format="csr",
    )
    x0 = None
    if start is not None:
        x = np.zeros(n_c)
        x[list(start)] = 1.0
        x0 = np.concatenate([x, np.minimum(1.0, sets @ x)])
    lower = np.zeros(n_c + n_s)
    lower[np.asarray(list(fixed_open), dtype=np.int64)] = 1.0
    return highs.solve(
        cost=np.concatenate([lin, -coef]),
        lower=lower,
        upper=np.ones(n_c + n_s),
        rows=rows,
        row_lower=np.full(n_s + 1, -np.inf),
        row_upper=np.concatenate([np.zeros(n_s), [float(p)]]),
        integer=np.concatenate([np.ones(n_c, bool), np.zeros(n_s, bool)]),
        maximize=False,
        time_limit_s=time_limit_s,
        mip_rel_gap=mip_gap,
        start=x0,
    )


def _fixing(e: _Entries, mu: np.ndarray, p: int, bound: float, incumbent: float):
    """Candidates that every solution cheaper than ``incumbent`` must close / open."""
    n = e.n_cand
    s = e.w[e.col] * (e.c - e.f[e.col])
    rho = np.bincount(e.row, weights=np.minimum(0.0, s + mu[e.col]), minlength=n)
    order = np.argsort(rho, kind="stable")
    sel = order[:p][rho[order[:p]] < 0]
    in_top = np.zeros(n, dtype=bool)
    in_top[sel] = True
    eps = 1e-9 * max(1.0, abs(incumbent))
    rho_p = rho[order[p - 1]] if sel.size == p else 0.0
    rho_next = min(0.0, rho[order[p]]) if p < n else 0.0
    close = ~in_top & (bound + rho - rho_p > incumbent + eps)
    open_ = in_top & (bound - rho + rho_next > incumbent + eps)
    return close, open_


def solve_pmedian(
    cost,
    weights,
    p: int,
    *,
    existing_cost=None,
    forced=(),
    unserved_cost: float | None = None,
    method: str = "exact",
    time_limit_s: float = 60.0,
    mip_gap: float = 0.0,
    reduce: bool = True,
) -> SitingResult:
    """p-median: choose ``p`` candidates minimising population-weighted travel time.

    Hakimi (1964), ReVelle & Swain (1970): ``min sum_i w_i (sum_j c_ij z_ij + f_i u_i)``
    s.t. ``sum_j z_ij + u_i = 1``, ``z_ij <= x_j``, ``sum_j x_j <= p``, ``x`` binary
    (module docstring for details).

    ``cost``: candidates x demand travel times within the cutoff (scipy sparse, explicit
    zeros count as entries; or dense with ``inf`` for "beyond the cutoff").
    ``existing_cost``: per demand cell, travel time to the nearest existing facility
    (``inf`` if none within the cutoff). ``unserved_cost``: cost charged per unit weight
    when nothing reaches a cell that some candidate could reach (default: the largest
    travel time in ``cost``). ``forced``: candidates that must open (within ``p``).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    c_full = as_csr(cost, name="cost")
    n_cand, n_dem = c_full.shape
    if c_full.nnz and (not np.all(np.isfinite(c_full.data)) or c_full.data.min() < 0):
        raise ValueError("travel times must be finite and non-negative")
    w_full = check_weights(weights, n_dem)
    forced_idx = check_indices(forced, n_cand, name="forced")
    if p < forced_idx.size or p < 0:
        raise ValueError(
            f"p={p} must be non-negative and at least the {forced_idx.size} forced candidates"
        )
    if unserved_cost is None:
        unserved_cost = float(c_full.data.max()) if c_full.nnz else 0.0
    ex = (
        np.full(n_dem, np.inf)
        if existing_cost is None
        else np.asarray(existing_cost, dtype=np.float64).ravel()
    )
    if ex.size != n_dem:
        raise ValueError(f"existing_cost has {ex.size} values, expected {n_dem}")
    ex = np.where(np.isnan(ex), np.inf, ex)
    col_count = np.diff(sp.csc_matrix(c_full).indptr)
    uncoverable = np.flatnonzero((col_count == 0) & ~np.isfinite(ex))
    reachable = ~((col_count == 0) & ~np.isfinite(ex))
    f = np.minimum(ex, unserved_cost)
    if forced_idx.size:
        for j in forced_idx:
            lo, hi = c_full.indptr[j], c_full.indptr[j + 1]
            cols = c_full.indices[lo:hi]
            f[cols] = np.minimum(f[cols], c_full.data[lo:hi])
    free_idx = np.setdiff1d(np.arange(n_cand), forced_idx)
    red = Reduction(
        n_demand=n_dem,
        n_candidates=n_cand,
        n_uncoverable=int(uncoverable.size),
        uncoverable_weight=float(w_full[uncoverable].sum()),
        nnz=int(c_full.nnz),
    )
    # keep only entries that beat the fallback; demand with none left is a constant
    c0 = sp.csr_matrix(c_full[free_idx])
    rows = np.repeat(np.arange(c0.shape[0]), np.diff(c0.indptr))
    useful = c0.data < f[c0.indices] if reduce else np.isfinite(c0.data)
    c0 = sp.csr_matrix(
        (c0.data[useful], (rows[useful], c0.indices[useful])), shape=c0.shape
    )
    c0.sort_indices()
    dem_entries = np.diff(sp.csc_matrix(c0).indptr)
    active = reachable & (dem_entries > 0)
    if reduce:
        red.n_zero_weight = int((active & (w_full == 0)).sum())
        active &= w_full > 0
    fixed = reachable & ~active
    constant = float((w_full[fixed] * f[fixed]).sum())
    red.n_already_covered = int(fixed.sum())
    red.already_covered_weight = float(w_full[fixed].sum())
    ct = sp.csr_matrix(sp.csc_matrix(c0)[:, np.flatnonzero(active)].T)
    w_a, f_a = w_full[active], f[active]
    if reduce:
        # the fallback cost is part of the row identity: append it as an extra column
        ext = sp.hstack([ct, sp.csr_matrix(f_a.reshape(-1, 1) + 1.0)], format="csr")
        ext.sort_indices()
        n0 = ext.shape[0]
        ext, w_a, inv = merge_identical_rows(ext, w_a, with_values=True)
        first = np.zeros(ext.shape[0], dtype=np.int64)
        first[inv[::-1]] = np.arange(n0)[::-1]
        f_a = f_a[first]
        ct = sp.csr_matrix(ext[:, :-1])
        red.n_merged = n0 - ext.shape[0]
    a = sp.csr_matrix(ct.T)
    nonempty = np.diff(a.indptr) > 0
    red.n_empty_candidates = int((~nonempty).sum()) if reduce else 0
    keep = np.flatnonzero(nonempty) if reduce else np.arange(a.shape[0])
    a = a[keep]
    a.sort_indices()
    cand_map = free_idx[keep]
    e = _Entries(a, w_a, f_a)
    red.n_demand_kept, red.n_candidates_kept, red.nnz_kept = (
        a.shape[1],
        a.shape[0],
        a.nnz,
    )
    p_free = int(p - forced_idx.size)
    timings["reduce_s"] = time.perf_counter() - t_start

    t = time.perf_counter()
    chosen = interchange(e, _greedy(e, p_free)) if a.shape[0] else []
    inc = e.cost_of(chosen)
    timings["heuristic_s"] = time.perf_counter() - t
    method_name, bound_source, status = "greedy+interchange", "lagrangian", ""
    base = float((e.w * e.f).sum())
    if p_free == 0 or p_free >= a.shape[0] or a.shape[1] == 0:
        bound_r, bound_source = inc, "trivial (every useful candidate open)"
    else:
        t = time.perf_counter()
        bound_r, mu, lset, lval = lagrangian_bound(
            e,
            p_free,
            inc,
            time_limit_s=0.3 * time_limit_s,
            target_gap=mip_gap if method == "exact" else 0.0,
        )
        if lset is not None and lval < inc:
            chosen = interchange(e, lset)
            inc = e.cost_of(chosen)
        timings["bound_s"] = time.perf_counter() - t
        if method == "exact" and inc - bound_r > max(
            mip_gap * inc, 1e-9 * max(1.0, inc)
        ):
            t = time.perf_counter()
            close = np.zeros(a.shape[0], dtype=bool)
            open_ = close.copy()
            if reduce:
                close, open_ = _fixing(e, mu, p_free, bound_r, inc)
            red.n_fixed_closed, red.n_fixed_open = int(close.sum()), int(open_.sum())
            kept = np.flatnonzero(~close)
            sub = _Entries(a[kept], e.w, e.f)
            pos = {int(j): i for i, j in enumerate(kept)}
            start = [pos[j] for j in chosen if j in pos]
            red.n_candidates_kept, red.nnz_kept = sub.n_cand, sub.a.nnz
            remaining = max(0.5, time_limit_s - (time.perf_counter() - t_start))
            out = _highs_pmedian(
                sub,
                p_free,
                start,
                remaining,
                mip_gap,
                fixed_open=[pos[int(j)] for j in np.flatnonzero(open_)],
            )
            status = out.status
            if out.values is not None:
                cand = [
                    int(kept[j]) for j in np.flatnonzero(out.values[: sub.n_cand] > 0.5)
                ]
                val = e.cost_of(cand)
                if val < inc:
                    chosen, inc = cand, val
            if np.isfinite(out.bound):
                bound_r = max(bound_r, min(inc, base + out.bound))
            method_name = "highs (warm start: greedy+interchange)"
            bound_source = "highs dual bound" + (
                " + lagrangian fixing" if reduce else ""
            )
            timings["solver_s"] = time.perf_counter() - t
        elif method == "exact":
            method_name = (
                "greedy+interchange ("
                + ("gap target" if mip_gap > 0 else "optimality")
                + " proven by lagrangian bound)"
            )

    chosen_full = np.sort(
        np.concatenate([forced_idx, cand_map[np.asarray(chosen, dtype=np.int64)]])
    )
    # evaluate on the full input: best of fallback and every chosen candidate
    best = np.where(reachable, np.minimum(ex, unserved_cost), 0.0)
    assignment = np.full(n_dem, -1, dtype=np.int64)
    for j in chosen_full:
        lo, hi = c_full.indptr[j], c_full.indptr[j + 1]
        cols, vals = c_full.indices[lo:hi], c_full.data[lo:hi]
        better = vals < best[cols]
        best[cols[better]] = vals[better]
        assignment[cols[better]] = j
    objective = float((w_full[reachable] * best[reachable]).sum())
    served_w = float(w_full[assignment >= 0].sum())
    timings["total_s"] = time.perf_counter() - t_start
    reach_w = float(w_full[reachable].sum())
    return SitingResult(
        model="pmedian",
        method=method_name,
        sense="min",
        chosen=chosen_full,
        objective=objective,
        bound=min(constant + bound_r, objective),
        constant=constant,
        time_s=timings["total_s"],
        reduction=red,
        bound_source=bound_source,
        solver_status=status,
        uncoverable=uncoverable,
        timings_s=timings,
        figures={
            "mean_cost": objective / reach_w if reach_w > 0 else 0.0,
            "served_by_chosen_weight": served_w,
            "unserved_weight": float(
                w_full[reachable & (assignment < 0) & ~(ex <= unserved_cost)].sum()
            ),
            "unserved_cost": float(unserved_cost),
        },
        assignment=assignment,
    )
