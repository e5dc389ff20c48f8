"""Sweden-scale maximal covering: 1 M road nodes, 100 000 demand cells, 1 000 candidates.

The instance is generated (seeded): a 1000 x 1000 grid road network
(``sot.planning.network.grid_network``, 670 m spacing, 90 km/h, seeded jitter of up to
30 % per arc) stands in for Sweden's roads; 100 000 demand cells sit on distinct grid
nodes clustered around Zipf-sized towns with skewed (log-normal) populations
(``sot.planning.siting.synthetic``); 1 000 candidates are drawn from populated cells.
Coverage comes from the bounded-ball reach of ``sot.planning.reach.ball_times`` on
that grid (Euclidean balls from the generator if that code is not importable); the
output says which. This is NOT real Swedish data.

Side by side, p = 50, for a 15-minute and a 30-minute cutoff:
  * HiGHS on the plain model (no reduction, no warm start), time limit as given;
  * sot's heuristic: greedy + interchange, Lagrangian bound, randomised rounding of
    the Lagrangian's fractional solution with interchange on each draw;
  * sot's pipeline: reduction, the heuristic, Lagrangian fixing, HiGHS on the
    reduced model with a warm start, stopping at a proven 1 % gap or 30 s; and the
    same asked to prove optimality (gap 0) within 30 s.

Then sot's pipeline once more (1 % gap, 30 s) in a child process each with the old
code (``src/`` of ``--peer-rev``, default ``main``, by ``git archive``) and the new,
printing wall time, CPU time of the child (``time.process_time``, the figure to trust
on a shared machine), proven gap, the method and the child's peak resident set size
(``VmHWM``) side by side (``--peer-rev ''`` skips this). The bench's own peak (grid
network, reach, every run above) is printed at the end.

Run: ``PYTHONPATH=src .venv/bin/python bench/bench_sweden_scale.py [--plain-time-limit 120]``
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from sot.planning.siting import highs, solve_mclp
from sot.planning.siting.synthetic import generate


def coverage_for(inst, minutes: float):
    """Coverage from the network reach on the grid (or the generator's balls)."""
    try:
        from sot.planning.network import grid_network
        from sot.planning.reach import ball_times
    except ImportError:
        radius = minutes / 60.0 * 90_000.0 / 1.15
        d = generate(radius_m=radius).cost
        return (d > -1).astype(
            bool
        ), f"EUCLIDEAN balls of {radius / 1000:.1f} km (reach code not importable)"
    t0 = time.perf_counter()
    net = grid_network(
        inst.side,
        inst.side,
        spacing_m=inst.spacing_m,
        speed_kmh=90.0,
        jitter=0.3,
        seed=1,
    )
    t_net = time.perf_counter() - t0
    t0 = time.perf_counter()
    times = ball_times(
        net, inst.candidate_node, minutes * 60.0, demand_nodes=inst.demand_node
    )
    t_ball = time.perf_counter() - t0
    cov = sp.csr_matrix(
        (np.ones(times.nnz, bool), times.indices, times.indptr), shape=times.shape
    )
    return cov, (
        f"road reach within {minutes:g} min on the {net.n_nodes:,}-node grid "
        f"(sot.planning.reach.ball_times: {t_ball:.2f} s, grid built in {t_net:.2f} s)"
    )


ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    ``VmHWM`` of ``/proc/self/status`` (the peak of this process's own memory since
    its ``exec``); ``ru_maxrss`` is only the fallback, because Linux carries it over
    from the parent across fork and exec, so a child of this bench would report the
    parent's grid network too.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str) -> None:
    """Run sot's pipeline (1 % gap, 30 s) on a saved instance; print one result line."""
    z = np.load(path)
    cov = sp.csr_matrix(
        (np.ones(z["indices"].size, bool), z["indices"], z["indptr"]),
        shape=tuple(z["shape"]),
    )
    cpu = time.process_time()
    r = solve_mclp(cov, z["weights"], int(z["p"]), time_limit_s=30.0, mip_gap=0.01)
    cpu = time.process_time() - cpu
    peak = _peak_rss_mb()
    print(
        f"{r.time_s:.2f}\t{r.objective:.0f}\t{r.bound:.0f}\t{r.gap}\t{peak:.0f}"
        f"\t{cpu:.2f}\t{r.method}"
    )


def old_and_new(cov, w, p: int, peer_rev: str) -> None:
    """sot exact (1 %, 30 s) with the old and the new code, each in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instance.npz"
        np.savez(
            path,
            indices=cov.indices,
            indptr=cov.indptr,
            shape=np.array(cov.shape),
            weights=w,
            p=np.array(p),
        )
        old_src = Path(tmp) / "old"
        old_src.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", peer_rev, "src"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old_src)], input=archive, check=True)
        for label, src in (
            (f"old code ({peer_rev})", old_src / "src"),
            ("new code", ROOT / "src"),
        ):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(src)},
            )
            lines = out.stdout.strip().splitlines()
            if out.returncode != 0 or not lines:
                print(f"  {label}: failed ({out.returncode})")
                continue
            t, obj, bound, gap, peak, cpu, method = lines[-1].split("\t")
            _row(
                f"sot exact 1 %, 30 s, {label}",
                float(t),
                float(obj),
                float(bound),
                float(gap),
                f"CPU {cpu} s, peak RSS {peak} MB; {method}",
            )


def plain_highs(cov, w, p, time_limit_s):
    """The textbook MCLP handed to HiGHS as is: every demand cell, no warm start."""
    a = sp.csr_matrix(cov, dtype=np.float64)
    n_cand, n_dem = a.shape
    at = sp.csr_matrix(a.T)
    rows = sp.vstack(
        [
            sp.hstack([-at, sp.identity(n_dem, format="csr")], format="csr"),
            sp.hstack([np.ones((1, n_cand)), sp.csr_matrix((1, n_dem))], format="csr"),
        ],
        format="csr",
    )
    return highs.solve(
        cost=np.concatenate([np.zeros(n_cand), w]),
        lower=np.zeros(n_cand + n_dem),
        upper=np.ones(n_cand + n_dem),
        rows=rows,
        row_lower=np.full(n_dem + 1, -np.inf),
        row_upper=np.concatenate([np.zeros(n_dem), [float(p)]]),
        integer=np.concatenate([np.ones(n_cand, bool), np.zeros(n_dem, bool)]),
        maximize=True,
        time_limit_s=time_limit_s,
    )


def _row(method, t, obj, bound, gap, note=""):
    g = "n/a" if gap is None or not np.isfinite(gap) else f"{100 * gap:.3f} %"
    o = "none" if obj is None or not np.isfinite(obj) else f"{obj:,.0f}"
    b = "n/a" if bound is None or not np.isfinite(bound) else f"{bound:,.0f}"
    print(f"  {method:<52} {t:>8.2f} {o:>12} {b:>12} {g:>9}  {note}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plain-time-limit", type=float, default=60.0)
    ap.add_argument("--minutes", type=float, nargs="*", default=[15.0, 30.0])
    ap.add_argument("--p", type=int, default=50)
    ap.add_argument("--peer-rev", default="main", help="git revision of the old code")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    t0 = time.perf_counter()
    inst = generate(n_nodes=1_000_000, n_demand=100_000, n_candidates=1_000, seed=0)
    print(
        f"synthetic instance (seed 0): {inst.n_nodes:,} grid nodes, "
        f"{inst.weights.size:,} demand cells (population {inst.weights.sum():,.0f}), "
        f"{inst.candidate_node.size:,} candidates; generated in {time.perf_counter() - t0:.2f} s"
    )
    w = inst.weights
    for minutes in args.minutes:
        cov, source = coverage_for(inst, minutes)
        sizes = np.diff(cov.indptr)
        print()
        print(f"{minutes:g} min, p = {args.p}: {source}")
        print(
            f"  {cov.nnz:,} candidate-demand pairs; ball sizes (demand cells) "
            f"median {np.median(sizes):.0f}, 95th percentile {np.percentile(sizes, 95):.0f}"
        )
        print(
            f"  {'method':<52} {'time s':>8} {'objective':>12} {'bound':>12} {'gap':>9}"
        )
        out = plain_highs(cov, w, args.p, args.plain_time_limit)
        gap = (
            (out.bound - out.objective) / out.objective
            if np.isfinite(out.objective)
            else None
        )
        _row(
            f"HiGHS plain model, {args.plain_time_limit:g} s limit",
            out.time_s,
            out.objective,
            out.bound,
            gap,
            f"status {out.status}",
        )
        h = solve_mclp(cov, w, args.p, method="heuristic", time_limit_s=30.0)
        _row(
            "sot heuristic (no MIP), lagrangian bound",
            h.time_s,
            h.objective,
            h.bound,
            h.gap,
            h.method,
        )
        r = solve_mclp(cov, w, args.p, method="exact", time_limit_s=30.0, mip_gap=0.01)
        _row(
            "sot: reduce, heuristic, lagrangian fixing, HiGHS",
            r.time_s,
            r.objective,
            r.bound,
            r.gap,
            r.method,
        )
        opt = solve_mclp(cov, w, args.p, method="exact", time_limit_s=30.0, mip_gap=0.0)
        _row(
            "sot, same, mip_gap 0 (prove optimality), 30 s",
            opt.time_s,
            opt.objective,
            opt.bound,
            opt.gap,
            opt.method,
        )
        red = r.reduction
        print(
            f"  reduction: demand {red.n_demand:,} -> {red.n_demand_kept:,} "
            f"({red.n_uncoverable:,} uncoverable, {red.n_merged:,} merged), candidates "
            f"{red.n_candidates:,} -> {red.n_candidates_kept:,} ({red.n_dominated} dominated, "
            f"{red.n_fixed_closed} fixed closed, {red.n_fixed_open} fixed open), "
            f"pairs {red.nnz:,} -> {red.nnz_kept:,}"
        )
        if args.peer_rev:
            old_and_new(cov, w, args.p, args.peer_rev)
        ok = r.gap <= 0.01 and r.time_s < 30.0
        print(
            f"  target (proven gap <= 1 % in < 30 s): {'met' if ok else 'NOT met'} "
            f"(gap {100 * r.gap:.3f} %, {r.time_s:.1f} s)"
        )
    print(f"\npeak RSS of this bench process: {_peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
