"""The `sot plan` command line: chained steps, JSON output, and exit code 2 on bad input."""

from __future__ import annotations

import json

import pytest

from sot.planning.cli import main


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def village_workdir(tmp_path, data_dir, capsys):
    """A work directory with the tiny village network, population and one point."""
    wd = tmp_path / "plan"
    places = tmp_path / "places.csv"
    places.write_text(
        "name,lat,lon,population,kommun_kod,kommun\n"
        "Norrby,63.188,14.60,120,9901,Byträsk\nSöderby,63.170,14.62,80,9901,Byträsk\n"
        "Långtbortom,64.5,16.0,9,9902,Fjällby\n",
        encoding="utf-8",
    )
    points = tmp_path / "points.csv"
    points.write_text("name,lat,lon\nSkolan,63.179,14.60\n", encoding="utf-8")
    assert (
        _run(
            capsys, "network", data_dir / "tiny_village.osm", "--workdir", wd, "--quiet"
        )[0]
        == 0
    )
    assert _run(capsys, "population", places, "--workdir", wd)[0] == 0
    assert _run(capsys, "reach", "--facilities", points, "--workdir", wd)[0] == 0
    return wd


def test_network_prints_and_writes_json(tmp_path, data_dir, capsys):
    out_json = tmp_path / "net.json"
    code, out, _ = _run(
        capsys,
        "network",
        data_dir / "tiny_village.osm",
        "--workdir",
        tmp_path / "w",
        "--json",
        out_json,
        "--quiet",
    )
    assert code == 0
    assert "5 nodes, 9 arcs" in out
    assert json.loads(out_json.read_text())["nodes"] == 5
    assert (tmp_path / "w" / "network.npz").exists()


def test_reach_figures(village_workdir, tmp_path, capsys):
    out_json = tmp_path / "reach.json"
    code, out, _ = _run(
        capsys, "reach", "--workdir", village_workdir, "--json", out_json
    )
    assert code == 0
    res = json.loads(out_json.read_text())
    # Norrby (node 3) drives 90 s to Skolan (node 2); Söderby (node 5) drives 5-1-2,
    # 120 + 90 s, as 2 -> 4 is one-way; Långtbortom is not on the network
    assert res["population"] == 209
    assert res["covered"] == 200
    assert res["unsnapped_population"] == 9
    assert "within 15 min: 200 (95.7 %)" in out
    assert "Byträsk" in out and "Fjällby" in out


def test_candidates_site_whatif_report(village_workdir, tmp_path, capsys):
    wd = village_workdir
    code, out, _ = _run(capsys, "candidates", "--workdir", wd)
    assert code == 0 and "Lanthandeln + Macken" in out
    site_json = tmp_path / "site.json"
    code, out, _ = _run(
        capsys,
        "site",
        "--model",
        "mclp",
        "-p",
        "1",
        "--minutes",
        "1",
        "--workdir",
        wd,
        "--json",
        site_json,
    )
    assert code == 0, out
    site = json.loads(site_json.read_text())
    assert site["gap"] == 0.0
    assert [s["name"] for s in site["chosen_sites"]] == ["Lanthandeln + Macken"]
    # within 1 minute the candidate (at Söderby's node) adds Söderby's 80 persons
    assert site["candidate_gains"] == [{"name": "Lanthandeln + Macken", "gain": 80.0}]
    assert "proven gap" in out
    code, out, _ = _run(capsys, "what-if", "--remove", "Skolan", "--workdir", wd)
    assert code == 0 and "lose reach: 200 persons" in out
    code, out, _ = _run(capsys, "report", "--workdir", wd, "--quiet")
    assert code == 0
    html = (wd / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Per kommun" in html and "Metod" in html
    assert "Punkter som fallerar</td><td>Skolan" in html
    assert "Kandidater: nya nådda inom 1 min" in html
    assert (wd / "report.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["network", "{data}/no_roads.osm"], "no drivable roads"),
        (["network", "{tmp}/missing.osm.pbf"], "no such file"),
        (["reach"], "sot plan network"),
        (["population", "{data}/scb_grid_ruta.csv"], "sot plan network"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, message, tmp_path, data_dir, capsys):
    argv = [a.format(data=data_dir, tmp=tmp_path) for a in argv]
    code, _, err = _run(capsys, *argv, "--workdir", tmp_path / "w", "--quiet")
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1


def test_unknown_population_columns_exit_2(village_workdir, tmp_path, capsys):
    f = tmp_path / "odd.csv"
    f.write_text("ruta_namn,folk\nx,1\n", encoding="utf-8")
    code, _, err = _run(capsys, "population", f, "--workdir", village_workdir)
    assert code == 2 and "unknown columns" in err


def test_points_outside_the_network_exit_2(village_workdir, tmp_path, capsys):
    f = tmp_path / "far.csv"
    f.write_text("name,lat,lon\nKiruna,67.85,20.22\n", encoding="utf-8")
    code, _, err = _run(
        capsys, "reach", "--facilities", f, "--workdir", village_workdir
    )
    assert code == 2 and "Kiruna" in err and "--max-snap-m" in err


def test_andorra_end_to_end(roads, data_dir, tmp_path, capsys):
    """The issue's 'done when': network, candidates, reach, best three, report."""
    wd = tmp_path / "plan"
    pbf = roads / "valhalla_andorra_2020.osm.pbf"
    expected = json.loads((data_dir / "expected_andorra_cli.json").read_text())
    j = tmp_path / "out.json"
    assert _run(capsys, "network", pbf, "--workdir", wd, "--quiet", "--json", j)[0] == 0
    assert json.loads(j.read_text())["nodes"] == expected["nodes"]
    assert (
        _run(
            capsys, "population", data_dir / "andorra_localities.csv", "--workdir", wd
        )[0]
        == 0
    )
    assert _run(capsys, "candidates", "--workdir", wd, "--json", j)[0] == 0
    assert json.loads(j.read_text())["count"] == expected["candidates"]
    code, _, _ = _run(
        capsys,
        "reach",
        "--facilities",
        data_dir / "andorra_points.csv",
        "--minutes",
        "10",
        "--workdir",
        wd,
        "--json",
        j,
    )
    assert code == 0
    reach = json.loads(j.read_text())
    assert reach["covered"] == expected["covered_10min"]
    code, out, _ = _run(
        capsys,
        "site",
        "--model",
        "mclp",
        "-p",
        "3",
        "--minutes",
        "10",
        "--workdir",
        wd,
        "--json",
        j,
    )
    assert code == 0
    site = json.loads(j.read_text())
    assert site["gap"] is not None and site["gap"] <= 1e-6
    assert site["covered_after"] == expected["mclp_p3_10min_covered"]
    assert _run(capsys, "report", "--workdir", wd, "--quiet")[0] == 0
    assert (wd / "report.pdf").stat().st_size > 10_000


def test_what_if_closed_road(village_workdir, capsys):
    # close the roads around node 1 (63.170, 14.60): Söderby can reach Skolan only
    # through node 1 (2 -> 4 is one-way the wrong way), so it loses reach
    code, out, _ = _run(
        capsys, "what-if", "--close", "63.170,14.60,50", "--workdir", village_workdir
    )
    assert code == 0
    assert "roads closed: 4 arcs removed" in out
    assert "lose reach: 80 persons (1 units)" in out


def test_bad_close_exits_2(village_workdir, capsys):
    code, _, err = _run(
        capsys, "what-if", "--close", "63.1", "--workdir", village_workdir
    )
    assert code == 2 and "LAT,LON,RADIUS_M" in err


def test_site_with_too_many_points_exits_2(village_workdir, capsys):
    assert _run(capsys, "candidates", "--workdir", village_workdir, "--quiet")[0] == 0
    code, _, err = _run(
        capsys, "site", "--model", "mclp", "-p", "5", "--workdir", village_workdir
    )
    assert code == 2 and "between 1 and 1" in err


def test_population_on_nodes(tmp_path, data_dir, capsys):
    wd = tmp_path / "w"
    assert (
        _run(
            capsys, "network", data_dir / "tiny_village.osm", "--workdir", wd, "--quiet"
        )[0]
        == 0
    )
    code, out, _ = _run(capsys, "population", "--kind", "nodes", "--workdir", wd)
    assert code == 0 and "each of 5 road nodes" in out
    code, _, err = _run(capsys, "population", "--workdir", wd)
    assert code == 2 and "--kind nodes" in err


def test_reach_from_a_register_export(village_workdir, tmp_path, capsys):
    """`sot export points` writes `;`-separated rows with commas and newlines in text."""
    f = tmp_path / "points.csv"
    f.write_text(
        "id;name;lat;lon;lifecycle;public_description\r\n"
        '1;Skolan;63.179;14.60;established;"Öppet vid kris, el, värme\r\noch vatten"\r\n'
        "2;Planerad;63.170;14.62;planned;Inte klar, ännu\r\n",
        encoding="utf-8",
    )
    j = tmp_path / "r.json"
    code, out, err = _run(
        capsys,
        "reach",
        "--facilities",
        f,
        "--only",
        "lifecycle=established",
        "--workdir",
        village_workdir,
        "--json",
        j,
    )
    assert code == 0, err
    assert json.loads(j.read_text())["facilities"] == 1
    code, _, err = _run(
        capsys,
        "reach",
        "--facilities",
        f,
        "--only",
        "lifecycle=decommissioned",
        "--workdir",
        village_workdir,
    )
    assert code == 2 and "holds no points with lifecycle=decommissioned" in err
    code, _, err = _run(
        capsys,
        "reach",
        "--facilities",
        f,
        "--only",
        "status",
        "--workdir",
        village_workdir,
    )
    assert code == 2 and "COLUMN=V1,V2" in err
