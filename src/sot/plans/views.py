"""The planning pages: start a run, follow it, see its maps and tables; and the
results `sot plan` left in ``SOT_PLAN_DIR``. Nothing is computed in a request."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sot.accounts import policy
from sot.errors import Invalid, NotFound
from sot.planning import extra
from sot.plans import services
from sot.plans.conf import plan_dir
from sot.plans.forms import RunForm
from sot.plans.models import PlanningRun, SitingModel
from sot.plans.permissions import RUN_PLANNING, SEE_PLAN_DIR, VIEW_PLANNING

MODEL_NAMES = dict(SitingModel.choices)
#: Files of a run's folder that its page may serve.
RUN_FILES = {
    "map.svg": "image/svg+xml",
    "map-after.svg": "image/svg+xml",
    "report.html": "text/html; charset=utf-8",
    "report.pdf": "application/pdf",
}


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_results(directory: Path) -> dict:
    """What a run or the planning CLI has written, as dicts (missing parts: None)."""
    sites = []
    for f in sorted(directory.glob("site-*.json")):
        data = _read(f)
        if data is not None:
            data["model_name"] = MODEL_NAMES.get(
                data.get("model", ""), data.get("model")
            )
            gap = data.get("gap")
            data["gap_pct"] = None if gap is None else round(100 * gap, 2)
            data["gains"] = data.pop("candidate_gains", [])[:10]
            sites.append(data)
    reach = _read(directory / "reach.json")
    if reach is not None:
        reach.pop("unit_time_s", None)  # per-unit times are for maps, not this page
        reach["share_pct"] = round(100 * reach.get("share_covered", 0.0), 1)
        for m in reach.get("municipalities", []):
            m["share_pct"] = round(100 * m.get("share_covered", 0.0), 1)
        reach["uncovered_largest"] = reach.get("uncovered_largest", [])[:15]
    return {
        "reach": reach,
        "sites": sites,
        "whatif": _read(directory / "whatif.json"),
        "has_html": (directory / "report.html").is_file(),
        "has_pdf": (directory / "report.pdf").is_file(),
    }


@login_required
def index(request):
    """The runs in the user's scope, the form to start one, and `sot plan`'s results."""
    policy.require(request.user, VIEW_PLANNING)
    may_run = policy.can(request.user, RUN_PLANNING)
    form = None
    if may_run:
        form = RunForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = services.start_run(
                    actor=request.user,
                    county_code=policy.home_county(request.user),
                    files={k: request.FILES.get(k) for k in RUN_UPLOADS},
                    **{k: form.cleaned_data[k] for k in RUN_FIELDS},
                )
            except Invalid as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Planeringen är startad."))
                return redirect("plans:run", run_id=run.pk)
    elif request.method == "POST":
        policy.require(request.user, RUN_PLANNING)
    runs = policy.filter_allowed(
        request.user,
        VIEW_PLANNING,
        PlanningRun.objects.all(),
        municipality_path="",
        county_path="county_code",
    )[:30]
    directory = plan_dir()
    return render(
        request,
        "plans/index.html",
        {
            "form": form,
            "runs": runs,
            "directory": directory,
            # a path on the server is for whoever runs it, not for every official
            "show_directory": policy.can(request.user, SEE_PLAN_DIR),
            # without the extra a run still has the straight-line model, and the page
            # says how to get the tools for road runs and `sot plan`
            "missing_extra": extra.missing(),
            "install_extra": extra.INSTALL,
            **load_results(directory),
        },
    )


RUN_FIELDS = (
    "road_source",
    "population_source",
    "candidate_source",
    "minutes",
    "model",
    "p",
)
RUN_UPLOADS = ("roads", "population", "stores", "fuel")


def _run(request, run_id: int) -> PlanningRun:
    run = get_object_or_404(PlanningRun, pk=run_id)
    policy.require(request.user, VIEW_PLANNING, run)
    return run


@login_required
def run_detail(request, run_id: int):
    run = _run(request, run_id)
    directory = run.directory()
    context = {"run": run, "files": {}}
    if run.status == "done":
        context.update(load_results(directory))
        for name in ("map.svg", "map-after.svg"):
            path = directory / name
            if path.is_file():
                context["files"][name.split(".")[0].replace("-", "_")] = name
    response = render(request, "plans/run.html", context)
    if not run.is_finished:
        response["Refresh"] = "5"  # the page follows the task's progress
    return response


@login_required
def run_file(request, run_id: int, name: str):
    run = _run(request, run_id)
    if name not in RUN_FILES:
        raise NotFound("no such file")
    path = run.directory() / name
    if not path.is_file():
        raise NotFound("not written")
    response = FileResponse(
        path.open("rb"),
        content_type=RUN_FILES[name],
        as_attachment=name.endswith(".pdf"),
    )
    return response


@login_required
def workdir_report(request, kind: str):
    """The HTML/PDF report `sot plan report` wrote into ``SOT_PLAN_DIR``."""
    policy.require(request.user, VIEW_PLANNING)
    name = {"html": "report.html", "pdf": "report.pdf"}.get(kind)
    path = plan_dir() / name if name else None
    if path is None or not path.is_file():
        raise NotFound("no report yet: run 'sot plan report'")
    return FileResponse(path.open("rb"), as_attachment=kind == "pdf", filename=name)
