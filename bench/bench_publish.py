"""Benchmark: publishing one status change against a full rebuild, side by side in
one run, at national scale (generated, seeded: 21 counties, 290 municipalities,
3 000 points, 1 000 activated, 30 000 reports).

    .venv/bin/python bench/bench_publish.py [--points 3000] [--changes 5]
        [--db /tmp/sot-bench-publish.sqlite3] [--pg postgres://...] [--profile]

For each database (SQLite always; PostgreSQL when ``--pg`` is given and answers):
migrate, generate the country, publish the whole snapshot (timed: the full
rebuild), then ``--changes`` times: one operator's status report on a different
activated point, then the publish (timed) through the task path that production
uses (``request_publish`` writes the change down, ``publish_pending`` publishes
the change's own pages), and checks the new state is in the published page; then
the deferred ``publish_lists`` task once (timed: the files that list every
point). Then the same changes end to end: a task worker started as ``sot serve``
starts them (its task worker and the slow queue's), and the time from the
report's commit until its note is in the
point's published page, and, after the last change, until it is in the
published GeoJSON (the deferred lists). Prints the full rebuild, the one-change
publish (median and worst), the lists, the end-to-end latencies and the files
each wrote; the end-to-end runs three times: with the task queue's debounce of
0.2 s and the slow worker at normal priority (before), with ``DEBOUNCE_S``, and
with the slow worker niced as `sot serve` starts it (now). ``--profile`` prints cProfile's top
functions (CPU time) of one incremental publish.

An existing ``--db`` file with the country in it is reused (and its snapshot
folder beside it), so the one-change figures can be measured again quickly while
working on the incremental path; delete the file for a fresh run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import cProfile, io, json, pstats, statistics, sys, time
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from sot.registry.models import Point

args = json.loads(sys.argv[1])
site_dir = Path(args["site"])
settings.PUBLISH_DIR = str(site_dir)
out = {}
call_command("migrate", verbosity=0)
if not Point.objects.exists():
    from sot.operations import country
    t = time.perf_counter()
    country.generate(points=args["points"], activations=args["points"] // 3,
                     reports=args["points"] * 10, seed=1)
    out["generate_s"] = time.perf_counter() - t
from sot.accounts.models import User
from sot.public import site, tasks
from sot.public.core import snapshot
from sot.public.models import PendingPublish
admin = User.objects.filter(username="bench").first() or (
    User.objects.create_superuser("bench", password="bench-publish"))
if args["full"] or not (site_dir / "manifest.json").exists():
    t, c = time.perf_counter(), time.process_time()
    r = site.publish(site_dir)
    out["full_s"] = time.perf_counter() - t
    out["full_cpu_s"] = time.process_time() - c
    out["full_files"] = r.files
from sot.operations import services as ops
from sot.operations.models import Activation
acts = list(Activation.objects.filter(state="open").select_related("point", "event")
            .order_by("id")[: args["changes"]])
times, cpu, written = [], [], []
states = ["limited", "open"]
for i, a in enumerate(acts):
    current = a.point.slug
    before = snapshot.current_manifest(site_dir)["files"]
    state = states[i % 2]
    note = f"Bänk {time.time_ns()}"
    ops.submit_status_report(point=a.point, event=a.event, reported_by=admin,
        source="web", state=state, based_on_report_id=None,
        power_source="generator", services={"food": "limited"},
        fuel_products={"diesel": "no"}, payment_methods=["card"], public_note=note)
    PendingPublish.objects.all().delete()
    prof = cProfile.Profile(time.process_time) if args["profile"] and i == 1 else None
    t, c = time.perf_counter(), time.process_time()
    if prof: prof.enable()
    tasks.request_publish(slugs=[current])
    result = tasks.publish_pending.call()
    if prof: prof.disable()
    times.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
    assert result["published"], result
    page = (site_dir / "punkt" / current / "index.html").read_text()
    assert note in page, "the change is not in the published page"
    after = snapshot.current_manifest(site_dir)["files"]
    written.append(sum(1 for p in after if after[p] != before.get(p)))
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(30)
        out["profile"] = s.getvalue()
out.update(one_s=times, one_cpu_s=cpu, one_files=written)
before = snapshot.current_manifest(site_dir)["files"]
t, c = time.perf_counter(), time.process_time()
result = tasks.publish_lists.call()
out["lists_s"], out["lists_cpu_s"] = time.perf_counter() - t, time.process_time() - c
assert result["published"], result
after = snapshot.current_manifest(site_dir)["files"]
out["lists_files"] = sum(1 for p in after if after[p] != before.get(p))
# End to end, as `sot serve` runs it: the report commits (its on-commit hook writes
# the change down and enqueues the debounced task), the task worker started as
# `sot serve` starts it picks the task up, and the time runs until the new note is
# in the published file.
import os, subprocess
from sot.registry.management.commands.serve import worker_command
env = dict(os.environ, SOT_PUBLISH_DIR=str(site_dir))
def e2e_run(interval, debounce_s, nice=True):
  tasks.DEBOUNCE_S = debounce_s  # read where the report is made: here
  command = worker_command()
  command[command.index("--interval") + 1] = str(interval)
  worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
  slow_command = worker_command(slow=True)
  if not nice:  # as before the slow worker ran at a lower priority
      slow_command = slow_command[slow_command.index(sys.executable):]
  slow = subprocess.Popen(slow_command, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
  e2e = []
  lists = None
  try:
      time.sleep(3)  # the worker starts and runs what the loop above left queued
      for i, a in enumerate(acts):
          page_path = site_dir / "punkt" / a.point.slug / "index.html"
          note = f"Bänk e2e {time.time_ns()}"
          ops.submit_status_report(point=a.point, event=a.event, reported_by=admin,
              source="web", state=states[(i + 1) % 2], based_on_report_id=None,
              power_source="generator", services={"food": "limited"},
              fuel_products={"diesel": "no"}, payment_methods=["card"],
              public_note=note)
          t = time.perf_counter()  # the report is committed
          while note not in page_path.read_text():
              if time.perf_counter() - t > 120:
                  raise SystemExit("the change did not reach the snapshot in 120 s")
              time.sleep(0.005)
          e2e.append(time.perf_counter() - t)
          if i == len(acts) - 1:  # the deferred lists: the GeoJSON has the note
              geo = site_dir / "punkter.geojson"
              while note not in geo.read_text():
                  if time.perf_counter() - t > 300:
                      raise SystemExit("the lists did not follow in 300 s")
                  time.sleep(0.02)
              lists = time.perf_counter() - t
          time.sleep(0.3 + (time.time_ns() % 400) / 1000)  # no phase lock with the poll
  finally:
      for w in (worker, slow):
          w.terminate()
          w.wait()
  return e2e, lists
interval = worker_command()[worker_command().index("--interval") + 1]
debounce = tasks.DEBOUNCE_S
# before: the 0.2 s debounce of main before this work; now: DEBOUNCE_S
out["e2e_before_s"], out["e2e_lists_before_s"] = e2e_run(interval, 0.2, False)
out["e2e_plain_s"], out["e2e_lists_plain_s"] = e2e_run(interval, debounce, False)
out["e2e_s"], out["e2e_lists_s"] = e2e_run(interval, debounce)
out["debounce_s"] = debounce
print("RESULT " + json.dumps(out))
"""


def _run(label: str, url: str, site: Path, args) -> dict:
    env = dict(
        os.environ,
        SOT_DATABASE_URL=url,
        SOT_PUBLISH_DIR="",
        SOT_DEBUG="false",
        SOT_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="sot.config.settings",
    )
    params = {
        "site": str(site),
        "points": args.points,
        "changes": args.changes,
        "profile": args.profile,
        "full": not args.reuse_snapshot,
    }
    print(f"==> {label}: country of {args.points} points, publish", flush=True)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(params)],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{label}: the run failed")
    return json.loads(proc.stdout.split("RESULT ", 1)[1])


def _pg_ready(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:  # no server: SQLite alone
        sys.stdout.write(f"PostgreSQL not used ({exc})\n")
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=3000)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--db", default="/tmp/sot-bench-publish.sqlite3")
    parser.add_argument("--pg", default="")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--reuse-snapshot",
        action="store_true",
        help="Skip the full rebuild when a snapshot exists (one-change figures only).",
    )
    args = parser.parse_args()
    runs = {}
    db = Path(args.db)
    runs["SQLite"] = _run("SQLite", f"sqlite:///{db}", db.with_suffix(".site"), args)
    if args.pg and _pg_ready(args.pg):
        site = db.with_name(f"{db.stem}-pg.site")
        runs["PostgreSQL"] = _run("PostgreSQL", args.pg, site, args)
    out = sys.stdout
    out.write(f"\nPublishing at {args.points} points (one run; seconds)\n\n")
    names = list(runs)
    out.write("| | " + " | ".join(names) + " |\n|---|" + "---:|" * len(names) + "\n")

    def row(label, fmt):
        out.write(f"| {label} | " + " | ".join(fmt(runs[n]) for n in names) + " |\n")

    row(
        "generate the country",
        lambda r: f"{r['generate_s']:.1f}" if "generate_s" in r else "(reused)",
    )
    row(
        "full rebuild",
        lambda r: (
            f"{r['full_s']:.1f} ({r['full_files']} files)"
            if "full_s" in r
            else "(reused)"
        ),
    )
    row(
        "full rebuild, CPU",
        lambda r: f"{r['full_cpu_s']:.1f}" if "full_cpu_s" in r else "(reused)",
    )
    row("one change, median", lambda r: f"{statistics.median(r['one_s']):.3f}")
    row("one change, CPU median", lambda r: f"{statistics.median(r['one_cpu_s']):.3f}")
    row("one change, worst", lambda r: f"{max(r['one_s']):.3f}")
    row(
        "the deferred lists (publish_lists), wall / CPU",
        lambda r: f"{r['lists_s']:.2f} / {r['lists_cpu_s']:.2f}",
    )
    now = runs[names[0]]["debounce_s"]
    for key, label in (
        ("e2e_before_s", "debounce 0.2 s, slow worker at nice 0"),
        ("e2e_plain_s", f"debounce {now} s, slow worker at nice 0"),
        ("e2e_s", f"debounce {now} s, slow worker niced (now)"),
    ):
        row(
            f"commit to point page visible, {label}, median",
            lambda r, k=key: f"{statistics.median(r[k]):.3f}",
        )
        row(
            f"commit to point page visible, {label}, worst",
            lambda r, k=key: f"{max(r[k]):.3f}",
        )
    row(
        "commit to GeoJSON visible (deferred lists), last change, the three runs",
        lambda r: " / ".join(
            f"{r[k]:.1f}"
            for k in ("e2e_lists_before_s", "e2e_lists_plain_s", "e2e_lists_s")
        ),
    )
    row("files written by one change", lambda r: f"{max(r['one_files'])}")
    row("files written by the lists", lambda r: f"{r['lists_files']}")
    row(
        "full / one change",
        lambda r: (
            f"{r['full_s'] / statistics.median(r['one_s']):.0f}×"
            if "full_s" in r
            else "–"
        ),
    )
    out.write(
        "\n(wall-clock seconds; CPU = time.process_time of the publishing process,\n"
        "less sensitive to other load on the machine)\n"
    )
    for n in names:
        if "profile" in runs[n]:
            out.write(f"\ncProfile of one change ({n}):\n{runs[n]['profile']}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
