"""The planning app's settings (declared once, listed by `sot check`)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from sot.config import env

PLAN_DIR = env.register(
    env.Setting(
        "SOT_PLAN_DIR",
        "plan",
        "The planning work directory (`sot plan --workdir`) whose results and report "
        "the coordinator's planning page shows; runs started from the browser are "
        "kept under its `runs/` folder.",
    )
)
ROAD_URL = env.register(
    env.Setting(
        "SOT_PLAN_ROAD_URL",
        "",
        "Address of an OpenStreetMap extract (.osm.pbf) that a planning run started "
        "from the browser may fetch instead of an upload (e.g. the county's extract "
        "from download.geofabrik.de); empty: only uploads.",
    )
)
COVERAGE_MINUTES = env.register(
    env.Setting(
        "SOT_PLAN_COVERAGE_MINUTES",
        "15",
        "Minutes of the coverage figures in the national overview when no planning "
        "run gives them (straight-line model).",
        kind="int",
    )
)


def plan_dir() -> Path:
    path = Path(PLAN_DIR.value())
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def runs_dir() -> Path:
    return plan_dir() / "runs"
