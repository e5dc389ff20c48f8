"""Candidates: store + fuel pairs (known distances), user candidates, off-network ones."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sot.planning.candidates import (
    Poi,
    candidate_sites,
    colocated,
    load_sites_csv,
    make_sites,
    pois_from_csv,
    pois_from_pbf,
    read_sites_csv,
    require_snapped,
)
from sot.planning.errors import CandidateError


def test_pairs_take_the_nearest_fuel_station_within_the_distance():
    # 0.001 degrees of latitude is 111.2 m
    pois = [
        Poi("Butik A", 14.0, 63.0, "grocery"),
        Poi("Mack nära", 14.0, 63.001, "fuel"),
        Poi("Mack längre", 14.0, 63.003, "fuel"),
        Poi("Butik B", 14.0, 63.1, "grocery"),  # 11 km from any station
    ]
    pairs = colocated(pois, 500)
    assert [(s.name, f.name) for s, f, _ in pairs] == [("Butik A", "Mack nära")]
    assert pairs[0][2] == pytest.approx(111.2, abs=0.1)
    assert colocated(pois, 100) == []


def test_no_fuel_means_no_pairs():
    assert colocated([Poi("Butik", 14.0, 63.0, "grocery")], 500) == []


def test_tiny_village_candidates(tiny_net, data_dir):
    pois = pois_from_pbf(data_dir / "tiny_village.osm")
    assert sorted((p.name, p.kind) for p in pois) == [
        ("Ensam butik", "grocery"),
        ("Lanthandeln", "grocery"),
        ("Macken", "fuel"),
    ]
    sites = candidate_sites(tiny_net, pois, pair_m=500)
    assert sites.name == ["Lanthandeln + Macken"]
    assert sites.detail == ["store Lanthandeln; fuel Macken; 50 m apart"]
    # the midpoint (14.6105, 63.1705) is 477 m from node 5 (14.62, 63.17) and 528 m
    # from node 1 (14.60, 63.17); node 5 has index 4
    assert int(sites.node[0]) == 4


def test_user_candidates_are_added_and_far_ones_reported(tiny_net, tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text(
        "name,lat,lon\nSkolan,63.179,14.6005\nFjället,63.5,13.0\n", encoding="utf-8"
    )
    extra = read_sites_csv(f, tiny_net, source="user")
    sites = candidate_sites(tiny_net, [], extra=extra)
    assert sites.name == ["Skolan", "Fjället"]
    assert sites.source == ["user", "user"]
    assert list(sites.node) == [1, -1]
    assert sites.unsnapped() == {"count": 1, "names": ["Fjället"]}
    with pytest.raises(
        CandidateError, match="1 candidates lie more than 1000 m.*Fjället"
    ):
        require_snapped(sites, "candidates", 1000)


def test_sites_csv_roundtrip(tiny_net, tmp_path):
    sites = make_sites(tiny_net, ["a", "b"], [14.6, 20.0], [63.17, 60.0], source="user")
    f = tmp_path / "sites.csv"
    sites.save_csv(f)
    back = load_sites_csv(f)
    assert back.name == ["a", "b"]
    assert list(back.node) == [0, -1]
    assert np.isinf(back.snap_m[1])


def test_bad_places_csv(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("namn,x,y\na,1,2\n", encoding="utf-8")
    with pytest.raises(CandidateError, match="lat and lon"):
        pois_from_csv(f, "fuel")
    f.write_text("name,lat,lon\na,north,2\n", encoding="utf-8")
    with pytest.raises(CandidateError, match="row 2"):
        pois_from_csv(f, "fuel")


def test_jamtland_store_fuel_pairs_from_csv(shared_data, data_dir):
    poi = shared_data / "poi"
    if not (poi / "jamtland_grocery_stores_se-poi.csv").exists():
        pytest.skip("no POI CSVs in shared data")
    pois = pois_from_csv(poi / "jamtland_grocery_stores_se-poi.csv", "grocery")
    pois += pois_from_csv(poi / "jamtland_fuel_stations_se-poi.csv", "fuel")
    expected = json.loads((data_dir / "expected_candidates.json").read_text())
    for pair_m, count in expected["jamtland_se_poi_pairs"].items():
        assert len(colocated(pois, float(pair_m))) == count


def test_andorra_candidates(andorra, roads, data_dir):
    expected = json.loads((data_dir / "expected_candidates.json").read_text())[
        "andorra"
    ]
    pois = pois_from_pbf(roads / "valhalla_andorra_2020.osm.pbf")
    assert sum(p.kind == "grocery" for p in pois) == expected["grocery"]
    assert sum(p.kind == "fuel" for p in pois) == expected["fuel"]
    sites = candidate_sites(andorra, pois, pair_m=500)
    assert len(sites) == expected["candidates_500m"]
    assert sites.unsnapped()["count"] == 0


def test_points_from_geojson(tiny_net, tmp_path):
    f = tmp_path / "points.geojson"
    f.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"name": "Skolan"},'
        ' "geometry": {"type": "Point", "coordinates": [14.6005, 63.179]}},'
        '{"type": "Feature", "properties": {"name": "Area"},'
        ' "geometry": {"type": "Polygon", "coordinates": []}}]}',
        encoding="utf-8",
    )
    sites = read_sites_csv(f, tiny_net, source="chosen")
    assert sites.name == ["Skolan"] and list(sites.node) == [1]
    f.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(CandidateError, match="no Point features"):
        read_sites_csv(f, tiny_net, source="chosen")
