"""The coordinator's view of the planning results (`sot plan ...` writes them).

The planning package is plain Python and runs from the command line; this page only
reads what it wrote into the planning work directory (`SOT_PLAN_DIR`): reach figures,
siting results, what-if, and the HTML/PDF report.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render

from sot.accounts import policy
from sot.config import env
from sot.errors import NotFound
from sot.planning import extra

PLAN_DIR = env.register(
    env.Setting(
        "SOT_PLAN_DIR",
        "plan",
        "The planning work directory (`sot plan --workdir`) whose results and report "
        "the coordinator's planning page shows.",
    )
)

MODEL_NAMES = {
    "mclp": "Maximal täckning (MCLP)",
    "lscp": "Minsta antal punkter som täcker alla (LSCP)",
    "pmedian": "Kortast sammanlagd restid (p-median)",
}


def plan_dir() -> Path:
    path = Path(PLAN_DIR.value())
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_results(directory: Path) -> dict:
    """What the planning CLI has written, as dicts (missing parts are None)."""
    sites = []
    for f in sorted(directory.glob("site-*.json")):
        data = _read(f)
        if data is not None:
            data["model_name"] = MODEL_NAMES.get(
                data.get("model", ""), data.get("model")
            )
            gap = data.get("gap")
            data["gap_pct"] = None if gap is None else round(100 * gap, 2)
            sites.append(data)
    reach = _read(directory / "reach.json")
    if reach is not None:
        reach.pop("unit_time_s", None)  # per-cell times are for maps, not this page
        reach["share_pct"] = round(100 * reach.get("share_covered", 0.0), 1)
        for m in reach.get("municipalities", []):
            m["share_pct"] = round(100 * m.get("share_covered", 0.0), 1)
    return {
        "reach": reach,
        "sites": sites,
        "whatif": _read(directory / "whatif.json"),
        "has_html": (directory / "report.html").is_file(),
        "has_pdf": (directory / "report.pdf").is_file(),
    }


def _allowed(request) -> None:
    policy.require(request.user, policy.VIEW_PLANNING)


@login_required
def planning(request):
    _allowed(request)
    directory = plan_dir()
    context = {
        "directory": directory,
        # the page reads results only, but says how to get the tools to make them
        "missing_extra": extra.missing(),
        "install_extra": extra.INSTALL,
        **load_results(directory),
    }
    return render(request, "registry/planning.html", context)


@login_required
def planning_report(request, kind: str):
    _allowed(request)
    name = {"html": "report.html", "pdf": "report.pdf"}.get(kind)
    path = plan_dir() / name if name else None
    if path is None or not path.is_file():
        raise NotFound("no report yet: run 'sot plan report'")
    return FileResponse(path.open("rb"), as_attachment=kind == "pdf", filename=name)
