"""A thin, numeric wrapper around HiGHS (``highspy``) for the siting models.

The wrapper passes a whole model at once (row-wise CSR), sets a time limit, an
optional warm start, and returns the primal value *and* the dual bound that HiGHS
proved; callers compute the gap from those two numbers, never from the status word.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp


@dataclass
class HighsOutcome:
    """Primal solution, its value, the proven bound and the solver status."""

    values: np.ndarray | None
    objective: float
    bound: float
    status: str
    time_s: float
    nodes: int = 0


def _quiet_highs():
    """A Highs instance whose licence banner (printed by the C++ constructor straight
    to file descriptor 1) does not end up in the CLI's standard output."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    h.setOptionValue("output_flag", False)
    return h


def solve(
    *,
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    rows: sp.csr_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    integer: np.ndarray | None,
    maximize: bool,
    time_limit_s: float,
    mip_rel_gap: float = 0.0,
    start: np.ndarray | None = None,
    threads: int | None = None,
    mip_lp_solver: str | None = None,
) -> HighsOutcome:
    """Solve ``opt cost.x`` s.t. ``row_lower <= rows x <= row_upper``, bounds, integrality.

    ``integer`` is a boolean mask of integer columns (``None`` solves an LP). The
    returned ``bound`` is HiGHS's ``mip_dual_bound`` for a MIP, and the optimal value
    for an LP solved to optimality (``nan`` when the LP did not finish).
    ``mip_lp_solver`` (``"ipm"``, ``"simplex"``; HiGHS's ``mip_lp_solver`` option)
    picks how a MIP's LPs are solved; HiGHS chooses when it is ``None``.
    """
    t0 = time.perf_counter()
    inf = highspy.kHighsInf
    n_col = cost.size
    rows = sp.csr_matrix(rows)
    rows.sort_indices()
    h = _quiet_highs()
    h.setOptionValue("time_limit", float(max(time_limit_s, 0.01)))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    is_mip = integer is not None and bool(np.any(integer))
    if is_mip:
        if mip_lp_solver is not None:
            h.setOptionValue("mip_lp_solver", mip_lp_solver)
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        h.setOptionValue("mip_abs_gap", 1e-7)
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = rows.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(lower, dtype=np.float64)
    lp.col_upper_ = np.where(np.isfinite(upper), upper, inf).astype(np.float64)
    lp.row_lower_ = np.where(np.isfinite(row_lower), row_lower, -inf).astype(np.float64)
    lp.row_upper_ = np.where(np.isfinite(row_upper), row_upper, inf).astype(np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = rows.shape[0]
    lp.a_matrix_.start_ = rows.indptr.astype(np.int32)
    lp.a_matrix_.index_ = rows.indices.astype(np.int32)
    lp.a_matrix_.value_ = rows.data.astype(np.float64)
    if integer is not None and is_mip:
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if f else highspy.HighsVarType.kContinuous
            for f in integer
        ]
    h.passModel(lp)
    if is_mip and start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(start, dtype=np.float64).tolist()
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    values = None
    objective = float("nan")
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        values = np.asarray(h.getSolution().col_value, dtype=np.float64)
        objective = float(info.objective_function_value)
    if is_mip:
        bound = float(info.mip_dual_bound)
        nodes = int(info.mip_node_count)
    else:
        optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        bound = objective if optimal else float("nan")
        nodes = 0
    if not np.isfinite(bound):
        bound = float("nan")
    return HighsOutcome(
        values, objective, bound, status, time.perf_counter() - t0, nodes
    )
