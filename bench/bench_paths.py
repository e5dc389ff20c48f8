"""Shortest paths: sot.planning.reach against scipy, networkx and igraph, same graphs.

Graphs: the Andorra OSM extract (real road network) and generated grid road networks
from 10 thousand to 1 million nodes. For each graph and library:

- build: turning our CSR arrays into the library's graph object;
- sssp: three single-source shortest-path trees over the whole graph (three
  seeded sources);
- nearest: travel time from every node to the nearest of K facilities (the reach
  question). sot and scipy (min_only) search once from all facilities; networkx has
  multi_source_dijkstra_path_length; igraph gets a virtual super-source joined to the
  facilities by zero-length arcs.

Every library's answers are checked against ours (max abs difference in seconds).

    .venv/bin/python bench/bench_paths.py            # all sizes
    .venv/bin/python bench/bench_paths.py --quick    # up to 100 thousand nodes
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra

from sot.planning.network import RoadNetwork, from_pbf, grid_network
from sot.planning.reach import nearest_facility, warm_up

SHARED = Path(
    os.environ.get(
        "SOT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"
    )
)
ANDORRA = SHARED / "roads" / "valhalla_andorra_2020.osm.pbf"


def timed(fn, repeat: int = 1):
    """Best wall time of ``repeat`` calls, and the process CPU time of that call.

    Every library here runs on one thread, so CPU time is the fairer figure when
    the machine is busy with other work; both are printed.
    """
    best = (float("inf"), float("inf"))
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        c0 = time.process_time()
        out = fn()
        run = (time.perf_counter() - t0, time.process_time() - c0)
        best = min(best, run)
    return best, out


def arcs(net: RoadNetwork):
    tail = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))
    return tail, net.indices.astype(np.int64), net.time_s.astype(np.float64)


def bench_graph(
    label: str, net: RoadNetwork, k: int, libs: set[str], rows: list
) -> None:
    rng = np.random.default_rng(42)
    sources = rng.choice(net.n_nodes, 3, replace=False)
    fac = rng.choice(net.n_nodes, k, replace=False)
    rev = net.reverse()
    mat_rev = rev.matrix()
    nearest_facility(net, sources[:1])  # builds and caches the reversed graph
    # ours: sssp from a source on the reversed graph = times *to* that node
    t_sssp, ref_sssp = timed(
        lambda: [nearest_facility(net, [s])[0] for s in sources], 2
    )
    t_near, (ref_near, _) = timed(lambda: nearest_facility(net, fac), 2)
    rows.append((label, net.n_nodes, "sot (numba)", (0.0, 0.0), t_sssp, t_near, 0.0))

    t, d = timed(lambda: dijkstra(mat_rev, indices=sources), 2)
    tn, dn = timed(lambda: dijkstra(mat_rev, indices=fac, min_only=True), 2)
    err = max(np.abs(d - np.vstack(ref_sssp)).max(), np.abs(dn - ref_near).max())
    rows.append((label, net.n_nodes, "scipy.csgraph", (0.0, 0.0), t, tn, err))

    tail, head, w = arcs(rev)
    if "igraph" in libs:
        import igraph as ig

        tb, g = timed(
            lambda: ig.Graph(
                n=net.n_nodes,
                edges=np.column_stack([tail, head]).tolist(),
                directed=True,
            )
        )
        g.es["w"] = w
        t, d = timed(
            lambda: np.array(
                g.distances(source=sources.tolist(), weights="w", mode="out")
            )
        )

        def ig_nearest():
            h = g.copy()
            h.add_vertices(1)
            h.add_edges(
                [(net.n_nodes, int(f)) for f in fac], attributes={"w": [0.0] * k}
            )
            return np.array(h.distances(source=[net.n_nodes], weights="w", mode="out"))[
                0, :-1
            ]

        tn, dn = timed(ig_nearest)
        err = max(np.abs(d - np.vstack(ref_sssp)).max(), np.abs(dn - ref_near).max())
        rows.append((label, net.n_nodes, "igraph", tb, t, tn, err))
    if "networkx" in libs:
        import networkx as nx

        def build():
            g = nx.DiGraph()
            g.add_nodes_from(range(net.n_nodes))
            g.add_weighted_edges_from(
                zip(tail.tolist(), head.tolist(), w.tolist(), strict=True)
            )
            return g

        tb, g = timed(build)

        def nx_sssp():
            out = np.full((len(sources), net.n_nodes), np.inf)
            for i, s in enumerate(sources):
                for v, dv in nx.single_source_dijkstra_path_length(g, int(s)).items():
                    out[i, v] = dv
            return out

        t, d = timed(nx_sssp)

        def nx_nearest():
            out = np.full(net.n_nodes, np.inf)
            for v, dv in nx.multi_source_dijkstra_path_length(
                g, set(fac.tolist())
            ).items():
                out[v] = dv
            return out

        tn, dn = timed(nx_nearest)
        err = max(np.abs(d - np.vstack(ref_sssp)).max(), np.abs(dn - ref_near).max())
        rows.append((label, net.n_nodes, "networkx", tb, t, tn, err))
        del g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="stop at 100 thousand nodes"
    )
    parser.add_argument("--facilities", type=int, default=100, help="K for 'nearest'")
    parser.add_argument("--networkx-max-nodes", type=int, default=1_000_000)
    args = parser.parse_args()
    warm_up()
    graphs: list[tuple[str, RoadNetwork]] = []
    if ANDORRA.exists():
        t0 = time.perf_counter()
        net = from_pbf(ANDORRA)
        print(
            f"Andorra extract read in {time.perf_counter() - t0:.2f} s: {net.n_nodes} nodes, {net.n_arcs} arcs"
        )
        graphs.append(("Andorra OSM", net))
    else:
        print(f"(Andorra extract not found at {ANDORRA}; grids only)")
    sizes = [100, 316, 1000] if not args.quick else [100, 316]
    for side in sizes:
        graphs.append(
            (f"grid {side}x{side}", grid_network(side, side, jitter=0.5, seed=1))
        )
    rows: list = []
    for label, net in graphs:
        libs = {"igraph"}
        if net.n_nodes <= args.networkx_max_nodes:
            libs.add("networkx")
        print(f"... {label} ({net.n_nodes} nodes)", flush=True)
        bench_graph(label, net, args.facilities, libs, rows)
    print()
    print(
        f"Shortest paths, {os.cpu_count()} CPUs; 'sssp' = three full trees, "
        f"'nearest' = all nodes to nearest of {args.facilities} facilities"
    )
    print(
        f"load average {os.getloadavg()[0]:.1f}; times are wall / CPU seconds "
        "(sssp: 3 trees together)"
    )
    head = (
        f"{'graph':<14}{'nodes':>9}  {'library':<14}{'build wall/cpu':>16}"
        f"{'sssp wall/cpu':>16}{'nearest wall/cpu':>18}{'max diff s':>12}"
    )
    print(head)
    print("-" * len(head))
    for label, n, lib, tb, ts, tn, err in rows:
        print(
            f"{label:<14}{n:>9}  {lib:<14}{_pair(tb):>16}{_pair(ts):>16}"
            f"{_pair(tn):>18}{err:>12.1e}"
        )


def _pair(t: tuple[float, float]) -> str:
    return f"{t[0]:.3f}/{t[1]:.3f}"


if __name__ == "__main__":
    main()
