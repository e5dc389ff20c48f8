"""Benchmark: an alert to 100 000 subscribers, on SQLite and PostgreSQL side by side.

    .venv/bin/python bench/bench_fanout.py [--subscribers 100000] [--deliver 2000]
        [--pg postgres://postgres@127.0.0.1:5432/sot_bench_fanout]

For each database: the Jämtland demo, N SMS subscribers of Kall's municipality
(bulk-inserted), a running event with Kall activated. Then, timed: the operator's
report that opens Kall with every on-commit handler run (the request: it only
enqueues the alert task); the alert task (the fan-out: N queued messages in
batches); running it again (a worker restart: no duplicates, counted); and
delivering ``--deliver`` messages through the console channel (the sender's own
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

REPO = Path(__file__).resolve().parents[1]
SOT = str(REPO / ".venv" / "bin" / "sot")

SCRIPT = """
import json, time
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from sot.accounts.models import User
from sot.operations import services as ops
from sot.registry.models import Municipality, Point
from sot.outreach.models import Message, Subscription, PointNotice
from sot.outreach import channels, fanout, subscriptions, tasks
channels.use_backend("sms", None)
kall = Point.objects.get(slug="kall")
Subscription.objects.bulk_create([Subscription(channel="sms",
    address=f"+4670{{i:07d}}", municipality=kall.municipality, state="active",
    token=f"b{{i:08d}}") for i in range({n})], batch_size=5000)
admin = User.objects.get(username="admin")
event = ops.create_event(name="Storm", kind="storm",
    municipalities=[kall.municipality], created_by=admin)
activation = ops.activate_point(event=event, point=kall, activated_by=admin)
enqueued = []
subscriptions.enqueue_alert = lambda pk: enqueued.append(pk)
t = time.perf_counter()
with transaction.atomic():
    ops.submit_status_report(point=kall, event=event, reported_by=admin,
        source="web", state="open", services={{"food": "yes"}})
request_s = time.perf_counter() - t
t = time.perf_counter()
made = tasks.alert.call(enqueued[0])
fan_s = time.perf_counter() - t
notice = PointNotice.objects.get(activation=activation)
t = time.perf_counter()
fanout.fan_out(activation=activation, seq=notice.seq, template="point_opened",
    offers=notice.offers, when="12:00")
again_s = time.perf_counter() - t
total = Message.objects.filter(resident=True).count()
from sot.outreach.delivery import deliver_due
t = time.perf_counter()
sent = deliver_due(limit={deliver})
deliver_s = time.perf_counter() - t
print("RESULT " + json.dumps(dict(request_s=request_s, fan_s=fan_s, made=made,
    again_s=again_s, total=total, sent=sent, deliver_s=deliver_s)))
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
    out = subprocess.run(
        [
            SOT,
            "shell",
            "-c",
            SCRIPT.format(n=args.subscribers, deliver=args.deliver),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.split("RESULT ", 1)[1])


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
    print(f"\n==> alert to {args.subscribers} subscribers of one municipality\n")
    rows = [
        ("the operator's report (request)", "request_s", "s"),
        ("fan-out task: messages queued in", "fan_s", "s"),
        ("fan-out again (restart), in", "again_s", "s"),
    ]
    print(f"{'':<36}" + "".join(f"{n:>14}" for n in names))
    for label, key, _unit in rows:
        print(f"{label:<36}" + "".join(f"{results[n][key]:>13.2f}s" for n in names))
    print(
        f"{'messages after both runs':<36}"
        + "".join(f"{results[n]['total']:>14}" for n in names)
    )
    print(
        f"{'delivery (console channel), msg/s':<36}"
        + "".join(
            f"{results[n]['sent'] / results[n]['deliver_s']:>14.0f}" for n in names
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
