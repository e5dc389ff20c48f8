"""Siting models: maximal covering, set covering and p-median (plain, no Django).

Every model works from numeric inputs alone (spopt's ``from_cost_matrix`` habit): a
sparse candidates x demand coverage or cost matrix and a weight per demand cell.
"""

from .lscp import solve_lscp
from .mclp import solve_mclp
from .pmedian import solve_pmedian
from .result import Reduction, SitingResult

__all__ = ["Reduction", "SitingResult", "solve_lscp", "solve_mclp", "solve_pmedian"]
