"""The planning work directory: cached artefacts that let the CLI steps chain.

Layout (all optional, each written by one step)::

    network.npz       sot plan network      the road graph (RoadNetwork.save)
    population.npz    sot plan population   snapped population units
    facilities.csv    sot plan reach        the chosen set of points, snapped
    candidates.csv    sot plan candidates   candidate sites, snapped
    reach.json        sot plan reach        reach figures
    site-*.json       sot plan site         siting results (one per model)
    whatif.json       sot plan what-if      what-if figures
    state.json        every step            inputs used (paths, options)
"""

from __future__ import annotations

import json
from pathlib import Path

from sot.planning.candidates import Sites, load_sites_csv
from sot.planning.errors import WorkdirError
from sot.planning.network import RoadNetwork
from sot.planning.population import Population


class Workdir:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def ensure(self) -> Workdir:
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def file(self, name: str) -> Path:
        return self.path / name

    # -- state ------------------------------------------------------------------------

    def state(self) -> dict:
        f = self.file("state.json")
        return json.loads(f.read_text(encoding="utf-8")) if f.exists() else {}

    def update_state(self, **values) -> None:
        state = self.state()
        state.update(values)
        self.write_json("state.json", state)

    def write_json(self, name: str, data) -> Path:
        self.ensure()
        f = self.file(name)
        f.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return f

    def read_json(self, name: str, step: str) -> dict:
        f = self.file(name)
        if not f.exists():
            raise WorkdirError(f"{f} is missing: run 'sot plan {step}' first")
        return json.loads(f.read_text(encoding="utf-8"))

    # -- artefacts --------------------------------------------------------------------

    def network(self) -> RoadNetwork:
        return RoadNetwork.load(self.file("network.npz"))

    def population(self) -> Population:
        return Population.load(self.file("population.npz"))

    def facilities(self) -> Sites:
        f = self.file("facilities.csv")
        if not f.exists():
            raise WorkdirError(
                f"{f} is missing: give the chosen points with "
                "'sot plan reach --facilities FILE.csv'"
            )
        return load_sites_csv(f)

    def candidates(self) -> Sites:
        return load_sites_csv(self.file("candidates.csv"))

    def has(self, name: str) -> bool:
        return self.file(name).exists()
