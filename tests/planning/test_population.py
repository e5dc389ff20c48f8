"""Population: SCB grid layouts, GeoPackage, localities, municipality totals, errors."""

from __future__ import annotations

import json
import sqlite3
import struct

import numpy as np
import pytest

from sot.geo.crs import from_sweref99tm
from sot.planning.areas import read_areas
from sot.planning.errors import PopulationError
from sot.planning.network import grid_network
from sot.planning.population import (
    Population,
    read_municipality_totals,
    read_points,
    snap,
)
from sot.planning.scb_grid import parse_square_id, read_scb_grid

# 5 x 5 nodes, 500 m apart, lower-left node at E 450 000, N 6 900 000 (node = 5*row+col)
E0, N0 = 450000.0, 6900000.0


@pytest.fixture(scope="module")
def grid():
    """A 5 x 5 grid network in SWEREF 99 TM, 500 m between nodes."""
    return grid_network(5, 5, spacing_m=500, origin_e=E0, origin_n=N0)


def test_square_ids_parse_in_both_orders():
    e, n = parse_square_id(["4500006900000", "6900000450000"])
    assert list(e) == [450000, 450000]
    assert list(n) == [6900000, 6900000]


def test_bad_square_id_is_a_clear_error():
    with pytest.raises(PopulationError, match="13-digit"):
        parse_square_id(["12345"])


def test_scb_grid_with_ruta_ids(grid, data_dir):
    pop = read_scb_grid(data_dir / "scb_grid_ruta.csv", grid, max_snap_m=2000)
    # 1 km squares: centres at (450 500, 6 900 500) -> node 6 and (451 500, ...) -> 18
    assert list(pop.x[:2]) == [450500, 451500]
    assert list(pop.node) == [6, 18, -1]
    assert pop.total == 159
    un = pop.unsnapped()
    assert un == {"count": 1, "population": 4.0, "ids": ["4700006900000"]}
    nodes, weight = pop.demand()
    assert list(nodes) == [6, 18] and list(weight) == [120, 35]


def test_scb_grid_with_xy_columns_and_semicolons(grid, data_dir):
    pop = read_scb_grid(data_dir / "scb_grid_xy_250m.csv", grid)
    # 250 m squares: centre (450 375, 6 900 375) is 177 m from node 6 at (450 500, ...)
    assert pop.summary()["notes"][0].startswith("grid squares of 250 m")
    # and (451 875, 6 901 875) is 177 m from node 24 at (452 000, 6 902 000)
    assert list(pop.node) == [6, 24]
    assert pop.snap_m[0] == pytest.approx(np.hypot(125, 125))


def _csv(tmp_path, text, name="grid.csv"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_unknown_columns_are_refused_with_what_to_do(grid, tmp_path):
    f = _csv(tmp_path, "cell,people\na,1\n")
    with pytest.raises(PopulationError, match="unknown columns.*rename"):
        read_scb_grid(f, grid)


def test_rt90_is_refused(grid, tmp_path):
    f = _csv(tmp_path, "x,y,pop\n1500000,6900000,3\n1501000,6900000,3\n")
    with pytest.raises(PopulationError, match="RT 90"):
        read_scb_grid(f, grid)


def test_degrees_are_refused_for_a_grid(grid, tmp_path):
    f = _csv(tmp_path, "x,y,pop\n14.6,63.1,3\n")
    with pytest.raises(PopulationError, match="degrees"):
        read_scb_grid(f, grid)


def test_text_in_population_column_is_refused(grid, tmp_path):
    f = _csv(tmp_path, "Ruta,Pop\n4500006900000,many\n")
    with pytest.raises(PopulationError, match="row 2"):
        read_scb_grid(f, grid)


def _gpkg(path, srs_id, squares):
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,"
        " organization TEXT, organization_coordsys_id INTEGER, definition TEXT);"
        "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);"
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,"
        " geometry_type_name TEXT, srs_id INTEGER);"
        "CREATE TABLE rutor (fid INTEGER PRIMARY KEY, rutid TEXT, beftotalt INTEGER,"
        " geom BLOB);"
    )
    con.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, '')",
        ("crs", srs_id, srs_id),
    )
    con.execute("INSERT INTO gpkg_contents VALUES ('rutor', 'features')")
    con.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('rutor','geom','POLYGON',?)",
        (srs_id,),
    )
    for i, (e, n, p) in enumerate(squares):
        ring = [(e, n), (e + 1000, n), (e + 1000, n + 1000), (e, n + 1000), (e, n)]
        wkb = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
        wkb += b"".join(struct.pack("<2d", *pt) for pt in ring)
        header = b"GP" + bytes([0, 0b011]) + struct.pack("<i", srs_id)
        header += struct.pack("<4d", e, e + 1000, n, n + 1000)
        con.execute(
            "INSERT INTO rutor VALUES (?, ?, ?, ?)", (i, f"r{i}", p, header + wkb)
        )
    con.commit()
    con.close()


def test_geopackage_in_sweref99tm(grid, tmp_path):
    f = tmp_path / "grid.gpkg"
    _gpkg(f, 3006, [(450000, 6900000, 50), (451000, 6901000, 7)])
    pop = read_scb_grid(f, grid)
    assert list(pop.node) == [6, 18]
    assert list(pop.weight) == [50, 7]


def test_geopackage_in_another_crs_is_refused(grid, tmp_path):
    f = tmp_path / "grid.gpkg"
    _gpkg(f, 3021, [(1500000, 6900000, 50)])
    with pytest.raises(PopulationError, match="EPSG:3021.*SWEREF 99 TM"):
        read_scb_grid(f, grid)


def test_localities_snap_and_report_the_far_ones(grid, tmp_path):
    lon, lat = from_sweref99tm(
        np.array([450510.0, 480000.0]), np.array([6900490.0, 6900000.0])
    )
    f = _csv(
        tmp_path,
        "name,lat,lon,population\n"
        f"By,{lat[0]:.7f},{lon[0]:.7f},300\n"
        f"Fjällgård,{lat[1]:.7f},{lon[1]:.7f},2\n",
        "places.csv",
    )
    pop = read_points(f, grid, max_snap_m=5000)
    assert list(pop.node) == [6, -1]
    assert pop.unsnapped() == {"count": 1, "population": 2.0, "ids": ["Fjällgård"]}


def _halves_geojson(tmp_path):
    """Two municipalities: 9901 west of E 450 750, 9902 east of it (in WGS84)."""

    def poly(e0, e1):
        es = [e0, e1, e1, e0, e0]
        ns = [N0 - 100, N0 - 100, N0 + 2100, N0 + 2100, N0 - 100]
        lon, lat = from_sweref99tm(np.array(es, float), np.array(ns, float))
        return [[[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]]

    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kommun_kod": "9901", "kommun": "Väst"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": poly(E0 - 100, E0 + 750),
                },
            },
            {
                "type": "Feature",
                "properties": {"kommun_kod": "9902", "kommun": "Öst"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": poly(E0 + 750, E0 + 2100),
                },
            },
        ],
    }
    f = tmp_path / "kommuner.geojson"
    f.write_text(json.dumps(doc), encoding="utf-8")
    return f


def test_municipality_totals_spread_evenly_over_road_nodes(grid, tmp_path):
    areas = read_areas(_halves_geojson(tmp_path))
    totals = _csv(
        tmp_path, "kommun_kod,population\n9901,100\n9902,150\n9903,7\n", "t.csv"
    )
    pop = read_municipality_totals(totals, grid, municipalities=areas)
    # west: columns 0 and 1 (10 nodes), east: columns 2..4 (15 nodes)
    west = pop.municipality == "9901"
    assert west.sum() == 10 and np.allclose(pop.weight[west], 10.0)
    assert np.allclose(pop.weight[pop.municipality == "9902"], 10.0)
    # 9903 has no polygon: reported, not dropped
    assert pop.unsnapped()["population"] == 7
    assert pop.total == 257


def test_municipality_totals_spread_by_localities(grid, tmp_path):
    areas = read_areas(_halves_geojson(tmp_path))
    lon, lat = from_sweref99tm(
        np.array([E0, E0 + 500, E0 + 2000]), np.array([N0, N0, N0])
    )
    places = _csv(
        tmp_path,
        "name,lat,lon,population\n"
        + "".join(
            f"p{i},{lat[i]:.8f},{lon[i]:.8f},{w}\n" for i, w in enumerate([1, 3, 5])
        ),
        "places.csv",
    )
    totals = _csv(tmp_path, "kommun_kod,population\n9901,100\n9902,40\n", "t.csv")
    pop = read_municipality_totals(
        totals, grid, municipalities=areas, localities=places
    )
    assert dict(zip(pop.ids, pop.weight, strict=True)) == {
        "9901:p0": 25.0,
        "9901:p1": 75.0,
        "9902:p2": 40.0,
    }
    assert list(pop.node) == [0, 1, 4]


def test_grid_gets_municipality_from_polygons(grid, data_dir, tmp_path):
    areas = read_areas(_halves_geojson(tmp_path))
    pop = read_scb_grid(data_dir / "scb_grid_ruta.csv", grid, municipalities=areas)
    assert list(pop.municipality) == ["9901", "9902", ""]


def test_population_save_load(grid, data_dir, tmp_path):
    pop = read_scb_grid(data_dir / "scb_grid_ruta.csv", grid)
    f = tmp_path / "population.npz"
    pop.save(f)
    back = Population.load(f)
    assert list(back.ids) == list(pop.ids)
    assert np.array_equal(back.node, pop.node)
    assert back.summary() == pop.summary()


def test_snap_limit_is_inclusive_of_near_and_excludes_far(grid):
    node, dist = snap(grid, [450000.0, 450000.0], [6899000.0, 6898000.0], 1500)
    assert list(node) == [0, -1]
    assert dist[0] == pytest.approx(1000)


def test_jamtland_totals_spread_over_a_grid_in_the_county(shared_data):
    """Real SCB totals and municipality polygons, spread over a 5 km grid."""
    import csv

    totals = (
        shared_data
        / "population"
        / "jamtland_municipality_population_scb_1990_2024.csv"
    )
    polygons = shared_data / "boundaries" / "jamtland_municipalities_scb.geojson"
    if not totals.exists() or not polygons.exists():
        pytest.skip("Jämtland population or boundaries not in shared data")
    net = grid_network(85, 61, spacing_m=5000, origin_e=320000, origin_n=6820000)
    pop = read_municipality_totals(
        totals,
        net,
        municipalities=read_areas(polygons),
        population_column="pop_2024_12_31",
    )
    with open(totals, encoding="utf-8") as fh:
        rows = {r["kommun_kod"]: int(r["pop_2024_12_31"]) for r in csv.DictReader(fh)}
    # the county row (23) is recognised as the sum of the others, not spread again
    assert pop.total == rows["23"] == 132839
    assert pop.unsnapped()["count"] == 0
    for code, value in rows.items():
        if len(code) == 4:
            assert pop.weight[pop.municipality == code].sum() == pytest.approx(value)
    assert any("row 23: a subtotal" in n for n in pop.notes)


def test_inspire_square_ids():
    e, n = parse_square_id(["CRS3006RES1000mN6900000E450000"])
    assert (e[0], n[0]) == (450000, 6900000)
    with pytest.raises(PopulationError, match="EPSG:3035"):
        parse_square_id(["CRS3035RES1000mN4100000E4500000"])


def test_laea_coordinates_are_refused(grid, tmp_path):
    f = _csv(tmp_path, "x,y,pop\n4500000,4100000,3\n")
    with pytest.raises(PopulationError, match="EPSG:3035"):
        read_scb_grid(f, grid)
