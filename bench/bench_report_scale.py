"""Time and peak memory of ``sot plan report`` on one million population units.

The issue (#15, item 6) saw the report take 253 s and 3.4 GB at national scale; the
goal is 60 s. This script builds one seeded work directory through the ordinary
``sot plan`` steps: a 1 000 x 1 000 grid road network (``grid_network``, 500 m,
50 km/h with 30 % jitter: 1 000 000 nodes; NOT real Swedish roads), one person on
every node (``population --kind nodes``: 1 000 000 units), ``--facilities`` existing
points and ``--candidates`` candidates on seeded nodes, ``reach`` and ``site`` for
the three models (heuristic, p = 10, 15 minutes) and ``what-if``. Then it runs
``sot plan report`` in a child process for each source tree side by side:

* ``old``: ``src/`` of ``--peer-rev`` (default ``main``), taken with ``git archive``;
* ``new``: ``src/`` of this checkout.

Each child's peak resident set size (``ru_maxrss``) and wall time are printed, with
the size of the files it wrote.

Run: ``PYTHONPATH=src .venv/bin/python bench/bench_report_scale.py [--side 1000]``
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cli(wd: Path, *args: str, src: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sot.planning.cli",
            *args,
            "--workdir",
            str(wd),
            "--quiet",
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _points_csv(path: Path, net, nodes, prefix: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["name", "lat", "lon"])
        for k, n in enumerate(nodes):
            out.writerow(
                [f"{prefix} {k + 1}", f"{net.lat[n]:.7f}", f"{net.lon[n]:.7f}"]
            )


def build(wd: Path, *, side: int, n_fac: int, n_cand: int, src: Path) -> float:
    import numpy as np

    from sot.planning.candidates import make_sites
    from sot.planning.network import grid_network

    t0 = time.perf_counter()
    wd.mkdir(parents=True, exist_ok=True)
    net = grid_network(side, side, spacing_m=500.0, jitter=0.3, seed=1)
    net.save(wd / "network.npz")
    _cli(wd, "population", "--kind", "nodes", src=src)
    rng = np.random.default_rng(0)
    picked = rng.choice(net.n_nodes, size=n_fac + n_cand, replace=False)
    _points_csv(wd / "points.csv", net, picked[:n_fac], "Punkt")
    cand_nodes = picked[n_fac:]
    cands = make_sites(
        net,
        [f"Kandidat {k + 1}" for k in range(n_cand)],
        net.lon[cand_nodes],
        net.lat[cand_nodes],
        source="bench",
    )
    cands.save_csv(wd / "candidates.csv")
    _cli(
        wd, "reach", "--facilities", str(wd / "points.csv"), "--minutes", "15", src=src
    )
    for model in ("mclp", "lscp", "pmedian"):
        _cli(
            wd,
            "site",
            "--model",
            model,
            "-p",
            "10",
            "--minutes",
            "15",
            "--method",
            "heuristic",
            src=src,
        )
    _cli(wd, "what-if", "--remove", "Punkt 1", "--minutes", "15", src=src)
    return time.perf_counter() - t0


def child(wd: str, out: str) -> None:
    from sot.planning.report import write_report
    from sot.planning.workdir import Workdir

    t0 = time.perf_counter()
    files = write_report(Workdir(wd), Path(out), title="Bench", progress=False)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sizes = ", ".join(
        f"{k} {Path(v).stat().st_size / 1e6:.1f} MB" for k, v in files.items()
    )
    print(f"{peak:.0f}\t{seconds:.1f}\t{sizes}")


def run_child(src: Path, wd: Path, out: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(wd), str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return f"-\t-\tfailed ({proc.returncode}): {tail}"
    return proc.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--side", type=int, default=1000, help="grid side (nodes = side²)")
    ap.add_argument("--facilities", type=int, default=40)
    ap.add_argument("--candidates", type=int, default=200)
    ap.add_argument("--peer-rev", default="main", help="git revision of the old code")
    ap.add_argument("--workdir", help="reuse (or keep) the work directory here")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        old_src = Path(tmp) / "old"
        old_src.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.peer_rev, "src"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old_src)], input=archive, check=True)
        new_src = ROOT / "src"
        wd = Path(args.workdir) if args.workdir else Path(tmp) / "plan"
        if (wd / "site-pmedian.json").exists():
            print(f"work directory {wd} reused")
        else:
            s = build(
                wd,
                side=args.side,
                n_fac=args.facilities,
                n_cand=args.candidates,
                src=new_src,
            )
            print(
                f"work directory: {args.side}x{args.side} grid, {args.side**2:,} "
                f"units, {args.facilities} points, {args.candidates} candidates, "
                f"three models and what-if; built in {s:.0f} s"
            )
        print("code\tpeak RSS MB\tseconds\tfiles")
        for label, src in (
            (f"old ({args.peer_rev})", old_src / "src"),
            ("new", new_src),
        ):
            out = Path(tmp) / f"out-{label.split()[0]}"
            print(f"{label}\t{run_child(src, wd, out)}", flush=True)


if __name__ == "__main__":
    main()
