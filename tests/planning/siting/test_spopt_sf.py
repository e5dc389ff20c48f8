"""Cross-check on spopt's own San Francisco instance (205 tracts, 16 stores).

The data ships inside the spopt wheel (``spopt/tests/test_locate/data/``); the test
skips when spopt (and pandas, which it needs) is not installed. Expected values are
those of spopt's own tests (``test_mclp.py``, ``test_p_median.py``: 5 km, p = 4):
MCLP leaves 21 tracts uncovered (89.756 % of tracts covered); p-median's mean
distance is 2982.1268579890657 m. spopt's LSCP test asserts only optimality, so the
LSCP optimum is compared with spopt + CBC run here when PuLP is importable (it is 8).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sot.planning.siting import solve_lscp, solve_mclp, solve_pmedian

spopt = pytest.importorskip("spopt")
pd = pytest.importorskip("pandas")

# PuLP 3 warns about its own API that spopt uses; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SERVICE_DIST = 5000.0
P = 4


@pytest.fixture(scope="module")
def sf():
    """spopt's cost matrix (tracts x stores, as its tests pivot it) and POP2000."""
    data = Path(spopt.__file__).parent / "tests" / "test_locate" / "data"
    if not data.is_dir():
        pytest.skip("this spopt install ships no test data")
    nd = pd.read_csv(
        data / "SF_network_distance_candidateStore_16_censusTract_205_new.csv"
    )
    piv = nd.pivot_table(values="distance", index="DestinationName", columns="name")
    dem = pd.read_csv(data / "SF_demand_205_centroid_uniform_weight.csv").sort_values(
        "NAME"
    )
    assert list(dem["NAME"]) == list(piv.index)
    return piv.to_numpy(), dem["POP2000"].to_numpy().astype(float)


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_mclp_matches_spopt(sf, method):
    cost, ai = sf
    res = solve_mclp((cost <= SERVICE_DIST).T, ai, P, method=method)
    assert res.optimal
    assert res.figures["n_uncovered"] == 21
    assert 100 * (205 - res.figures["n_uncovered"]) / 205 == pytest.approx(
        89.75609756097561
    )
    assert res.objective == 875247.0


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_pmedian_matches_spopt(sf, method):
    cost, ai = sf
    res = solve_pmedian(cost.T, ai, P, method=method)
    assert res.optimal
    assert res.objective / ai.sum() == pytest.approx(2982.1268579890657, rel=1e-12)


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_lscp_optimum(sf, method):
    cost, _ = sf
    res = solve_lscp((cost <= SERVICE_DIST).T, method=method)
    assert res.optimal
    assert res.objective == 8
    assert res.uncoverable.size == 0
    assert res.covered.all()


def test_lscp_matches_spopt_with_cbc(sf):
    pulp = pytest.importorskip("pulp")
    from spopt.locate import LSCP

    cost, _ = sf
    model = LSCP.from_cost_matrix(cost, SERVICE_DIST).solve(
        pulp.PULP_CBC_CMD(msg=False)
    )
    theirs = sum(1 for v in model.fac_vars if (v.value() or 0) > 0.5)
    assert solve_lscp((cost <= SERVICE_DIST).T).objective == theirs
