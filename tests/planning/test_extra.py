"""Without the planning extra, `sot plan` says how to install it instead of failing."""

from __future__ import annotations

import sys

import pytest

from sot import cli
from sot.planning import extra


def test_installed_in_the_test_environment():
    assert extra.missing() == []


def test_missing_modules_are_named(monkeypatch):
    # None in sys.modules is how Python marks a module that cannot be imported
    monkeypatch.setitem(sys.modules, "highspy", None)
    monkeypatch.setitem(sys.modules, "scipy", None)
    assert extra.missing() == ["scipy", "highspy"]


def test_sot_plan_without_the_extra_exits_2_with_the_install_command(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setitem(sys.modules, "numba", None)
    rc = cli.main(["sot", "plan", "network", str(tmp_path / "x.osm.pbf")])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert err.strip() == (
        "error: sot plan needs the planning extra (numba missing); "
        "install it with: pip install 'sot[planning]'"
    )
    assert not (tmp_path / "plan").exists()  # nothing was started


def test_help_works_without_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(SystemExit) as exc:
        cli.main(["sot", "plan", "--help"])
    assert exc.value.code == 0
    assert "sot plan" in capsys.readouterr().out
