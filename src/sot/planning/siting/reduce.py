"""Input checks and model reduction shared by the siting models.

All functions work on a *coverage* matrix ``A`` in CSR form, candidates x demand,
``A[j, i]`` true when candidate ``j`` reaches demand cell ``i`` within the cutoff
(what :mod:`sot.planning.reach` produces), and on a weight per demand cell.

Reductions (each is exact for the model that uses it):

* drop demand nobody can cover (reported, never silently);
* drop demand already covered by existing or forced-open facilities (MCLP, LSCP);
* merge demand cells that see exactly the same candidate set, summing their weights
  (for p-median: the same candidates *and* the same costs);
* drop dominated candidates: ``j`` whose covered set is a subset of another
  candidate's (MCLP with ``sum x <= p``, LSCP with unit costs), keeping one of a group
  of identical candidates.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

_HASH_SEED = 0x5EED_5171


def as_csr(matrix, *, name: str = "coverage") -> sp.csr_matrix:
    """Return ``matrix`` as canonical CSR (sorted indices, no duplicate entries).

    Dense arrays are accepted; an entry is present when it is finite (``np.inf``
    or ``nan`` means "not reachable", spopt's dense habit). Explicit zeros in a
    sparse input are kept: a travel time of 0 s is a real entry.
    """
    if sp.issparse(matrix):
        out = sp.csr_matrix(matrix)
        if not out.has_canonical_format:
            nnz = out.nnz
            out.sum_duplicates()
            if out.nnz != nnz and name == "cost":
                raise ValueError(
                    "the cost matrix repeats a (candidate, demand) pair; keep one time "
                    "per pair (the shortest)"
                )
        out.sort_indices()
        return out
    arr = np.asarray(matrix)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D matrix (candidates x demand), got {arr.ndim}-D"
        )
    if arr.dtype == bool:
        return sp.csr_matrix(arr)
    mask = np.isfinite(arr)
    rows, cols = np.nonzero(mask)
    return sp.csr_matrix(
        (arr[rows, cols].astype(np.float64), (rows, cols)), shape=arr.shape
    )


def pattern(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """The 0/1 pattern of ``matrix`` (explicit zeros count as entries) as float64."""
    out = sp.csr_matrix(
        (
            np.ones(matrix.nnz, dtype=np.float64),
            matrix.indices.copy(),
            matrix.indptr.copy(),
        ),
        shape=matrix.shape,
    )
    out.has_sorted_indices = True
    return out


def check_weights(weights, n_demand: int) -> np.ndarray:
    """Validate demand weights: 1-D, one per demand cell, finite, non-negative."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.size != n_demand:
        raise ValueError(
            f"weights has {w.size} values but the matrix has {n_demand} demand columns"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    return w


def covered_mask(existing, n_demand: int) -> np.ndarray:
    """Demand already covered: from a boolean vector or an existing x demand matrix."""
    if existing is None:
        return np.zeros(n_demand, dtype=bool)
    if sp.issparse(existing):
        m = sp.csc_matrix(existing)
        if m.shape[1] != n_demand:
            raise ValueError(
                f"existing coverage has {m.shape[1]} demand columns, expected {n_demand}"
            )
        return np.diff(m.indptr) > 0
    arr = np.asarray(existing)
    if arr.ndim == 2:
        if arr.shape[1] != n_demand:
            raise ValueError(
                f"existing coverage has {arr.shape[1]} demand columns, expected {n_demand}"
            )
        return np.asarray(arr.astype(bool).any(axis=0)).ravel()
    if arr.size != n_demand:
        raise ValueError(f"existing mask has {arr.size} values, expected {n_demand}")
    return arr.astype(bool).ravel()


def check_indices(indices, n: int, *, name: str) -> np.ndarray:
    """Validate a list of candidate indices (unique, in range)."""
    idx = np.unique(
        np.asarray(list(indices) if indices is not None else [], dtype=np.int64)
    )
    if idx.size and (idx[0] < 0 or idx[-1] >= n):
        raise ValueError(f"{name} holds a candidate index outside 0..{n - 1}")
    return idx


def _row_hashes(m: sp.csr_matrix, values: np.ndarray | None = None) -> np.ndarray:
    """Two 64-bit multiset hashes and the length of every row (n x 3 uint64).

    Rows with equal keys hold the same column set (and the same values when
    ``values`` is given) up to a hash collision of probability ~n^2 / 2^128.
    """
    rng = np.random.default_rng(_HASH_SEED)
    n_col = m.shape[1]
    r1 = rng.integers(1, 2**63, size=n_col, dtype=np.uint64) | np.uint64(1)
    r2 = rng.integers(1, 2**63, size=n_col, dtype=np.uint64)
    idx = m.indices
    with np.errstate(over="ignore"):
        e1 = r1[idx]
        e2 = r2[idx]
        if values is not None:
            bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
            bits = (bits ^ (bits >> np.uint64(29))) * np.uint64(0x9E3779B97F4A7C15)
            e1 = e1 * (bits | np.uint64(1))
            e2 = e2 ^ bits
        keys = np.empty((m.shape[0], 3), dtype=np.uint64)
        for col, e in ((0, e1), (1, e2)):
            cs = np.concatenate(([np.uint64(0)], np.cumsum(e, dtype=np.uint64)))
            keys[:, col] = cs[m.indptr[1:]] - cs[m.indptr[:-1]]
    keys[:, 2] = np.diff(m.indptr).astype(np.uint64)
    return keys


def _group(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group equal key rows: (first row of each group, group of every row).

    Sorts on the first hash alone (fast) and checks the other columns within equal
    runs; only if they disagree somewhere does it fall back to a full row sort.
    """
    order = np.argsort(keys[:, 0], kind="stable")
    k = keys[order]
    new = np.ones(k.shape[0], dtype=bool)
    new[1:] = k[1:, 0] != k[:-1, 0]
    same_rest = np.ones(k.shape[0], dtype=bool)
    same_rest[1:] = (k[1:, 1:] == k[:-1, 1:]).all(axis=1)
    if not np.all(new | same_rest):
        _, first, inverse = np.unique(
            keys, axis=0, return_index=True, return_inverse=True
        )
        return first, inverse.ravel()
    group_sorted = np.cumsum(new) - 1
    inverse = np.empty(k.shape[0], dtype=np.int64)
    inverse[order] = group_sorted
    first = order[np.flatnonzero(new)]
    return first, inverse


def merge_identical_rows(
    m: sp.csr_matrix, weights: np.ndarray, *, with_values: bool = False
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Merge rows of a demand x candidate matrix that are identical.

    Returns the matrix of unique rows, the summed weights, and for every input row the
    index of its merged row.
    """
    if m.shape[0] == 0:
        return m, weights.copy(), np.zeros(0, dtype=np.int64)
    keys = _row_hashes(m, m.data if with_values else None)
    first, inverse = _group(keys)
    merged_w = np.bincount(inverse, weights=weights, minlength=first.size)
    return m[first], merged_w, inverse.astype(np.int64)


def dominated_candidates(a: sp.csr_matrix) -> np.ndarray:
    """Mask of candidates whose covered set is contained in another candidate's.

    ``a`` is candidates x demand (pattern). Of several candidates with identical sets
    the lowest index is kept; candidates covering nothing are dominated too.
    """
    n = a.shape[0]
    size = np.diff(a.indptr)
    dominated = size == 0
    if n <= 1:
        return dominated
    g = (a @ a.T).tocoo()
    j, k, inter = g.row, g.col, g.data
    sel = (j != k) & (np.rint(inter).astype(np.int64) == size[j])
    j, k = j[sel], k[sel]
    strict = size[k] > size[j]
    tie_lower = (size[k] == size[j]) & (k < j)
    dominated[j[strict | tie_lower]] = True
    return dominated


def sub_rows(a: sp.csr_matrix, keep_rows: np.ndarray) -> sp.csr_matrix:
    """Rows of ``a`` selected by a boolean mask (fast path when all are kept)."""
    if keep_rows.all():
        return a
    return a[np.flatnonzero(keep_rows)]


def sub_cols(a: sp.csr_matrix, keep_cols: np.ndarray) -> sp.csr_matrix:
    """Columns of ``a`` selected by a boolean mask (fast path when all are kept)."""
    if keep_cols.all():
        return a
    return sp.csr_matrix(sp.csc_matrix(a)[:, np.flatnonzero(keep_cols)])
