"""The figures every travel model reports, JSON-ready.

`reach_figures` turns a travel time per population unit (from the road network or
the straight-line model) into the reach figures of ``reach.json``; `site` solves one
siting model on a candidates × demand matrix of travel times and gives the figures
of ``site-MODEL.json``. Both write the same keys whatever the travel model, so the
CLI, the report and the web pages read them alike.

numpy only at import; `site` imports `sot.planning.siting` (scipy, HiGHS) when called.
"""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from sot.planning.errors import PlanningError

if TYPE_CHECKING:  # the annotation only: siting is imported when a model is solved
    from sot.planning.siting.result import SitingResult

DEFAULT_THRESHOLDS_MIN = (5, 10, 15, 20, 30, 45, 60)


class Siting(StrEnum):
    """The siting models, defined once: ``sot plan site --model`` and a planning
    run's model (``sot.plans.models.SitingModel`` labels them)."""

    MCLP = "mclp"
    LSCP = "lscp"
    PMEDIAN = "pmedian"


MODELS = tuple(m.value for m in Siting)


def county_of(municipality_code: str) -> str:
    """The county code of a Swedish municipality code ('2380' -> '23')."""
    code = (municipality_code or "").strip()
    return code[:2] if len(code) == 4 and code.isdigit() else ""


def within(weight, t, thresholds_min) -> dict[str, float]:
    return {str(m): float(weight[t <= m * 60.0].sum()) for m in thresholds_min}


def weighted_median_min(t: np.ndarray, w: np.ndarray) -> float | None:
    if w.sum() <= 0:
        return None
    order = np.argsort(t)
    cum = np.cumsum(w[order])
    k = int(np.searchsorted(cum, cum[-1] / 2))
    value = t[order][k]
    return None if not np.isfinite(value) else round(float(value) / 60, 2)


def reach_figures(
    t: np.ndarray,
    near: np.ndarray,
    weight: np.ndarray,
    municipality,
    ids,
    *,
    facility_names: list[str],
    snapped: np.ndarray | None = None,
    threshold_min: float = 15.0,
    thresholds_min=DEFAULT_THRESHOLDS_MIN,
    names: dict[str, str] | None = None,
    top_uncovered: int = 50,
    facilities_not_placed: dict | None = None,
    unplaced_population: float = 0.0,
) -> dict:
    """Population within X minutes of the nearest facility, overall and per area.

    ``t``: seconds from each unit to its nearest facility (inf: not reached);
    ``near``: that facility's index. Returns the dict ``reach.json`` holds, with
    ``unit_time_s`` (inf as None) for maps.
    """
    names = names or {}
    w = np.asarray(weight, dtype=float)
    t = np.asarray(t, dtype=float)
    snapped = np.ones(w.size, bool) if snapped is None else np.asarray(snapped)
    thresholds = sorted({*thresholds_min, threshold_min})
    total = float(w.sum())
    covered = t <= threshold_min * 60.0
    by_muni: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(municipality):
        by_muni[str(code)].append(i)
    municipalities: list[dict[str, Any]] = []
    for code in sorted(by_muni):
        idx = np.asarray(by_muni[code])
        mw = w[idx]
        mtot = float(mw.sum())
        municipalities.append(
            {
                "code": code,
                "name": names.get(code, code or "(no municipality)"),
                "county": county_of(code),
                "population": mtot,
                "within": within(mw, t[idx], thresholds),
                "covered": float(mw[covered[idx]].sum()),
                "share_covered": float(mw[covered[idx]].sum() / mtot) if mtot else 0.0,
                "median_time_min": weighted_median_min(t[idx], mw),
            }
        )
    counties: dict[str, dict] = {}
    for m in municipalities:
        c = counties.setdefault(
            m["county"], {"code": m["county"], "population": 0.0, "covered": 0.0}
        )
        c["population"] += m["population"]
        c["covered"] += m["covered"]
    for c in counties.values():
        c["share_covered"] = c["covered"] / c["population"] if c["population"] else 0.0
    # largest population first, then the longest time ("not reached" is the longest)
    order = np.lexsort((-np.nan_to_num(t, posinf=1e18), -w * (~covered)))
    uncovered = [
        {
            "id": str(ids[i]),
            "population": float(w[i]),
            "municipality": str(municipality[i]),
            "time_min": None if not np.isfinite(t[i]) else round(float(t[i]) / 60, 1),
            "snapped": bool(snapped[i]),
        }
        for i in order[:top_uncovered]
        if not covered[i] and w[i] > 0
    ]
    n_fac = len(facility_names)
    per_facility = (
        np.bincount(near[covered], weights=w[covered], minlength=n_fac)
        if n_fac
        else np.zeros(0)
    )
    return {
        "threshold_min": threshold_min,
        "facilities": n_fac,
        "facilities_not_on_network": facilities_not_placed or {"count": 0, "names": []},
        "population": total,
        "covered": float(w[covered].sum()),
        "share_covered": float(w[covered].sum() / total) if total else 0.0,
        "within": within(w, t, thresholds),
        "median_time_min": weighted_median_min(t, w),
        "unsnapped_population": unplaced_population,
        "municipalities": municipalities,
        "counties": sorted(counties.values(), key=lambda c: c["code"]),
        "uncovered_largest": uncovered,
        "per_facility": [
            {"name": facility_names[j], "covered": float(per_facility[j])}
            for j in range(n_fac)
        ],
        "unit_time_s": [None if not np.isfinite(v) else float(v) for v in t],
    }


def _candidate_gains(coverage, weight, existing, names) -> list[dict]:
    """Population each candidate alone would bring within the threshold, largest first."""
    gain = coverage.astype(np.float64) @ np.where(existing, 0.0, weight)
    order = np.argsort(-gain, kind="stable")
    return [{"name": names[j], "gain": float(gain[j])} for j in order]


def site(
    model: str,
    times,
    weight: np.ndarray,
    existing_t: np.ndarray,
    *,
    p: int,
    minutes: float,
    candidate_records: list[dict],
    method: str = "exact",
    time_limit_s: float = 60.0,
) -> tuple[SitingResult, dict]:
    """Solve ``model`` on ``times`` (scipy CSR, candidates × demand, seconds within
    the cutoff) with ``existing_t`` (seconds from each demand to the nearest existing
    point, inf if none). Returns the `SitingResult` and the ``site-MODEL.json`` dict
    (without the population total, which the caller knows)."""
    if model not in MODELS:
        raise PlanningError(
            f"unknown model {model!r}: choose one of {', '.join(MODELS)}"
        )
    # the siting models need scipy and HiGHS (the planning extra): only when solving
    from sot.planning import siting

    n_cand = times.shape[0]
    if model != "lscp" and not 1 <= p <= n_cand:
        raise PlanningError(
            f"-p {p}: choose between 1 and {n_cand} new points (the number of "
            "candidates)"
        )
    cutoff = minutes * 60.0
    coverage = times.astype(bool)
    coverage.data[:] = True
    existing = existing_t <= cutoff
    if model == "mclp":
        res = siting.solve_mclp(
            coverage,
            weight,
            p,
            existing=existing,
            method=method,
            time_limit_s=time_limit_s,
        )
    elif model == "lscp":
        res = siting.solve_lscp(
            coverage, existing=existing, method=method, time_limit_s=time_limit_s
        )
    else:
        res = siting.solve_pmedian(
            times,
            weight,
            p,
            existing_cost=np.where(existing, existing_t, np.inf),
            method=method,
            time_limit_s=time_limit_s,
        )
    chosen = [int(j) for j in res.chosen]
    covered_after = existing.copy()
    for j in chosen:
        covered_after[coverage.indices[coverage.indptr[j] : coverage.indptr[j + 1]]] = (
            True
        )
    out = res.as_dict()
    out.update(
        model=model,
        minutes=minutes,
        candidates=n_cand,
        demand_nodes=int(np.size(weight)),
        covered_before=float(weight[existing].sum()),
        covered_after=float(weight[covered_after].sum()),
        chosen_sites=[candidate_records[j] for j in chosen],
        candidate_gains=_candidate_gains(
            coverage, weight, existing, [r["name"] for r in candidate_records]
        ),
    )
    return res, out
