"""The result object every siting model returns, and the reduction figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Relative gap at or below which a result is called optimal.
OPTIMAL_GAP = 1e-6


@dataclass
class Reduction:
    """What the model reduction removed before solving.

    ``n_demand`` and ``n_candidates`` are the input sizes; ``*_kept`` the sizes of the
    model handed to the solver (after all reductions, including Lagrangian fixing).
    """

    n_demand: int = 0
    n_candidates: int = 0
    n_demand_kept: int = 0
    n_candidates_kept: int = 0
    #: demand cells no candidate (and no existing point) can serve
    n_uncoverable: int = 0
    uncoverable_weight: float = 0.0
    #: demand cells already covered by existing or forced-open facilities
    n_already_covered: int = 0
    already_covered_weight: float = 0.0
    #: demand cells with zero weight (dropped where the model allows it)
    n_zero_weight: int = 0
    #: demand cells folded into another with exactly the same candidate set (or costs)
    n_merged: int = 0
    #: candidates removed because another candidate covers a superset of their demand
    n_dominated: int = 0
    #: candidates that cover no demand left in the model
    n_empty_candidates: int = 0
    #: candidates fixed closed / open by Lagrangian bound tests
    n_fixed_closed: int = 0
    n_fixed_open: int = 0
    nnz: int = 0
    nnz_kept: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            k: (float(v) if isinstance(v, float) else int(v))
            for k, v in vars(self).items()
        }


@dataclass
class SitingResult:
    """The outcome of one siting model run.

    ``objective`` and ``bound`` are on the full objective (MCLP: population covered,
    including what existing points already cover; LSCP: number of facilities;
    p-median: population-weighted travel cost including fixed parts). ``gap`` is
    ``|bound - objective|`` divided by the part of the objective that the choice can
    change (``objective - constant``), so a large constant never flatters it.
    ``bound`` comes from a solver's dual bound, an LP relaxation or a Lagrangian
    relaxation, never from a status word.
    """

    model: str
    method: str
    sense: str  # "max" or "min"
    chosen: np.ndarray
    objective: float
    bound: float
    constant: float
    time_s: float
    reduction: Reduction
    #: where the bound came from ("highs", "lagrangian", "lp", ...)
    bound_source: str = ""
    #: the solver's own status, informational only
    solver_status: str = ""
    #: demand indices that no candidate (nor existing point) can serve
    uncoverable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    timings_s: dict[str, float] = field(default_factory=dict)
    #: model-specific figures (covered weight, mean cost, ...)
    figures: dict[str, float] = field(default_factory=dict)
    #: MCLP/LSCP: demand covered by the final set (existing + chosen); p-median: None
    covered: np.ndarray | None = None
    #: p-median: index of the chosen candidate serving each demand cell, -1 if none
    assignment: np.ndarray | None = None

    @property
    def gap(self) -> float:
        """Proven relative gap between objective and bound (0 = proven optimal)."""
        if not np.isfinite(self.objective) or not np.isfinite(self.bound):
            return float("inf")
        diff = (
            self.bound - self.objective
            if self.sense == "max"
            else self.objective - self.bound
        )
        diff = max(diff, 0.0)
        scale = abs(self.objective - self.constant)
        if diff <= 1e-9 * max(1.0, abs(self.objective)):
            return 0.0
        if scale == 0.0:
            return float("inf")
        return diff / scale

    @property
    def optimal(self) -> bool:
        """True when the gap is proven to be (numerically) zero."""
        return self.gap <= OPTIMAL_GAP

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (what ``sot plan site --json`` writes)."""
        gap = self.gap
        return {
            "model": self.model,
            "method": self.method,
            "sense": self.sense,
            "chosen": [int(j) for j in self.chosen],
            "objective": float(self.objective),
            "bound": float(self.bound),
            "bound_source": self.bound_source,
            "constant": float(self.constant),
            "gap": gap if np.isfinite(gap) else None,
            "optimal": bool(self.optimal),
            "time_s": float(self.time_s),
            "timings_s": {k: float(v) for k, v in self.timings_s.items()},
            "solver_status": self.solver_status,
            "figures": {k: float(v) for k, v in self.figures.items()},
            "n_uncoverable": int(self.uncoverable.size),
            "reduction": self.reduction.as_dict(),
        }
