"""Seeded synthetic siting instances (for tests and the Sweden-scale benchmark).

A square grid of ``n_nodes`` road nodes stands in for a country's road network;
demand cells sit on distinct grid nodes, clustered around towns whose sizes follow a
Zipf law, with a thinner rural spread, and carry log-normal (skewed) populations.
Candidates sit on demand cells, drawn with probability rising with population.
Coverage is a ball of ``radius_m`` around each candidate (straight-line distance on
the grid), as a bounded road-network search would produce it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree


@dataclass
class SyntheticInstance:
    """Coverage, travel costs and weights of a generated instance."""

    coverage: sp.csr_matrix  # candidates x demand, bool
    cost: sp.csr_matrix  # candidates x demand, metres within the radius
    weights: np.ndarray
    demand_xy: np.ndarray
    candidate_xy: np.ndarray
    n_nodes: int
    spacing_m: float
    #: grid node of every demand cell / candidate (row-major, as ``grid_network``)
    demand_node: np.ndarray
    candidate_node: np.ndarray
    side: int


def generate(
    *,
    n_nodes: int = 1_000_000,
    n_demand: int = 100_000,
    n_candidates: int = 1_000,
    radius_m: float = 10_000.0,
    spacing_m: float = 670.0,
    n_towns: int = 2_000,
    rural_share: float = 0.3,
    seed: int = 0,
) -> SyntheticInstance:
    """Generate an instance; the same arguments always give the same instance."""
    rng = np.random.default_rng(seed)
    side = int(round(np.sqrt(n_nodes)))
    if n_demand > side * side:
        raise ValueError("more demand cells than grid nodes")
    town_xy = rng.integers(0, side, size=(n_towns, 2))
    town_size = 1.0 / np.arange(1, n_towns + 1) ** 1.1
    town_size /= town_size.sum()
    taken: set[int] = set()
    nodes = np.empty(0, dtype=np.int64)
    while nodes.size < n_demand:
        need = int((n_demand - nodes.size) * 1.3) + 16
        n_rural = int(need * rural_share)
        rural = rng.integers(0, side, size=(n_rural, 2))
        t = rng.choice(n_towns, size=need - n_rural, p=town_size)
        spread = 3.0 + 40.0 * np.sqrt(town_size[t] * n_towns / 50.0)
        urban = np.rint(town_xy[t] + rng.normal(size=(t.size, 2)) * spread[:, None])
        xy = np.clip(np.vstack([rural, urban.astype(np.int64)]), 0, side - 1)
        ids = xy[:, 0] * side + xy[:, 1]
        fresh = [i for i in dict.fromkeys(ids.tolist()) if i not in taken]
        fresh = fresh[: n_demand - nodes.size]
        taken.update(fresh)
        nodes = np.concatenate([nodes, np.asarray(fresh, dtype=np.int64)])
    demand_xy = (
        np.column_stack([nodes // side, nodes % side]).astype(np.float64) * spacing_m
    )
    # population: log-normal, denser cells near big towns
    tree_t = cKDTree(town_xy * spacing_m)
    dist_t, near_t = tree_t.query(demand_xy)
    urban_boost = 1.0 + 200.0 * town_size[near_t] * np.exp(-dist_t / 5_000.0)
    weights = (
        np.rint(rng.lognormal(mean=1.5, sigma=1.3, size=n_demand) * urban_boost) + 1.0
    )
    prob = np.sqrt(weights)
    prob /= prob.sum()
    cand_cells = rng.choice(n_demand, size=n_candidates, replace=False, p=prob)
    candidate_xy = demand_xy[cand_cells]
    tree = cKDTree(demand_xy)
    balls = tree.query_ball_point(candidate_xy, r=radius_m)
    lengths = np.fromiter((len(b) for b in balls), dtype=np.int64, count=n_candidates)
    cols = np.fromiter(
        (i for b in balls for i in b), dtype=np.int64, count=int(lengths.sum())
    )
    rows = np.repeat(np.arange(n_candidates), lengths)
    dist = np.hypot(*(demand_xy[cols] - candidate_xy[rows]).T)
    cost = sp.csr_matrix((dist, (rows, cols)), shape=(n_candidates, n_demand))
    cost.sort_indices()
    coverage = sp.csr_matrix(
        (np.ones(cost.nnz, dtype=bool), cost.indices, cost.indptr), shape=cost.shape
    )
    return SyntheticInstance(
        coverage,
        cost,
        weights,
        demand_xy,
        candidate_xy,
        side * side,
        spacing_m,
        nodes,
        nodes[cand_cells],
        side,
    )
