"""A light install: `pip install sot` brings no planning stack; versions are pinned."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANNING = {"numba", "scipy", "highspy", "osmium", "matplotlib"}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement such as 'psycopg[binary]>=3'."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
    return re.sub(r"[-_.]+", "-", name).lower()


def test_core_dependencies_bring_none_of_the_planning_stack():
    core = {_name(r) for r in _project()["dependencies"]}
    assert core & PLANNING == set()


def test_planning_extra_holds_them_and_dev_and_bench_include_it():
    extras = _project()["optional-dependencies"]
    assert {_name(r) for r in extras["planning"]} == PLANNING
    assert "sot[planning]" in extras["dev"]
    assert "sot[planning]" in extras["bench"]


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"not a pin: {line!r}"
        pins[_name(name)] = version
    return pins


def test_constraints_pin_every_direct_dependency_ci_installs():
    project = _project()
    extras = project["optional-dependencies"]
    wanted = {
        _name(r)
        for r in project["dependencies"] + extras["planning"] + extras["dev"]
        if not r.startswith("sot[")
    }
    pins = _constraints()
    assert "sot" not in pins
    assert sorted(wanted - set(pins)) == []


def test_scripts_install_from_the_constraints():
    venv = (ROOT / "scripts" / "_venv.sh").read_text()
    assert "-c constraints.txt" in venv
    assert 'ensure_venv "[planning]"' in (ROOT / "scripts" / "demo").read_text()
    assert 'ensure_venv "[dev]"' in (ROOT / "scripts" / "test").read_text()
