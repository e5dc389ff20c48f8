"""Benchmark: a national install (generated, seeded: 21 counties, 290 municipalities,
3 000 points, a running event with 1 000 activations and 30 000 reports) on SQLite
and on PostgreSQL, side by side in one run.

    .venv/bin/python bench/bench_national.py [--points 3000] [--duration 5]
        [--connections 16] [--pg postgres://postgres@127.0.0.1:5432/sot_bench_national]
        [--keep DIR] [--peer-src DIR] [--resources start,point]

For each database: load the country (``sot.operations.country.generate``), publish
the whole snapshot (timed), change one point's status and republish incrementally
(timed), then start ``sot serve`` and nginx (serving the snapshot) on free loopback
ports and run wrk against the public pages, the API lists and the coordinator
dashboard (logged in). Prints p50/p99 and requests/s per resource and server for
both databases (with the load average before and after each run, since other
processes share the cores), the publish times, the page weights (gzip) and the
workers' resident memory before the load and after each resource. Needs Debian's wrk
and nginx (``apt-get install wrk nginx-light``); without PostgreSQL (``--pg ''`` or
unreachable) only SQLite runs. Everything is started on free ports and stopped.

Faster runs while working on the serving path: ``--keep DIR`` keeps the loaded
databases and the published snapshot in DIR and reuses them on the next run with
``--keep DIR`` (skipping the minutes of generating and publishing; the publish
figures are then those of the run that loaded them); ``--resources`` names the
resources to run (start, point, municipality, county, geojson, api, apianon,
apigeojson, dashboard; ``apianon`` is the points list asked for without the
session cookie, as open-data clients do). ``--peer-src DIR`` starts a second ``sot serve`` from another source
tree (``PYTHONPATH=DIR``, e.g. ``/work/main/src`` for the code before a change)
on the same database and runs every resource against it too, so before and after
are printed side by side from one run on the same machine load; ``--peer-env
NAME=VALUE`` sets a setting for the peer only (the same source with
``SOT_ACCESS_LOG=false``, say).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_public import NGINX_CONF, VENV_BIN, free_port, wait_for, wrk  # noqa: E402

SETUP = """
import json, time
from sot.operations import country
t = time.perf_counter()
s = country.generate(points={points}, activations={activations},
                     reports={reports}, seed=1)
gen = time.perf_counter() - t
from sot.accounts.models import User
from django.test import Client
admin = User.objects.create_superuser("bench", password="bench-national")
c = Client()
c.force_login(admin)
from sot.public import site
t = time.perf_counter()
site.publish("{site}")
full = time.perf_counter() - t
from sot.operations import services as ops
from sot.operations.models import Activation
a = Activation.objects.filter(event_id=s.event_id, state="open").select_related(
    "point", "event").order_by("id").first()
ops.submit_status_report(point=a.point, event=a.event, reported_by=admin,
    source="web", state="limited", based_on_report_id=None,
    power_source="generator", services={{"food": "limited"}},
    fuel_products={{"diesel": "no"}}, payment_methods=["card"])
t = time.perf_counter()
r = site.publish_changes("{site}", slugs=[a.point.slug])
one = time.perf_counter() - t
from sot.registry.models import Point
from django.db.models import Count
county = (Point.objects.values("municipality__county_code")
          .annotate(n=Count("id")).order_by("-n").first()["municipality__county_code"])
muni = (Point.objects.values("municipality__code")
        .annotate(n=Count("id")).order_by("-n").first()["municipality__code"])
print("RESULT " + json.dumps({{"generate_s": gen, "full_s": full, "one_s": one,
    "files": r.files, "slug": a.point.slug, "county": county, "municipality": muni,
    "event": s.event_id, "session": c.cookies["sessionid"].value}}))
"""


RESOURCES = (
    "start",
    "point",
    "municipality",
    "county",
    "geojson",
    "api",
    "apianon",
    "apigeojson",
    "dashboard",
)


#: resources asked for without the official's session cookie
ANONYMOUS = frozenset({"API points anon"})


def _resources(info: dict, only=RESOURCES) -> list[tuple[str, str, bool]]:
    """(label, path, also on nginx)."""
    rows = {
        "start": ("start page", "/", True),
        "point": ("point page", f"/punkt/{info['slug']}/", True),
        "municipality": ("municipality", f"/kommun/{info['municipality']}/", True),
        "county": ("county", f"/lan/{info['county']}/", True),
        "geojson": ("GeoJSON feed", "/punkter.geojson", True),
        "api": ("API points", "/api/v1/points", False),
        "apianon": ("API points anon", "/api/v1/points?limit=100", False),
        "apigeojson": ("API GeoJSON p1", "/api/v1/points.geojson", False),
        "dashboard": ("dashboard", "/drift/oversikt/", False),
    }
    return [rows[name] for name in RESOURCES if name in only]


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the fields after the command name, which may hold spaces: state ppid ...
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry.name))
    return out


def worker_rss_mb(serve_pid: int) -> dict[int, float]:
    """Resident memory (MB) of each gunicorn worker under ``sot serve``, by pid."""
    sizes = {}
    for child in _children(serve_pid):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"gunicorn" not in cmd:
            continue
        for worker in _children(child):
            try:
                status = Path(f"/proc/{worker}/status").read_text()
            except OSError:
                continue
            kb = int(status.split("VmRSS:", 1)[1].split()[0])
            sizes[worker] = kb / 1024
    return sizes


def _pg_ready(url: str, *, fresh: bool = True) -> bool:
    if not url:
        return False
    try:
        import psycopg
    except ImportError:
        return False
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            if not fresh:
                conn.execute("SELECT 1")
                return True
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:  # no server: run SQLite alone
        print(f"PostgreSQL not used ({exc})")
        return False


def shell_result(env: dict, script: str):
    """What ``script``, run by ``sot shell`` in ``env``, printed after ``RESULT``
    (JSON)."""
    out = subprocess.run(
        [str(VENV_BIN / "sot"), "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.split("RESULT ", 1)[1])


def prepare(label: str, url: str, args, tmp: Path) -> tuple[dict, dict, Path]:
    """The environment to serve the database at ``url`` with, the loaded country's
    figures and the snapshot's folder: loaded and published now, or reused from
    ``tmp`` when a ``--keep`` run kept them there."""
    env = dict(os.environ)
    env.update(
        {
            "SOT_DATABASE_URL": url,
            "SOT_PUBLISH_DIR": "",
            "SOT_RUN_TASK_WORKER": "false",
            "SOT_DEBUG": "false",
            "SOT_WORKERS": str(args.workers),
            "SOT_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "sot.config.settings",
        }
    )
    sot = str(VENV_BIN / "sot")
    site = tmp / f"site-{label}"
    kept = tmp / f"info-{label}.json"
    if kept.exists():
        print(f"==> {label}: reusing the database and snapshot kept in {tmp}")
        info = json.loads(kept.read_text())
    else:
        print(f"==> {label}: migrate, generate {args.points} points, publish")
        subprocess.run([sot, "migrate", "-v0"], env=env, check=True)
        script = SETUP.format(
            points=args.points,
            activations=args.points // 3,
            reports=args.points * 10,
            site=site,
        )
        info = shell_result(env, script)
        if args.keep:
            kept.write_text(json.dumps(info))
    return env, info, site


def _run_database(label: str, url: str, args, tmp: Path) -> dict:
    env, info, site = prepare(label, url, args, tmp)
    sot = str(VENV_BIN / "sot")
    results: dict = {"info": info, "rows": {}}
    port, nginx_port = free_port(), free_port()
    peer_port = free_port()
    procs = []
    log = (tmp / f"app-{label}.log").open("w")
    procs.append(
        subprocess.Popen(
            [*_server_cpus(args), sot, "serve"],
            env=dict(env, SOT_HOST="127.0.0.1", SOT_PORT=str(port)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    )
    peer = None
    if args.peer_src:
        peer_env = dict(
            env,
            SOT_HOST="127.0.0.1",
            SOT_PORT=str(peer_port),
            PYTHONPATH=str(Path(args.peer_src).resolve()),
        )
        peer_env.update(pair.split("=", 1) for pair in args.peer_env)
        peer = subprocess.Popen(
            [*_server_cpus(args), sot, "serve"],
            env=peer_env,
            stdout=(tmp / f"peer-{label}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        procs.append(peer)
    conf = tmp / f"nginx-{label}.conf"
    conf.write_text(
        NGINX_CONF.format(workers=args.workers, tmp=tmp, port=nginx_port, root=site)
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    procs.append(
        subprocess.Popen(
            [*_server_cpus(args), nginx, "-c", str(conf), "-p", str(tmp)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    apps = [("sot serve", port, procs[0])]
    if peer is not None:
        apps.append(("sot serve, peer", peer_port, peer))
    resources = _resources(info, args.resources)
    try:
        for _server, app_port, _proc in apps:
            wait_for(f"http://127.0.0.1:{app_port}/", timeout_s=300)
        wait_for(f"http://127.0.0.1:{nginx_port}/")
        # every public page once, so the workers have loaded what they load
        for _name, path, static in resources:
            if static:
                for _server, app_port, _proc in apps:
                    wait_for(f"http://127.0.0.1:{app_port}{path}")
        for server, _port, proc in apps:
            results.setdefault("rss_before", {})[server] = worker_rss_mb(proc.pid)
        cookie = f"sessionid={info['session']}"
        for name, path, static in resources:
            for server, app_port, proc in apps:
                load = os.getloadavg()[0]
                row = wrk(
                    f"http://127.0.0.1:{app_port}{path}",
                    args.duration,
                    args.connections,
                    headers=[] if name in ANONYMOUS else [f"Cookie: {cookie}"],
                    **_load_cpus(args),
                )
                row["load"] = (load, os.getloadavg()[0])
                results["rows"][(name, server)] = row
                # the workers' memory after each resource: whether it levels off
                results.setdefault("rss_series", {}).setdefault(server, []).append(
                    (name, worker_rss_mb(proc.pid))
                )
            if static:
                load = os.getloadavg()[0]
                row = wrk(
                    f"http://127.0.0.1:{nginx_port}{path}",
                    args.duration,
                    args.connections,
                    **_load_cpus(args),
                )
                row["load"] = (load, os.getloadavg()[0])
                results["rows"][(name, "nginx snapshot")] = row
        for server, _port, proc in apps:
            results.setdefault("rss_after", {})[server] = worker_rss_mb(proc.pid)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
    results["weights"] = _weights(site)
    return results


def _weights(site: Path) -> dict[str, tuple[str, int]]:
    """The heaviest page (gzip bytes) of each kind in the snapshot."""
    kinds = {
        "start": "index.html",
        "point": "punkt/*/index.html",
        "municipality": "kommun/*/index.html",
        "county": "lan/*/index.html",
        "map": "karta/index.html",
        "messages": "meddelanden/index.html",
    }
    out = {}
    for kind, pattern in kinds.items():
        best = ("", 0)
        for p in site.glob(pattern):
            size = len(gzip.compress(p.read_bytes(), 9))
            if size > best[1]:
                best = (str(p.relative_to(site)), size)
        out[kind] = best
    return out


def _server_cpus(args) -> list[str]:
    """With ``--pin``: the servers (sot serve, nginx) on every core but the first."""
    if not args.pin:
        return []
    last = (os.cpu_count() or 2) - 1
    return ["taskset", "-c", f"1-{last}" if last > 1 else "1"]


def _load_cpus(args) -> dict:
    """With ``--pin``: wrk, with one thread, on the first core alone, so that the
    load generator does not take the servers' turns (on two shared cores even
    nginx's p99 was 20-34 times its p50)."""
    return {"prefix": ["taskset", "-c", "0"], "threads": 1} if args.pin else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=3000)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pin",
        action="store_true",
        help="wrk on the first core, the servers on the others (taskset)",
    )
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432/sot_bench_national"
    )
    parser.add_argument(
        "--only",
        choices=("sqlite", "postgresql"),
        help="run one database only",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the databases and snapshots in DIR; reuse them when there",
    )
    parser.add_argument(
        "--peer-src",
        metavar="DIR",
        help="also serve from this source tree (PYTHONPATH) and compare",
    )
    parser.add_argument(
        "--peer-env",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a setting for the peer only (repeatable), e.g. SOT_ACCESS_LOG=false",
    )
    parser.add_argument(
        "--resources",
        default=",".join(RESOURCES),
        help=f"comma-separated, of: {', '.join(RESOURCES)}",
    )
    args = parser.parse_args()
    args.resources = [r.strip() for r in args.resources.split(",") if r.strip()]
    unknown = set(args.resources) - set(RESOURCES)
    if unknown:
        parser.error(f"unknown resources: {', '.join(sorted(unknown))}")
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            print(f"{tool} not found: apt-get install wrk nginx-light")
            return 2
    if args.keep:
        tmp = Path(args.keep).resolve()
        tmp.mkdir(parents=True, exist_ok=True)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="sot-bench-national-"))
    tmp.chmod(0o755)
    runs = {}
    try:
        if args.only != "postgresql":
            runs["SQLite"] = _run_database(
                "SQLite", f"sqlite:///{tmp}/national.sqlite3", args, tmp
            )
        fresh = not (tmp / "info-PostgreSQL.json").exists()
        if args.only != "sqlite" and _pg_ready(args.pg, fresh=fresh):
            runs["PostgreSQL"] = _run_database("PostgreSQL", args.pg, args, tmp)
        _print(runs, args)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _print(runs: dict, args) -> None:
    names = list(runs)
    print(
        f"\n==> {args.points} points, {args.points // 3} activated, "
        f"{args.points * 10} reports; wrk -t{1 if args.pin else 2} "
        f"-c{args.connections} -d{args.duration}s, gzip, loopback, "
        f"{args.workers} workers"
        + (", wrk on core 0, servers on the others" if args.pin else "")
        + "\n"
    )
    head = f"{'resource':<16} {'server':<15}" + "".join(
        f" | {n + ' req/s':>17} {'p50 ms':>8} {'p99 ms':>8}" for n in names
    )
    print(head)
    print("-" * len(head))
    keys = list(runs[names[0]]["rows"])
    for key in keys:
        line = f"{key[0]:<16} {key[1]:<15}"
        for n in names:
            r = runs[n]["rows"].get(key)
            if r is None:
                line += f" | {'-':>17} {'-':>8} {'-':>8}"
                continue
            errs = f" ({r['errors']} non-2xx)" if r["errors"] else ""
            if r.get("timeouts"):
                errs += f" ({r['timeouts']} timeouts)"
            line += f" | {r['rps']:>17.0f} {r['p50']:>8.1f} {r['p99']:>8.1f}{errs}"
            if "load" in r:
                line += f"  (load {r['load'][0]:.1f}-{r['load'][1]:.1f})"
        print(line)
    print()
    for n in names:
        i = runs[n]["info"]
        print(
            f"{n}: generate {i['generate_s']:.1f} s, full publish {i['full_s']:.1f} s,"
            f" publish one change {i['one_s'] * 1000:.0f} ms ({i['files']} files)"
        )
    print("\n==> gunicorn workers' resident memory, MB (before -> after the load)")
    for n in names:
        for server, before in runs[n].get("rss_before", {}).items():
            after = runs[n].get("rss_after", {}).get(server, {})
            pairs = ", ".join(
                f"{before[pid]:.0f} -> {after.get(pid, float('nan')):.0f}"
                for pid in sorted(before)
            )
            print(f"{n}, {server}: {pairs}")
            for resource, sizes in runs[n].get("rss_series", {}).get(server, []):
                after_it = ", ".join(f"{sizes[pid]:.0f}" for pid in sorted(sizes))
                print(f"    after {resource}: {after_it}")
    print("\n==> heaviest page of each kind in the snapshot (gzip -9; budget 14336 B)")
    for kind, (path, size) in runs[names[0]]["weights"].items():
        print(f"{kind:<14} {size:>7} B  {path}")


if __name__ == "__main__":
    t0 = time.perf_counter()
    code = main()
    print(f"\n(bench took {time.perf_counter() - t0:.0f} s)")
    sys.exit(code)
