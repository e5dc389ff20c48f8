"""Benchmark: the public site served live by `sot serve` versus the static snapshot
served by nginx, side by side in one run on loopback, with the ratio; and the
compressed size of each page.

    .venv/bin/python bench/bench_public.py [--duration 5] [--connections 16]

Needs Debian's `wrk` and `nginx` (nginx-light). Builds a throw-away SQLite database
with the Jämtland demo and a running exercise in which Kall is open, publishes the
snapshot, starts both servers on free loopback ports, runs wrk against the start
page, a point page and the GeoJSON on each (requests ask for gzip, as browsers do),
prints the table, and stops both servers. Every run is bounded by --duration.
If `sot serve` is not available, gunicorn is started directly with the same workers.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: the checkout's virtualenv, else the one running this script (a git worktree
#: has no .venv of its own)
VENV_BIN = (
    REPO / ".venv" / "bin"
    if (REPO / ".venv" / "bin" / "sot").exists()
    else Path(sys.executable).parent
)
PATHS = [
    ("start page", "/"),
    ("point page", "/punkt/kall/"),
    ("GeoJSON", "/punkter.geojson"),
]

SETUP = """
from datetime import timedelta
from django.utils import timezone
from sot.accounts.models import User
from sot.operations import services as ops
from sot.registry.models import Municipality, Point
admin = User.objects.get(username="admin")
kall = Point.objects.get(slug="kall")
event = ops.create_event(name="Övning Storm", kind="storm", is_exercise=True,
    municipalities=[Municipality.objects.get(code="2321")], created_by=admin,
    starts_at=timezone.now() - timedelta(hours=1), points=[kall])
ops.submit_status_report(point=kall, event=event, reported_by=admin, source="web",
    state="open", services={"food": "yes", "heating": "yes"},
    fuel_products={"diesel": "yes"}, payment_methods=["card", "cash"])
"""

NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    sendfile on;
    etag on;
    gzip_static on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
        charset utf-8;
        location / {{ try_files $uri $uri/ =404; add_header Cache-Control "public, max-age=30"; }}
        location ~ \\.geojson$ {{ default_type application/geo+json; }}
        location /cap/ {{ types {{ }} default_type application/cap+xml; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not answer within {timeout_s} s")


def run(cmd, env, **kw):
    return subprocess.run(
        cmd, env=env, check=True, capture_output=True, text=True, **kw
    )


def wrk_command(
    url: str,
    duration_s: int,
    connections: int,
    headers=(),
    prefix=(),
    threads=2,
    script=None,
) -> list[str]:
    """wrk for ``url`` (gzip accepted, latency percentiles); ``prefix`` runs it
    under another command (e.g. ``taskset -c 0``, to keep it off the server's
    cores), ``script`` is a Lua script of wrk's (``-s``)."""
    extra = [arg for h in headers for arg in ("-H", h)]
    return [
        *prefix,
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration_s}s",
        "--latency",
        "-H",
        "Accept-Encoding: gzip",
        *extra,
        *(("-s", str(script)) if script else ()),
        url,
    ]


def wrk(
    url: str, duration_s: int, connections: int, headers=(), prefix=(), threads=2
) -> dict:
    """wrk's figures for ``url`` (see :func:`wrk_command`)."""
    out = subprocess.run(
        wrk_command(url, duration_s, connections, headers, prefix, threads),
        check=True,
        capture_output=True,
        text=True,
        timeout=duration_s + 30,
    ).stdout
    return wrk_figures(out)


def wrk_figures(out: str) -> dict:
    """requests/s, p50 and p99 (ms), non-2xx/3xx responses and timeouts from
    wrk's output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", out)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    return {
        "rps": rps,
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            print(
                f"{tool} not found: apt-get install {tool if tool == 'wrk' else 'nginx-light'}"
            )
            return 2
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tmp = Path(tempfile.mkdtemp(prefix="sot-bench-public-"))
    tmp.chmod(0o755)  # nginx workers run as www-data and must read the snapshot
    env = dict(os.environ)
    env.update(
        {
            "SOT_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "SOT_PUBLISH_DIR": "",
            "SOT_RUN_TASK_WORKER": "false",
            "SOT_DEBUG": "false",
            "SOT_WORKERS": str(args.workers),
            "SOT_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "sot.config.settings",
        }
    )
    sot = str(VENV_BIN / "sot")
    procs: list[subprocess.Popen] = []
    try:
        print(f"==> database, demo and snapshot in {tmp}")
        run([sot, "migrate", "-v0"], env)
        run([sot, "demo"], env)
        run([sot, "shell", "-c", SETUP], env)
        run([sot, "publish", str(tmp / "site")], env)

        app_port, nginx_port = free_port(), free_port()
        env_app = dict(env, SOT_HOST="127.0.0.1", SOT_PORT=str(app_port))
        has_serve = (
            subprocess.run(
                [sot, "help", "serve"], env=env, capture_output=True
            ).returncode
            == 0
        )
        if has_serve:
            app_cmd, app_name = [sot, "serve"], "sot serve"
        else:
            app_cmd = [
                str(VENV_BIN / "gunicorn"),
                "sot.config.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{app_port}",
                "--log-level",
                "warning",
            ]
            app_name = "gunicorn (no `sot serve`)"
        app_log = (tmp / "app.log").open("w")
        procs.append(
            subprocess.Popen(
                app_cmd, env=env_app, stdout=app_log, stderr=subprocess.STDOUT
            )
        )
        conf = tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                workers=args.workers, tmp=tmp, port=nginx_port, root=tmp / "site"
            )
        )
        procs.append(
            subprocess.Popen(
                [nginx, "-c", str(conf), "-p", str(tmp)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        try:
            wait_for(f"http://127.0.0.1:{app_port}/", timeout_s=90)
        except SystemExit:
            print((tmp / "app.log").read_text()[-3000:])
            raise
        try:
            wait_for(f"http://127.0.0.1:{nginx_port}/")
        except SystemExit:
            print((tmp / "nginx-error.log").read_text()[-3000:])
            raise

        print(
            f"==> wrk -t2 -c{args.connections} -d{args.duration}s, gzip, loopback; "
            f"{args.workers} workers each\n"
        )
        head = (
            f"{'resource':<12} {'server':<28} {'req/s':>9} {'p50 ms':>8} "
            f"{'p99 ms':>8} {'non-2xx':>8}"
        )
        print(head)
        print("-" * len(head))
        ratios = []
        for label, path in PATHS:
            live = wrk(
                f"http://127.0.0.1:{app_port}{path}", args.duration, args.connections
            )
            static = wrk(
                f"http://127.0.0.1:{nginx_port}{path}", args.duration, args.connections
            )
            for name, r in ((app_name, live), ("nginx (snapshot)", static)):
                print(
                    f"{label:<12} {name:<28} {r['rps']:>9.0f} {r['p50']:>8.2f} "
                    f"{r['p99']:>8.2f} {r['errors']:>8}"
                )
            ratio = static["rps"] / live["rps"] if live["rps"] else float("inf")
            ratios.append((label, ratio))
        print()
        for label, ratio in ratios:
            print(f"ratio nginx/live, {label}: {ratio:.1f}x")

        print(
            "\n==> compressed size of each page (gzip -9; the budget is 14 KB = 14336 B"
            " for the start and point pages, CSS inline)"
        )
        site = tmp / "site"
        rows = sorted(
            p
            for p in site.rglob("*")
            if p.is_file()
            and p.suffix
            in (".html", ".geojson", ".csv", ".atom", ".svg", ".css", ".xml")
        )
        for p in rows:
            raw = p.read_bytes()
            print(
                f"{str(p.relative_to(site)):<40} {len(raw):>8} B {len(gzip.compress(raw, 9)):>7} B gz"
            )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
