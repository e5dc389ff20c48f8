"""Travel time by road: nearest facility, and bounded balls around candidates.

Two computations, both Dijkstra's algorithm (Dijkstra 1959) with an indexed binary
heap (decrease-key, each node at most once in the heap), compiled with numba:

- `nearest_facility`: the travel time from every node to the nearest of a set of
  facilities. One search from a virtual super-source joined to every facility by an
  arc of length 0 (Cormen et al., *Introduction to Algorithms*, 3rd ed., §24.1
  exercise on multiple sources): the heap starts with all facilities at time 0, and
  each node remembers which facility reached it first. Work O((n + m) log n), once,
  however many facilities.
- `ball_times` / `coverage_matrix`: for each of K candidates, the nodes within a
  cutoff. Each search stops at the cutoff and resets only the nodes it touched, so the
  work follows the size of each ball, not of the network: K searches cost
  O(sum of ball sizes · log), not O(K · n). Searches are split over threads (the
  compiled kernel releases the GIL).

Direction: people drive *to* a point, so by default the searches run on the reversed
graph (``to_facility=True``): the time from node v to facility f is the time of the
path v → f. On a two-way network both directions give the same answer.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from scipy.sparse import csr_matrix

from sot.planning.network import RoadNetwork, grid_network

_INF = np.inf


@numba.njit(cache=True, nogil=True)
def _grow_f8(a, need):
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@numba.njit(cache=True, nogil=True)
def _grow_i4(a, need):
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@numba.njit(cache=True, nogil=True)
def _grow_f4(a, need):
    if need <= a.shape[0]:
        return a
    b = np.empty(max(need, 2 * a.shape[0]), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@numba.njit(cache=True, nogil=True, inline="always")
def _sift_up(hkey, hnode, pos, i):
    """Indexed heap: move item i up; ``pos[node]`` follows every move."""
    key = hkey[i]
    node = hnode[i]
    while i > 0:
        parent = (i - 1) >> 1
        if hkey[parent] <= key:
            break
        hkey[i] = hkey[parent]
        hnode[i] = hnode[parent]
        pos[hnode[i]] = i
        i = parent
    hkey[i] = key
    hnode[i] = node
    pos[node] = i


@numba.njit(cache=True, nogil=True, inline="always")
def _sift_down_last(hkey, hnode, pos, size):
    """Indexed heap of ``size`` items after the root left: put item ``size`` in."""
    key = hkey[size]
    node = hnode[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and hkey[child + 1] < hkey[child]:
            child += 1
        if hkey[child] >= key:
            break
        hkey[i] = hkey[child]
        hnode[i] = hnode[child]
        pos[hnode[i]] = i
        i = child
    hkey[i] = key
    hnode[i] = node
    pos[node] = i


@numba.njit(cache=True, nogil=True)
def _multi_source(indptr, indices, weight, sources, cutoff, n):
    """Dijkstra from all ``sources`` at once; (time, index into sources) per node.

    An indexed binary heap with decrease-key (each node at most once in the heap):
    the whole-network search is memory-bound and this keeps the heap small.
    """
    dist = np.full(n, np.inf)
    label = np.full(n, -1, dtype=np.int32)
    pos = np.full(n, -1, dtype=np.int32)  # -1: not seen, -2: settled
    hkey = np.empty(n, dtype=np.float64)
    hnode = np.empty(n, dtype=np.int32)
    size = 0
    for i in range(sources.shape[0]):
        s = sources[i]
        if pos[s] == -1:
            dist[s] = 0.0
            label[s] = i
            hkey[size] = 0.0
            hnode[size] = s
            _sift_up(hkey, hnode, pos, size)
            size += 1
    while size > 0:
        d = hkey[0]
        u = hnode[0]
        pos[u] = -2
        size -= 1
        if size > 0:
            _sift_down_last(hkey, hnode, pos, size)
        lab = label[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if pos[v] == -2:
                continue
            nd = d + weight[e]
            if nd <= cutoff and nd < dist[v]:
                dist[v] = nd
                label[v] = lab
                if pos[v] == -1:
                    hkey[size] = nd
                    hnode[size] = v
                    _sift_up(hkey, hnode, pos, size)
                    size += 1
                else:
                    hkey[pos[v]] = nd
                    _sift_up(hkey, hnode, pos, pos[v])
    return dist, label


@numba.njit(cache=True, nogil=True)
def _balls(indptr, indices, weight, sources, cutoff, col_of_node, n):
    """One bounded Dijkstra per source; CSR (ptr, col, time) of the columns reached.

    ``dist`` and ``pos`` are allocated once and reset only where a search touched
    them, so each search costs the size of its ball, not of the network.
    """
    dist = np.full(n, np.inf)
    pos = np.full(n, -1, dtype=np.int32)  # -1: not seen, -2: settled
    touched = np.empty(1024, dtype=np.int32)
    hkey = np.empty(1024, dtype=np.float64)
    hnode = np.empty(1024, dtype=np.int32)
    out_ptr = np.zeros(sources.shape[0] + 1, dtype=np.int64)
    out_col = np.empty(1024, dtype=np.int32)
    out_t = np.empty(1024, dtype=np.float32)
    n_out = 0
    for si in range(sources.shape[0]):
        s = sources[si]
        dist[s] = 0.0
        touched[0] = s
        n_touched = 1
        hkey[0] = 0.0
        hnode[0] = s
        pos[s] = 0
        size = 1
        while size > 0:
            d = hkey[0]
            u = hnode[0]
            pos[u] = -2
            size -= 1
            if size > 0:
                _sift_down_last(hkey, hnode, pos, size)
            c = col_of_node[u]
            if c >= 0:
                if n_out >= out_col.shape[0]:
                    out_col = _grow_i4(out_col, n_out + 1)
                    out_t = _grow_f4(out_t, n_out + 1)
                out_col[n_out] = c
                out_t[n_out] = d
                n_out += 1
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if pos[v] == -2:
                    continue
                nd = d + weight[e]
                if nd <= cutoff and nd < dist[v]:
                    dist[v] = nd
                    if pos[v] == -1:
                        if n_touched >= touched.shape[0]:
                            touched = _grow_i4(touched, n_touched + 1)
                        touched[n_touched] = v
                        n_touched += 1
                        if size >= hkey.shape[0]:
                            hkey = _grow_f8(hkey, size + 1)
                            hnode = _grow_i4(hnode, size + 1)
                        hkey[size] = nd
                        hnode[size] = v
                        _sift_up(hkey, hnode, pos, size)
                        size += 1
                    else:
                        hkey[pos[v]] = nd
                        _sift_up(hkey, hnode, pos, pos[v])
        for i in range(n_touched):
            dist[touched[i]] = np.inf
            pos[touched[i]] = -1
        out_ptr[si + 1] = n_out
    return out_ptr, out_col[:n_out], out_t[:n_out]


def _graph(net: RoadNetwork, to_facility: bool) -> RoadNetwork:
    if not to_facility:
        return net
    cached = net.__dict__.get("_reversed")
    if cached is None:
        cached = net.reverse()
        object.__setattr__(net, "_reversed", cached)
    return cached


def _weights(g: RoadNetwork, weight: str) -> np.ndarray:
    if weight == "time":
        return g.time_s
    if weight == "length":
        if np.isnan(g.length_m).any():
            raise ValueError("this network has no arc lengths; rebuild it from OSM")
        return g.length_m
    raise ValueError(f"weight must be 'time' or 'length', not {weight!r}")


def _check_nodes(net: RoadNetwork, nodes, what: str) -> np.ndarray:
    arr = np.asarray(nodes, dtype=np.int64).ravel()
    if arr.size and (arr.min() < 0 or arr.max() >= net.n_nodes):
        raise ValueError(f"{what}: node index outside 0..{net.n_nodes - 1}")
    return arr.astype(np.int32)


def nearest_facility(
    net: RoadNetwork,
    facilities,
    *,
    cutoff_s: float = _INF,
    to_facility: bool = True,
    weight: str = "time",
) -> tuple[np.ndarray, np.ndarray]:
    """Travel time (s) from every node to its nearest facility, and which facility.

    ``facilities`` are node indices. Returns ``(time_s, nearest)``: float64 times with
    ``inf`` where no facility is within ``cutoff_s``, and the position in
    ``facilities`` of the nearest one (-1 where none).
    """
    src = _check_nodes(net, facilities, "facilities")
    g = _graph(net, to_facility)
    if src.size == 0:
        return np.full(net.n_nodes, np.inf), np.full(net.n_nodes, -1, dtype=np.int32)
    return _multi_source(
        g.indptr, g.indices, _weights(g, weight), src, float(cutoff_s), net.n_nodes
    )


def ball_times(
    net: RoadNetwork,
    sources,
    cutoff_s: float,
    *,
    demand_nodes=None,
    to_facility: bool = True,
    threads: int | None = None,
    sort: bool = True,
    weight: str = "time",
) -> csr_matrix:
    """Travel times within ``cutoff_s`` as a sparse matrix (sources × demand).

    Row k holds, for every demand node reachable within the cutoff (the travel time
    from the demand node *to* source k by default), that time in seconds (float32).
    A time of exactly 0 (the source node itself) is stored as 0, so use the matrix's
    structure, not its values, to tell "reached". ``demand_nodes`` (node indices, one
    column each, no repeats) default to every node. ``threads`` defaults to the
    number of CPUs. ``weight="length"`` gives road distances in metres (and
    ``cutoff_s`` is then metres).
    """
    src = _check_nodes(net, sources, "sources")
    n = net.n_nodes
    if demand_nodes is None:
        col_of_node = np.arange(n, dtype=np.int32)
        n_cols = n
    else:
        dem = _check_nodes(net, demand_nodes, "demand_nodes")
        col_of_node = np.full(n, -1, dtype=np.int32)
        col_of_node[dem] = np.arange(dem.size, dtype=np.int32)
        if np.unique(dem).size != dem.size:
            raise ValueError("demand_nodes must not repeat a node; sum weights first")
        n_cols = int(dem.size)
    g = _graph(net, to_facility)
    w = _weights(g, weight)
    threads = max(1, min(threads or os.cpu_count() or 1, max(1, src.size)))
    chunks = np.array_split(src, threads) if src.size else [src]

    def run(chunk):
        return _balls(g.indptr, g.indices, w, chunk, float(cutoff_s), col_of_node, n)

    if threads == 1:
        parts = [run(chunks[0])]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            parts = list(pool.map(run, chunks))
    ptrs, cols, times = [], [], []
    offset = 0
    for i, (ptr, col, t) in enumerate(parts):
        ptrs.append(ptr[1:] + offset if i else ptr + offset)
        offset += int(ptr[-1])
        cols.append(col)
        times.append(t)
    indptr = np.concatenate(ptrs)
    matrix = csr_matrix(
        (np.concatenate(times), np.concatenate(cols), indptr),
        shape=(src.size, n_cols),
    )
    if sort:
        matrix.sort_indices()
    return matrix


def coverage_matrix(
    net: RoadNetwork,
    candidates,
    cutoff_s: float,
    *,
    demand_nodes=None,
    to_facility: bool = True,
    threads: int | None = None,
    weight: str = "time",
) -> csr_matrix:
    """Boolean coverage (candidates × demand): True where within ``cutoff_s``."""
    times = ball_times(
        net,
        candidates,
        cutoff_s,
        demand_nodes=demand_nodes,
        to_facility=to_facility,
        threads=threads,
        weight=weight,
    )
    return csr_matrix(
        (np.ones(times.nnz, dtype=bool), times.indices, times.indptr),
        shape=times.shape,
    )


def warm_up() -> None:
    """Compile the kernels (numba caches them on disk after the first run)."""

    tiny = grid_network(2, 2)
    nearest_facility(tiny, [0])
    ball_times(tiny, [0, 1], 100.0, threads=1)
