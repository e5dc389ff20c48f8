"""Benchmark: whether the web workers' memory stays level over a long run (#15).

    .venv/bin/python bench/bench_soak.py --keep DIR [--minutes 60] [--round 60]
        [--pg postgres://postgres@127.0.0.1:5432/sot_bench_national]
        [--peer-src DIR] [--pin] [--change-every 10]

The national install of ``bench/bench_national.py`` (3 000 points, loaded into
PostgreSQL, or reused from ``--keep DIR``) served by ``sot serve`` and, with
``--peer-src``, by a second ``sot serve`` from another source tree on the same
database, both at once. For ``--minutes``, wrk asks each for a mix of public pages
(the start page, 60 point pages, 20 municipality and every county page, the
GeoJSON feed and a page of the open API) while a status report is submitted every
``--change-every`` seconds (each a new version of the public data: every page is
rendered again). After each round of ``--round`` seconds it prints, side by side,
each server's requests/s, p50 and p99 over the round and the resident memory of
each of its gunicorn workers; at the end the first and the last round's memory.
Needs wrk; the servers' task workers are off (the changes are made directly).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_national import (  # noqa: E402
    _load_cpus,
    _pg_ready,
    _server_cpus,
    prepare,
    shell_result,
    worker_rss_mb,
)
from bench_public import VENV_BIN, free_port, wait_for, wrk_command, wrk_figures  # noqa: E402

PATHS = """
import json
from django.db.models import Count
from sot.registry.models import Point
from sot.public.state import PUBLIC_LIFECYCLES
points = Point.objects.filter(lifecycle__in=PUBLIC_LIFECYCLES).order_by("slug")
slugs = list(points.values_list("slug", flat=True)[::50][:60])
munis = [r["municipality__code"] for r in points.values("municipality__code")
         .annotate(n=Count("id")).order_by("-n", "municipality__code")[:20]]
counties = sorted(set(points.values_list("municipality__county_code", flat=True)))
print("RESULT " + json.dumps({"slugs": slugs, "munis": munis, "counties": counties}))
"""

CHANGER = """
import sys, time
from sot.accounts.models import User
from sot.operations import services as ops
from sot.operations.models import Activation
admin = User.objects.get(username="bench")
acts = list(Activation.objects.filter(event_id={event}).select_related(
    "point", "event").order_by("id")[:20])
end = time.monotonic() + {seconds}
n = 0
while time.monotonic() < end:
    a = acts[n % len(acts)]
    ops.submit_status_report(point=a.point, event=a.event, reported_by=admin,
        source="web", state=("limited", "open")[n // len(acts) % 2],
        based_on_report_id=None, power_source="generator",
        services={{"food": "limited"}}, fuel_products={{"diesel": "no"}},
        payment_methods=["card"])
    n += 1
    time.sleep({every})
print("RESULT", n)
"""

MIX_LUA = """
paths = {{{paths}}}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def _paths(env: dict) -> list[str]:
    found = shell_result(env, PATHS)
    return [
        "/",
        "/punkter.geojson",
        "/api/v1/points?limit=100",
        *(f"/punkt/{s}/" for s in found["slugs"]),
        *(f"/kommun/{m}/" for m in found["munis"]),
        *(f"/lan/{c}/" for c in found["counties"]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--round", type=int, default=60, help="seconds per round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--change-every", type=float, default=10)
    parser.add_argument("--points", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pg", default="postgresql://postgres@127.0.0.1:5432/sot_bench_national"
    )
    parser.add_argument("--keep", default="", help="the folder of bench_national")
    parser.add_argument("--peer-src", default="")
    parser.add_argument("--pin", action="store_true")
    args = parser.parse_args()
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="sot-bench-soak-"))
    tmp.mkdir(parents=True, exist_ok=True)
    kept = (tmp / "info-PostgreSQL.json").exists()
    if not _pg_ready(args.pg, fresh=not kept):
        print("PostgreSQL is needed")
        return 2
    env, info, _site = prepare("PostgreSQL", args.pg, args, tmp)
    paths = _paths(env)
    script = tmp / "soak-mix.lua"
    script.write_text(MIX_LUA.format(paths=", ".join(f'"{p}"' for p in paths)))
    sot = str(VENV_BIN / "sot")
    servers = [("sot serve", None)]
    if args.peer_src:
        servers.append(("peer", str(Path(args.peer_src).resolve())))
    procs: list[tuple[str, int, subprocess.Popen]] = []
    changer = None
    try:
        for name, src in servers:
            port = free_port()
            server_env = dict(env, SOT_HOST="127.0.0.1", SOT_PORT=str(port))
            server_env["SOT_ACCESS_LOG"] = "false"
            if src:
                server_env["PYTHONPATH"] = src
            log = (tmp / f"soak-{name.replace(' ', '-')}.log").open("w")
            proc = subprocess.Popen(
                [*_server_cpus(args), sot, "serve"],
                env=server_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            procs.append((name, port, proc))
        for _name, port, _proc in procs:
            wait_for(f"http://127.0.0.1:{port}/", timeout_s=300)
        seconds = args.minutes * 60
        changer = subprocess.Popen(
            [
                sot,
                "shell",
                "-c",
                CHANGER.format(
                    event=info["event"], seconds=seconds, every=args.change_every
                ),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        print(
            f"==> {len(paths)} public paths in turn, wrk -t1 -c{args.connections} "
            f"a server, a status report every {args.change_every:g} s, "
            f"{args.minutes:g} min in rounds of {args.round} s"
        )
        header = "min  " + "".join(
            f"| {name:>9} req/s  p50 ms  p99 ms  workers MB       "
            for name, _ in servers
        )
        print(header)
        started = time.monotonic()
        first: dict[str, dict] = {}
        last: dict[str, dict] = {}
        load = _load_cpus(args)
        while time.monotonic() - started < seconds:
            runs = [
                subprocess.Popen(
                    wrk_command(
                        f"http://127.0.0.1:{port}/",
                        args.round,
                        args.connections,
                        prefix=load.get("prefix", ()),
                        threads=1,
                        script=script,
                    ),
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for _name, port, _proc in procs
            ]
            outs = [run.communicate(timeout=args.round + 60)[0] for run in runs]
            minute = (time.monotonic() - started) / 60
            row = f"{minute:4.1f} "
            for (name, _port, proc), out in zip(procs, outs, strict=True):
                figures = wrk_figures(out)
                rss = worker_rss_mb(proc.pid)
                first.setdefault(name, rss)
                last[name] = rss
                sizes = "/".join(f"{v:.0f}" for _pid, v in sorted(rss.items()))
                row += (
                    f"| {figures['rps']:15.0f} {figures['p50']:7.1f} "
                    f"{figures['p99']:7.1f}  {sizes:<17}"
                )
            print(row, flush=True)
        print("\n==> workers' resident memory, MB: first round -> last round")
        for name, _src in servers:
            before = "/".join(f"{v:.0f}" for _pid, v in sorted(first[name].items()))
            after = "/".join(f"{v:.0f}" for _pid, v in sorted(last[name].items()))
            print(f"{name}: {before} -> {after}")
        changer.wait(timeout=args.change_every + 120)
        changes = changer.stdout.read().split("RESULT", 1)[-1].strip()
        print(f"status reports submitted: {changes}")
    finally:
        if changer is not None and changer.poll() is None:
            changer.terminate()
        for _name, _port, proc in procs:
            proc.terminate()
        for _name, _port, proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sot.config.settings")
    sys.exit(main())
