"""Benchmark: alerts to 100 000 subscribers, on SQLite and PostgreSQL side by side.

    .venv/bin/python bench/bench_fanout.py [--subscribers 100000] [--deliver 2000]
        [--pg postgres://postgres@127.0.0.1:5432/sot_bench_fanout]

For each database: the Jämtland demo and N SMS subscribers of the county, a third
each subscribed to the county, to one of its municipalities and to one of its
points, plus N/100 extra subscriptions of addresses that are already there (to Kall:
they must still get one message each). Then, timed:

* the county coordinator's warning to residents (the request: it records the
  warning and enqueues its task in the database queue, committed), the warning's
  task (the fan-out: N
  messages queued), running it again (a worker restart: no duplicates, counted);
* the operator's report that opens Kall (the request, committed with its on-commit
  work: it enqueues the alert task) and the alert task (Kall's, Åre's and the county's subscribers);
* a second warning whose task worker (started as `sot serve` starts it) is killed
  with SIGKILL a quarter of the way through the fan-out, then the sweep that
  finishes it: the messages counted, and the distinct recipients among them;
* delivering ``--deliver`` messages through the console channel (the sender's own
  cost; in production ``SOT_NOTIFY_CHANNEL_RATE_PER_SECOND`` paces it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# the sot beside the interpreter running the bench (the repository's .venv)
SOT = str(Path(sys.executable).parent / "sot")

SCRIPT = """
import json, time
from django.db import transaction
from sot.accounts.models import User
from sot.operations import services as ops
from sot.registry.models import County, Municipality, Point
from sot.outreach.models import Message, Subscription, ResidentWarning
from sot.outreach import channels, subscriptions, tasks
channels.use_backend("sms", None)
kall = Point.objects.get(slug="kall")
county = County.objects.get(code=kall.municipality.county_code)
munis = list(Municipality.objects.filter(county_code=county.code))
points = list(Point.objects.filter(municipality__county_code=county.code))
def target(i):
    if i % 3 == 0:
        return dict(county=county)
    if i % 3 == 1:
        return dict(municipality=munis[i % len(munis)])
    return dict(point=points[i % len(points)])
rows = [Subscription(channel="sms", address=f"+4670{{i:07d}}", state="active",
    token=f"b{{i:08d}}", **target(i)) for i in range({n})]
rows += [Subscription(channel="sms", address=f"+4670{{i:07d}}", state="active",
    token=f"d{{i:08d}}", point=kall) for i in range(0, {n}, 100)]
Subscription.objects.bulk_create(rows, batch_size=5000)
coordinator = User.objects.get(username="lansstyrelsen")
from django_tasks_db.models import DBTaskResult
def last_queued(name):
    return (DBTaskResult.objects.filter(task_path__endswith=name)
        .order_by("-enqueued_at").first().args_kwargs["args"])
t = time.perf_counter()
with transaction.atomic():
    warning = subscriptions.warn_county(by=coordinator, county=county,
        text="Storm i natt. Ladda telefonen, ha vatten hemma.")
warn_request_s = time.perf_counter() - t
assert last_queued(".warn") == [warning.pk]
t = time.perf_counter()
warned = tasks.warn.call(warning.pk)
warn_s = time.perf_counter() - t
t = time.perf_counter()
subscriptions.send_warning(warning_id=warning.pk)
warn_again_s = time.perf_counter() - t
warn_total = Message.objects.filter(key__startswith=f"warning:{{warning.pk}}:").count()
warn_distinct = Message.objects.filter(key__startswith=f"warning:{{warning.pk}}:"
    ).values("to").distinct().count()
# a task worker (as `sot serve` starts it) killed with SIGKILL half-way through a
# warning's fan-out; the sweep then finishes it
import os, signal, subprocess
from datetime import timedelta
from django.utils import timezone
from sot.outreach import conf
from sot.registry.management.commands.serve import worker_command
DBTaskResult.objects.filter(status="READY").delete()  # only this warning's task
second = subscriptions.warn_county(by=coordinator, county=county,
    text="Storm i natt, igen.")
mine = Message.objects.filter(key__startswith=f"warning:{{second.pk}}:")
worker = subprocess.Popen(worker_command(), stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL)
deadline = time.monotonic() + 300
while mine.count() < {n} // 4 and time.monotonic() < deadline:
    time.sleep(0.02)
os.kill(worker.pid, signal.SIGKILL)
worker.wait()
killed_at = mine.count()
later = timezone.now() + timedelta(
    seconds=conf.get(conf.SEND_CLAIM_TIMEOUT_SECONDS) + 1)
finished = subscriptions.finish_interrupted_warnings(now=later)
kill_total = mine.count()
kill_distinct = mine.values("to").distinct().count()
admin = User.objects.get(username="admin")
event = ops.create_event(name="Storm", kind="storm",
    municipalities=[kall.municipality], created_by=admin)
activation = ops.activate_point(event=event, point=kall, activated_by=admin)
t = time.perf_counter()
with transaction.atomic():
    ops.submit_status_report(point=kall, event=event, reported_by=admin,
        source="web", state="open", services={{"food": "yes"}})
request_s = time.perf_counter() - t
alert_args = last_queued(".alert")
assert alert_args == [activation.pk], alert_args
t = time.perf_counter()
alerted = tasks.alert.call(*alert_args)
alert_s = time.perf_counter() - t
from sot.outreach.delivery import deliver_due
t = time.perf_counter()
sent = deliver_due(limit={deliver})
deliver_s = time.perf_counter() - t
print("RESULT " + json.dumps(dict(warn_request_s=warn_request_s, warn_s=warn_s,
    warned=warned, warn_again_s=warn_again_s, warn_total=warn_total,
    warn_distinct=warn_distinct, request_s=request_s, alert_s=alert_s,
    alerted=alerted, sent=sent, deliver_s=deliver_s, killed_at=killed_at,
    finished=finished, kill_total=kill_total, kill_distinct=kill_distinct,
    subscriptions=Subscription.objects.count())))
"""


def run(label: str, url: str, args, tmp: Path) -> dict:
    env = dict(
        os.environ,
        SOT_DATABASE_URL=url,
        SOT_PUBLISH_DIR="",
        SOT_LOG_LEVEL="ERROR",
        SOT_SMS_BACKEND="console",
        SOT_NOTIFY_RESIDENT_MAX_PER_HOUR="1000",
        DJANGO_SETTINGS_MODULE="sot.config.settings",
    )
    print(f"==> {label}: migrate, demo, {args.subscribers} subscribers")
    subprocess.run([SOT, "migrate", "-v0"], env=env, check=True)
    subprocess.run([SOT, "demo"], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [SOT, "shell", "-c", SCRIPT.format(n=args.subscribers, deliver=args.deliver)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode or "RESULT " not in done.stdout:
        sys.exit(f"{label} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.split("RESULT ", 1)[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=2000)
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432/sot_bench_fanout"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_national import _pg_ready

    tmp = Path(tempfile.mkdtemp(prefix="sot-bench-fanout-"))
    results = {"SQLite": run("SQLite", f"sqlite:///{tmp}/f.sqlite3", args, tmp)}
    if _pg_ready(args.pg):
        results["PostgreSQL"] = run("PostgreSQL", args.pg, args, tmp)
    names = list(results)
    print(f"\n==> {args.subscribers} subscribers of one county\n")
    print(f"{'':<44}" + "".join(f"{n:>12}" for n in names))

    def line(label: str, key: str, fmt: str) -> None:
        print(f"{label:<44}" + "".join(format(results[n][key], fmt) for n in names))

    line("subscriptions (N/100 addresses twice)", "subscriptions", ">12")
    line("county warning: the request", "warn_request_s", ">11.3f")
    print("  the warning's task:")
    line("    recipients", "warned", ">12")
    line("    all queued in, s", "warn_s", ">11.2f")
    line("    again (a worker restart), s", "warn_again_s", ">11.2f")
    line("    messages after both runs", "warn_total", ">12")
    line("    distinct recipients among them", "warn_distinct", ">12")
    print("  a second warning, its worker killed (SIGKILL) half-way:")
    line("    messages when the worker was killed", "killed_at", ">12")
    line("    warnings the sweep finished", "finished", ">12")
    line("    messages after the sweep", "kill_total", ">12")
    line("    distinct recipients among them", "kill_distinct", ">12")
    line("Kall opens: the operator's report (request)", "request_s", ">11.3f")
    line("  the alert task: recipients", "alerted", ">12")
    line("  all queued in, s", "alert_s", ">11.2f")
    for n in names:
        results[n]["rate"] = results[n]["sent"] / results[n]["deliver_s"]
    line("delivery (console channel), msg/s", "rate", ">12.0f")
    return 0


if __name__ == "__main__":
    sys.exit(main())
