"""Property test: on random directed graphs our searches equal scipy's Dijkstra."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from sot.planning.network import RoadNetwork
from sot.planning.reach import ball_times, nearest_facility


@st.composite
def graphs(draw):
    n = draw(st.integers(2, 25))
    m = draw(st.integers(1, 80))
    tail = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    head = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    time = draw(st.lists(st.integers(1, 50), min_size=m, max_size=m))
    tail, head, time = np.array(tail), np.array(head), np.array(time, dtype=float)
    keep = tail != head
    tail, head, time = tail[keep], head[keep], time[keep]
    # one arc per (tail, head): keep the fastest, as the network builder does
    order = np.lexsort((time, head, tail))
    tail, head, time = tail[order], head[order], time[order]
    first = np.ones(tail.size, dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, time = tail[first], head[first], time[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    net = RoadNetwork(
        indptr=indptr,
        indices=head.astype(np.int32),
        time_s=time.astype(np.float32),
        lon=np.zeros(n),
        lat=np.zeros(n),
        x=np.zeros(n),
        y=np.zeros(n),
        osm_id=np.arange(n),
        length_m=time.astype(np.float32),
    )
    sources = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True))
    cutoff = draw(st.integers(0, 120))
    return net, np.array(sources), float(cutoff)


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_nearest_and_balls_equal_scipy(case):
    net, sources, cutoff = case
    rev = net.reverse().matrix()
    t, near = nearest_facility(net, sources)
    ref = dijkstra(rev, indices=sources, min_only=True)
    assert np.array_equal(t, ref)
    full = dijkstra(rev, indices=sources)
    reached = np.isfinite(t)
    assert np.array_equal(full[near[reached], np.nonzero(reached)[0]], t[reached])
    balls = ball_times(net, sources, cutoff, threads=2)
    limited = dijkstra(rev, indices=sources, limit=cutoff)
    assert balls.nnz == int(np.isfinite(limited).sum())
    dense = np.full(limited.shape, np.inf)
    coo = balls.tocoo()
    dense[coo.row, coo.col] = coo.data
    assert np.array_equal(dense, limited)
