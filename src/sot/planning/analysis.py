"""Reach figures: population within X minutes per municipality and county, and what-if.

Assumptions (also in docs/planning.md): a population unit counts at the road node it
was snapped to; the stretch between the unit and that node is not timed; travel time is
the free-flow time of the fastest road path (no traffic, no ferries, no turn costs).
Units that could not be snapped count as *not reached* and are listed separately.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from sot.planning.candidates import Sites
from sot.planning.errors import CandidateError
from sot.planning.network import RoadNetwork
from sot.planning.population import Population
from sot.planning.reach import coverage_matrix, nearest_facility
from sot.planning.results import DEFAULT_THRESHOLDS_MIN, reach_figures


def unit_times(
    net: RoadNetwork, pop: Population, facility_nodes
) -> tuple[np.ndarray, np.ndarray]:
    """(time in s, nearest facility index) for every population unit (inf / -1)."""
    time_node, near_node = nearest_facility(net, facility_nodes)
    t = np.full(pop.ids.size, np.inf)
    near = np.full(pop.ids.size, -1, dtype=np.int32)
    ok = pop.snapped
    t[ok] = time_node[pop.node[ok]]
    near[ok] = near_node[pop.node[ok]]
    return t, near


def reach_summary(
    net: RoadNetwork,
    pop: Population,
    facilities: Sites,
    *,
    threshold_min: float = 15.0,
    thresholds_min=DEFAULT_THRESHOLDS_MIN,
    names: dict[str, str] | None = None,
    top_uncovered: int = 50,
) -> dict:
    """Population within X minutes of the nearest facility, overall and per area.

    ``names`` maps municipality codes to names for the tables. Returns a JSON-ready
    dict (`sot.planning.results.reach_figures`); ``unit_time_s`` (a list, inf as
    None) is included for maps.
    """
    fac = facilities.only_snapped()
    t, near = unit_times(net, pop, fac.node)
    return reach_figures(
        t,
        near,
        pop.weight,
        pop.municipality,
        pop.ids,
        facility_names=list(fac.name),
        snapped=pop.snapped,
        threshold_min=threshold_min,
        thresholds_min=thresholds_min,
        names=names,
        top_uncovered=top_uncovered,
        facilities_not_placed=facilities.unsnapped(),
        unplaced_population=pop.unsnapped()["population"],
    )


def what_if(
    net: RoadNetwork,
    pop: Population,
    facilities: Sites,
    *,
    remove: Sequence[str] = (),
    add: Sites | None = None,
    closed: Sequence[tuple[float, float, float]] = (),
    threshold_min: float = 15.0,
) -> dict:
    """Population that loses or gains reach when points fail or are added.

    ``remove``: names of facilities that fail (a broken generator). ``add``: new
    sites. ``closed``: roads closed around (lon, lat, radius_m) positions (a fallen
    tree, a washed-out bridge): every arc touching a node within the radius goes.
    Compares before and after; a unit *loses* reach when it was within
    ``threshold_min`` before and is not after.
    """
    missing = [r for r in remove if r not in facilities.name]
    if missing:
        raise CandidateError(
            f"no facility named {', '.join(missing)}; names are: "
            f"{', '.join(facilities.name[:20])}"
        )
    before = facilities.only_snapped()
    keep = [i for i, n in enumerate(before.name) if n not in set(remove)]
    after = before.subset(keep)
    if add is not None and len(add):
        after = after.concat(add.only_snapped())
    limit = threshold_min * 60.0
    t0, _ = unit_times(net, pop, before.node)
    net_after = net
    for lon, lat, radius_m in closed:
        net_after = net_after.close_around(lon, lat, radius_m)
    t1, _ = unit_times(net_after, pop, after.node)
    w = pop.weight
    lost = (t0 <= limit) & (t1 > limit)
    gained = (t0 > limit) & (t1 <= limit)
    slower = (t1 > t0) & ~lost & np.isfinite(t1)
    return {
        "threshold_min": threshold_min,
        "removed": list(remove),
        "added": [] if add is None else list(add.only_snapped().name),
        "closed": [list(c) for c in closed],
        "closed_arcs": int(net.n_arcs - net_after.n_arcs),
        "covered_before": float(w[t0 <= limit].sum()),
        "covered_after": float(w[t1 <= limit].sum()),
        "lost_population": float(w[lost].sum()),
        "lost_units": int(lost.sum()),
        "gained_population": float(w[gained].sum()),
        "gained_units": int(gained.sum()),
        "slower_population": float(w[slower].sum()),
        "lost_by_municipality": _by_muni(pop, lost),
        "gained_by_municipality": _by_muni(pop, gained),
    }


def _by_muni(pop: Population, mask: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for code, wt in zip(pop.municipality[mask], pop.weight[mask], strict=True):
        out[str(code)] += float(wt)
    return dict(sorted(out.items()))


def criticality(
    net: RoadNetwork,
    pop: Population,
    facilities: Sites,
    *,
    threshold_min: float = 15.0,
) -> list[dict]:
    """For every facility, the population that only it reaches within the threshold.

    That is exactly the population that loses reach if this one point fails and the
    others stay up. Computed from the facilities' bounded balls in one pass.
    """
    fac = facilities.only_snapped()
    if not len(fac):
        return []
    nodes, weight = pop.demand()
    cov = coverage_matrix(net, fac.node, threshold_min * 60.0, demand_nodes=nodes)
    count = np.asarray(cov.sum(axis=0)).ravel()
    sole = count == 1
    rows = []
    for j in range(len(fac)):
        cols = cov.indices[cov.indptr[j] : cov.indptr[j + 1]]
        rows.append(
            {
                "name": fac.name[j],
                "covers": float(weight[cols].sum()),
                "only_this_one": float(weight[cols[sole[cols]]].sum()),
            }
        )
    return sorted(rows, key=lambda r: -r["only_this_one"])
