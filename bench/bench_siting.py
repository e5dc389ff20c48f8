"""Siting models: sot.planning.siting (HiGHS) against spopt (PuLP + CBC), side by side.

Instances:

* Andorra: every node of the drivable network (largest strongly connected component,
  22 656 nodes) is a demand node with a seeded weight; 150 seeded candidate nodes;
  coverage = road distance within 3 km (from ``sot.planning.reach`` on the OSM
  extract; Euclidean 3 km between network nodes if that code is not importable);
  p = 10.
* San Francisco: spopt's own test instance (205 tracts, 16 stores, 5 km, p = 4).

spopt is run as its docs show (``Model.from_cost_matrix(...).solve(PULP_CBC_CMD)``).
PuLP reports "Optimal" even after a time limit, so its gap is computed here from the
best proven bound we have (our HiGHS bound), never from its status word.

Run: ``.venv/bin/python bench/bench_siting.py [--spopt-time-limit 120] [--no-spopt]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from sot.planning.siting import solve_lscp, solve_mclp, solve_pmedian

ROOT = Path(__file__).resolve().parents[1]
PBF = ROOT / ".." / "shared" / "data" / "roads" / "valhalla_andorra_2020.osm.pbf"


def andorra_instance(seed: int = 0, n_cand: int = 150, radius_m: float = 3000.0):
    """Coverage (candidates x demand), road distances and weights for Andorra."""
    rng = np.random.default_rng(seed)
    try:
        from sot.planning.network import from_pbf
        from sot.planning.reach import ball_times

        net = from_pbf(PBF)
        n = net.n_nodes
        cand = np.sort(rng.choice(n, size=n_cand, replace=False))
        dist = ball_times(net, cand, radius_m, weight="length")
        source = "road distance within 3 km (sot.planning.reach.ball_times on the OSM extract)"
    except ImportError:
        import osmium
        from scipy.spatial import cKDTree

        xs, ys = [], []
        for node in osmium.FileProcessor(str(PBF), osmium.osm.NODE):
            xs.append(node.location.lon)
            ys.append(node.location.lat)
        lon, lat = np.asarray(xs), np.asarray(ys)
        x = np.radians(lon) * 6371008.8 * np.cos(np.radians(42.5))
        y = np.radians(lat) * 6371008.8
        n = lon.size
        cand = np.sort(rng.choice(n, size=n_cand, replace=False))
        tree = cKDTree(np.column_stack([x, y]))
        balls = tree.query_ball_point(np.column_stack([x[cand], y[cand]]), r=radius_m)
        rows = np.repeat(np.arange(n_cand), [len(b) for b in balls])
        cols = np.concatenate([np.asarray(b, dtype=np.int64) for b in balls])
        d = np.hypot(x[cols] - x[cand][rows], y[cols] - y[cand][rows])
        dist = sp.csr_matrix((d, (rows, cols)), shape=(n_cand, n))
        source = "EUCLIDEAN 3 km between all OSM nodes (network code not importable)"
    weights = rng.integers(1, 100, size=dist.shape[1]).astype(np.float64)
    cov = sp.csr_matrix(
        (np.ones(dist.nnz, bool), dist.indices, dist.indptr), shape=dist.shape
    )
    return cov, dist, weights, source


def sf_instance():
    """spopt's San Francisco instance, read from the installed spopt package."""
    import pandas as pd
    import spopt

    d = Path(spopt.__file__).parent / "tests" / "test_locate" / "data"
    nd = pd.read_csv(
        d / "SF_network_distance_candidateStore_16_censusTract_205_new.csv"
    )
    piv = nd.pivot_table(values="distance", index="DestinationName", columns="name")
    dem = pd.read_csv(d / "SF_demand_205_centroid_uniform_weight.csv").sort_values(
        "NAME"
    )
    return piv.to_numpy(), dem["POP2000"].to_numpy().astype(np.float64)


def _spopt_run(model: str, cost_dense, weights, radius, p, time_limit):
    import pulp
    from spopt.locate import LSCP, MCLP, PMedian

    t0 = time.perf_counter()
    if model == "mclp":
        m = MCLP.from_cost_matrix(cost_dense, weights, radius, p_facilities=p)
    elif model == "lscp":
        m = LSCP.from_cost_matrix(cost_dense, radius)
    else:
        m = PMedian.from_cost_matrix(cost_dense, weights, p_facilities=p)
    t_build = time.perf_counter() - t0
    m.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit))
    t_all = time.perf_counter() - t0
    chosen = [j for j, v in enumerate(m.fac_vars) if (v.value() or 0) > 0.5]
    return chosen, t_build, t_all, pulp.LpStatus[m.problem.status]


def _row(name, method, t, obj, bound, gap, note=""):
    g = "n/a" if gap is None or not np.isfinite(gap) else f"{100 * gap:.4f} %"
    b = "n/a" if bound is None or not np.isfinite(bound) else f"{bound:,.1f}"
    print(f"{name:<10} {method:<44} {t:>9.3f} {obj:>16,.1f} {b:>16} {g:>11}  {note}")


def _header(title):
    print()
    print(title)
    print(
        f"{'model':<10} {'method':<44} {'time s':>9} {'objective':>16} {'bound':>16} {'gap':>11}"
    )


def _ours(name, res):
    _row(name, "sot " + res.method, res.time_s, res.objective, res.bound, res.gap, "")


def _mclp_value(cov, w, chosen):
    return float(w[np.asarray(cov[chosen].sum(axis=0)).ravel() > 0].sum())


def _pmedian_value(cost_dense, w, chosen):
    return float(w @ cost_dense[:, chosen].min(axis=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spopt-time-limit", type=float, default=120.0)
    ap.add_argument("--no-spopt", action="store_true")
    args = ap.parse_args()
    try:
        import pulp  # noqa: F401
        import spopt  # noqa: F401

        have_spopt = not args.no_spopt
    except ImportError:
        have_spopt = False
        print("spopt/pulp not installed: only our figures (pip install -e .[bench])")

    # ---------------------------------------------------------------- San Francisco
    if have_spopt:
        cost, w = sf_instance()
        cov = (cost <= 5000.0).T
        _header("San Francisco (spopt's test data): 205 tracts, 16 stores, 5 km, p = 4")
        for name, fn in (
            ("mclp", lambda m: solve_mclp(cov, w, 4, method=m)),
            ("lscp", lambda m: solve_lscp(cov, method=m)),
            ("pmedian", lambda m: solve_pmedian(cost.T, w, 4, method=m)),
        ):
            res = fn("exact")
            _ours(name, res)
            _ours(name, fn("heuristic"))
            chosen, t_build, t_all, status = _spopt_run(
                name, cost, w, 5000.0, 4, args.spopt_time_limit
            )
            if name == "mclp":
                val = _mclp_value(cov, w, chosen)
                gap = (res.bound - val) / val
            elif name == "lscp":
                val = float(len(chosen))
                gap = (val - res.bound) / val
            else:
                val = _pmedian_value(cost, w, chosen)
                gap = (val - res.bound) / val
            _row(
                name,
                "spopt + CBC",
                t_all,
                val,
                None,
                gap,
                f"PuLP says {status}; gap vs our bound",
            )

    # ----------------------------------------------------------------------- Andorra
    if not PBF.exists():
        print(f"\n{PBF} not found: Andorra skipped")
        return
    t0 = time.perf_counter()
    cov, dist, w, source = andorra_instance()
    t_inst = time.perf_counter() - t0
    n_cand, n_dem = cov.shape
    print()
    print(f"Andorra: {n_dem} demand nodes, {n_cand} candidates, 3 km, p = 10")
    print(
        f"  coverage: {source}; {cov.nnz} pairs, built in {t_inst:.2f} s (not counted below)"
    )
    _header("Andorra")
    mclp = solve_mclp(cov, w, 10, method="exact", time_limit_s=60)
    _ours("mclp", mclp)
    _ours("mclp", solve_mclp(cov, w, 10, method="heuristic"))
    nored = solve_mclp(cov, w, 10, method="exact", reduce=False, time_limit_s=60)
    _row(
        "mclp",
        "sot highs, no reduction",
        nored.time_s,
        nored.objective,
        nored.bound,
        nored.gap,
    )
    lscp = solve_lscp(cov, method="exact", time_limit_s=60)
    _ours("lscp", lscp)
    _ours("lscp", solve_lscp(cov, method="heuristic"))
    pmed = solve_pmedian(dist, w, 10, method="exact", time_limit_s=60)
    _ours("pmedian", pmed)
    _ours("pmedian", solve_pmedian(dist, w, 10, method="heuristic"))
    r = mclp.reduction
    print(
        f"  mclp reduction: demand {r.n_demand} -> {r.n_demand_kept} "
        f"({r.n_uncoverable} uncoverable, {r.n_merged} merged), candidates "
        f"{r.n_candidates} -> {r.n_candidates_kept} ({r.n_dominated} dominated, "
        f"{r.n_fixed_closed} fixed closed, {r.n_fixed_open} fixed open)"
    )
    r = lscp.reduction
    print(
        f"  lscp reduction: demand {r.n_demand} -> {r.n_demand_kept}, candidates "
        f"{r.n_candidates} -> {r.n_candidates_kept} ({r.n_fixed_open} essential); "
        f"{r.n_uncoverable} demand nodes no candidate reaches (reported, left out)"
    )
    if have_spopt:
        dense = np.full((n_dem, n_cand), np.inf)
        coo = dist.tocoo()
        dense[coo.col, coo.row] = coo.data
        dense_finite = np.where(np.isfinite(dense), dense, 1e9)
        chosen, t_build, t_all, status = _spopt_run(
            "mclp", dense_finite, w, 3000.0, 10, args.spopt_time_limit
        )
        val = _mclp_value(cov, w, chosen)
        _row(
            "mclp",
            "spopt + CBC",
            t_all,
            val,
            None,
            (mclp.bound - val) / val,
            f"build {t_build:.1f} s; PuLP says {status}; gap vs our bound",
        )
        coverable = np.diff(sp.csc_matrix(cov).indptr) > 0
        chosen, t_build, t_all, status = _spopt_run(
            "lscp",
            dense_finite[coverable],
            w[coverable],
            3000.0,
            10,
            args.spopt_time_limit,
        )
        val = float(len(chosen))
        _row(
            "lscp",
            "spopt + CBC (coverable demand only)",
            t_all,
            val,
            None,
            (val - lscp.bound) / val,
            f"build {t_build:.1f} s; PuLP says {status}; gap vs our bound",
        )
        print(
            "  (spopt p-median on Andorra is a dense 22 656 x 150 assignment model: not run)"
        )


if __name__ == "__main__":
    main()
