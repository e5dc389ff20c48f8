"""Reach at scale: bounded balls (candidates x demand) and nearest facility, by size.

Peers, same graph, same answers checked:

- bounded balls: scipy.sparse.csgraph.dijkstra with ``limit`` run over chunks of
  sources (a dense chunk x n block each time, made sparse) -- what one writes with
  scipy alone; ours is `sot.planning.reach.ball_times` (one numba Dijkstra per
  candidate that touches only its ball; threads over candidates);
- nearest facility: scipy ``dijkstra(min_only=True)`` against ours.

Sections:

1. 1 000 candidates on a 1-million-node grid (1000 x 1000, 500 m, 50 km/h with
   seeded +-50 % jitter), at several cutoffs (ball size grows with the cutoff);
2. growth of the 15-minute ball matrix and of the nearest-facility search from 10
   thousand to 1 million nodes;
3. the Sweden-scale coverage input: 1 M nodes, 100 000 demand nodes, 1 000
   candidates, 15 minutes;
4. Andorra (real OSM): 150 candidates x all 22 661 nodes within 3 km by road.

    .venv/bin/python bench/bench_reach_scale.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import dijkstra

from sot.planning.network import from_pbf, grid_network
from sot.planning.reach import ball_times, nearest_facility, warm_up

SHARED = Path(
    os.environ.get(
        "SOT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"
    )
)
ANDORRA = SHARED / "roads" / "valhalla_andorra_2020.osm.pbf"


def scipy_balls(mat, sources, cutoff, demand=None, chunk=25):
    """The scipy way: dense chunks of bounded Dijkstra, kept as sparse rows."""
    blocks = []
    for start in range(0, len(sources), chunk):
        d = dijkstra(mat, indices=sources[start : start + chunk], limit=cutoff)
        if demand is not None:
            d = d[:, demand]
        reached = np.isfinite(d)
        rows, cols = np.nonzero(reached)
        blocks.append(
            csr_matrix((d[rows, cols].astype(np.float32), (rows, cols)), shape=d.shape)
        )
    return vstack(blocks).tocsr()


def same(ours, ref) -> str:
    """'ok' when both matrices reach the same cells with the same times."""
    if ours.nnz != ref.nnz:
        return f"nnz {ours.nnz} vs {ref.nnz}"
    a = ours.tocoo()
    b = ref.tocoo()
    ka = np.lexsort((a.col, a.row))
    kb = np.lexsort((b.col, b.row))
    if not (
        np.array_equal(a.row[ka], b.row[kb]) and np.array_equal(a.col[ka], b.col[kb])
    ):
        return "cells differ"
    err = float(np.abs(a.data[ka] - b.data[kb]).max()) if a.nnz else 0.0
    return f"ok (max diff {err:.1e})"


CPU: dict[str, float] = {}


def timed(fn, key: str | None = None):
    """Wall time (and, under ``key``, process CPU time) of one call."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    out = fn()
    if key:
        CPU[key] = time.process_time() - c0
    return time.perf_counter() - t0, out


def section_cutoffs(net, k, minutes, rows, scipy_too=True):
    rng = np.random.default_rng(7)
    cand = rng.choice(net.n_nodes, k, replace=False)
    rev = net.reverse().matrix()
    ball_times(net, cand[:2], 60.0)  # caches the reversed graph
    for m in minutes:
        cut = m * 60.0
        t1, ours1 = timed(lambda cut=cut: ball_times(net, cand, cut, threads=1), "s1")
        tn, ours = timed(lambda cut=cut: ball_times(net, cand, cut))
        if scipy_too:
            ts, ref = timed(lambda cut=cut: scipy_balls(rev, cand, cut), "sc")
            check = same(ours, ref)
        else:
            ts, check = float("nan"), "-"
        rows.append(
            (
                f"{m} min",
                net.n_nodes,
                k,
                ours.nnz / k,
                t1,
                CPU["s1"],
                tn,
                ts,
                CPU.get("sc", float("nan")),
                check,
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 thousand nodes max")
    args = parser.parse_args()
    warm_up()
    cpus = os.cpu_count()
    side = 316 if args.quick else 1000
    big = grid_network(side, side, spacing_m=500, speed_kmh=50, jitter=1.0, seed=1)
    print(f"grid {side}x{side}: {big.n_nodes} nodes, {big.n_arcs} arcs; {cpus} CPUs")

    print(
        f"load average {os.getloadavg()[0]:.1f} (wall times suffer when the machine is busy;"
        " CPU times do not)"
    )
    head = (
        f"{'cutoff':<10}{'nodes':>9}{'cands':>7}{'mean ball':>11}{'sot 1thr wall':>15}"
        f"{'cpu':>7}{'sot all wall':>14}{'scipy wall':>12}{'cpu':>7}  same answer"
    )

    rows: list = []
    section_cutoffs(big, 1000, [5, 10, 15, 20, 30], rows)
    print("\n1. candidates x nodes within the cutoff, 1 000 candidates")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r[0]:<10}{r[1]:>9}{r[2]:>7}{r[3]:>11.0f}{r[4]:>15.3f}{r[5]:>7.3f}"
            f"{r[6]:>14.3f}{r[7]:>12.3f}{r[8]:>7.2f}  {r[9]}"
        )

    print(
        "\n2. growth, 15-minute balls of 1 000 candidates, and nearest of 100 facilities"
    )
    head2 = (
        f"{'nodes':>9}{'balls sot s':>13}{'balls scipy s':>15}{'nearest sot s':>15}"
        f"{'nearest scipy s':>17}  same answer"
    )
    print(head2)
    print("-" * len(head2))
    sides = [100, 316] if args.quick else [100, 316, 1000]
    for s in sides:
        net = big if s == side else grid_network(s, s, jitter=1.0, seed=1)
        rng = np.random.default_rng(3)
        cand = rng.choice(net.n_nodes, 1000, replace=False)
        fac = rng.choice(net.n_nodes, 100, replace=False)
        ball_times(net, cand[:2], 60.0)
        tb, ours = timed(lambda net=net, cand=cand: ball_times(net, cand, 900.0))
        rev = net.reverse().matrix()
        tbs, ref = timed(lambda rev=rev, cand=cand: scipy_balls(rev, cand, 900.0))
        tn, (near, _) = timed(lambda net=net, fac=fac: nearest_facility(net, fac))
        tns, nref = timed(
            lambda rev=rev, fac=fac: dijkstra(rev, indices=fac, min_only=True)
        )
        ok = same(ours, ref)
        ok += "; nearest " + ("ok" if np.allclose(near, nref) else "DIFFERS")
        print(f"{net.n_nodes:>9}{tb:>13.3f}{tbs:>15.3f}{tn:>15.3f}{tns:>17.3f}  {ok}")

    print(
        "\n3. Sweden-scale coverage input (15 min, 1 000 candidates, 100 000 demand nodes)"
    )
    rng = np.random.default_rng(11)
    demand = np.sort(
        rng.choice(big.n_nodes, min(100_000, big.n_nodes // 10), replace=False)
    )
    cand = rng.choice(big.n_nodes, 1000, replace=False)
    tc, cov = timed(lambda: ball_times(big, cand, 900.0, demand_nodes=demand), "sw")
    print(
        f"   {big.n_nodes} nodes, {demand.size} demand, {cand.size} candidates: "
        f"{tc:.3f} s wall ({CPU['sw']:.3f} s CPU), {cov.nnz} entries ({cov.nnz / cand.size:.0f} demand cells per "
        "candidate)"
    )

    if ANDORRA.exists():
        print("\n4. Andorra OSM: 150 candidates x all nodes within 3 km by road")
        net = from_pbf(ANDORRA)
        rng = np.random.default_rng(5)
        cand = rng.choice(net.n_nodes, 150, replace=False)
        ball_times(net, cand[:2], 10.0, weight="length")
        t_ours, ours = timed(lambda: ball_times(net, cand, 3000.0, weight="length"))
        rev = net.reverse()
        lm = csr_matrix(
            (rev.length_m.astype(np.float64), rev.indices, rev.indptr),
            shape=(net.n_nodes, net.n_nodes),
        )
        t_sc, ref = timed(lambda: scipy_balls(lm, cand, 3000.0))
        print(
            f"   {net.n_nodes} nodes: sot {t_ours:.3f} s, scipy {t_sc:.3f} s, "
            f"{ours.nnz} entries; {same(ours, ref)}"
        )
    else:
        print(f"\n4. (Andorra extract not found at {ANDORRA})")


if __name__ == "__main__":
    main()
