"""Peak memory of the siting models at national scale: one million demand cells.

The issue (#15) measured p-median at about 17.5 GB with 1 million demand nodes and
LSCP at 7 GB (108 s) on a 2 000 × 2 000 grid; the goal is 4 GB peak. This script
generates one seeded synthetic instance (``sot.planning.siting.synthetic``: a
2 000 × 2 000 grid at 670 m, 1 000 000 demand cells clustered around Zipf-sized
towns, ``--candidates`` (1 000) candidates, Euclidean balls of ``--radius-km``; NOT real Swedish data),
saves it once, and runs each model in its own child process, so that each peak
resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is that model's
alone (plus loading the instance, printed as the baseline). Each child runs under an
address-space limit (``--cap-gb``, default 8) so that a model that needs more stops
with MemoryError instead of taking the machine; such a row says so.

Each model runs twice, side by side: with ``src/`` of ``--peer-rev`` (default
``main``, taken with ``git archive``: the old code) and with this checkout's ``src/``
(new); ``--peer-rev ''`` runs the new code only.

Run: ``PYTHONPATH=src .venv/bin/python bench/bench_planning_memory.py [--models mclp,lscp,pmedian]``
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

ROOT = Path(__file__).resolve().parent.parent
ISSUE = {  # figures of the issue, for the side-by-side table
    "pmedian": "about 17.5 GB",
    "lscp": "7 GB, 108 s (2 000 × 2 000 grid)",
    "mclp": "-",
    "baseline": "-",
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def make(
    path: Path, *, n_demand: int, n_candidates: int, radius_km: float, seed: int
) -> dict:
    import numpy as np

    from sot.planning.siting.synthetic import generate

    t0 = time.perf_counter()
    inst = generate(
        n_nodes=4_000_000,
        n_demand=n_demand,
        n_candidates=n_candidates,
        radius_m=radius_km * 1000,
        seed=seed,
    )
    cost = inst.cost.tocsr()
    np.savez(
        path,
        data=cost.data.astype(np.float64),
        indices=cost.indices,
        indptr=cost.indptr,
        shape=np.array(cost.shape),
        weights=inst.weights,
    )
    return {
        "seconds": time.perf_counter() - t0,
        "nnz": int(cost.nnz),
        "population": float(inst.weights.sum()),
    }


def child(path: str, model: str, cap_gb: float, time_limit_s: float) -> None:
    cap = int(cap_gb * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    import numpy as np
    import scipy.sparse as sp

    z = np.load(path)
    cost = sp.csr_matrix(
        (z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"])
    )
    w = z["weights"]
    base = _peak_mb()
    t0 = time.perf_counter()
    status = "ok"
    try:
        from sot.planning import siting

        if model == "baseline":
            res = None
        elif model == "mclp":
            cov = cost.astype(bool)
            res = siting.solve_mclp(cov, w, 50, time_limit_s=time_limit_s)
        elif model == "lscp":
            cov = cost.astype(bool)
            res = siting.solve_lscp(cov, time_limit_s=time_limit_s)
        else:
            res = siting.solve_pmedian(cost, w, 50, time_limit_s=time_limit_s)
        extra = (
            ""
            if res is None
            else f"objective {res.objective:.6g}, gap "
            + ("n/a" if res.gap != res.gap else f"{100 * res.gap:.3f} %")
        )
    except MemoryError:
        status, extra = "MemoryError", f"needs more than the {cap_gb:g} GB cap"
    print(
        f"{model}\t{status}\t{base:.0f}\t{_peak_mb():.0f}\t"
        f"{time.perf_counter() - t0:.1f}\t{extra}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="baseline,mclp,lscp,pmedian")
    ap.add_argument("--demand", type=int, default=1_000_000)
    ap.add_argument("--radius-km", type=float, default=15.0)
    ap.add_argument("--candidates", type=int, default=1_000)
    ap.add_argument("--cap-gb", type=float, default=8.0)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--peer-rev", default="main", help="git revision of the old code")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.cap_gb, args.time_limit)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instance.npz"
        info = make(
            path,
            n_demand=args.demand,
            n_candidates=args.candidates,
            radius_km=args.radius_km,
            seed=args.seed,
        )
        print(
            f"instance: {args.demand} demand cells, {args.candidates} candidates, balls of "
            f"{args.radius_km:g} km, {info['nnz']} candidate-cell pairs, population "
            f"{info['population']:.0f}; generated in {info['seconds']:.1f} s"
        )
        codes = [("new", ROOT / "src")]
        if args.peer_rev:
            old_src = Path(tmp) / "old"
            old_src.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.peer_rev, "src"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(old_src)], input=archive, check=True)
            codes.insert(0, (f"old ({args.peer_rev})", old_src / "src"))
        print("code\tmodel\tstatus\tloaded MB\tpeak RSS MB\tseconds\tresult\tissue")
        for model in args.models.split(","):
            for label, src in codes:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        str(path),
                        model,
                        "--cap-gb",
                        str(args.cap_gb),
                        "--time-limit",
                        str(args.time_limit),
                    ],
                    capture_output=True,
                    text=True,
                    env={**os.environ, "PYTHONPATH": str(src)},
                )
                line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
                if out.returncode != 0 or not line:
                    tail = (out.stderr.strip().splitlines() or ["?"])[-1]
                    line = f"{model}\tfailed ({out.returncode})\t-\t-\t-\t{tail}"
                print(f"{label}\t{line}\t{ISSUE.get(model, '-')}", flush=True)


if __name__ == "__main__":
    main()
