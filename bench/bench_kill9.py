"""Durability: kill -9 `sot serve` during writes and count what survived.

    .venv/bin/python bench/bench_kill9.py [--seconds 5]
        [--pg postgres://postgres@127.0.0.1:5432/sot_bench_kill9]

For each database (SQLite, and PostgreSQL with --pg): a migrated database with the
Jämtland demo and Kall activated in an exercise; `sot serve` on a free loopback
port; the Kall operator's status reports sent over the API as fast as one client
can for ``--seconds``; then SIGKILL to the whole process group mid-stream. Prints
writes acknowledged (201) and how many of those reports are in the database after
a restart: every acknowledged write must be kept.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable

SETUP = """
import json
from sot.registry import demo
from sot.accounts.models import ApiToken, User
from sot.operations import services as ops
from sot.registry.models import Municipality, Point
demo.load()
officer = User.objects.get(username="are")
event = ops.create_event(name="Kill 9", kind="storm", is_exercise=True,
    municipalities=[Municipality.objects.get(code="2321")], created_by=officer)
ops.activate_point(event=event, point=Point.objects.get(slug="kall"),
    activated_by=officer)
token = ApiToken.issue(user=User.objects.get(username="kall"), name="bench")[1]
print(json.dumps({"event": event.pk, "token": token}))
"""

COUNT = """
import json, sys
from sot.operations.models import StatusReport
ids = set(json.load(open(sys.argv[1])))
kept = set(StatusReport.objects.filter(pk__in=ids).values_list("pk", flat=True))
print(json.dumps({"kept": len(kept), "missing": sorted(ids - kept)[:10]}))
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _django(env, code, *args) -> str:
    out = subprocess.run(
        [PY, "-c", "import django; django.setup()\n" + code, *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "sot.config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def run(label: str, url: str, seconds: float, workdir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOT_")}
    port = _port()
    env.update(
        SOT_DATABASE_URL=url,
        SOT_PORT=str(port),
        SOT_WORKERS="2",
        SOT_STATIC_ROOT=str(workdir / "static"),
        SOT_LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [PY, "-m", "sot.cli", "migrate", "--no-input"],
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    setup = json.loads(_django(env, SETUP))
    serve = subprocess.Popen(
        [PY, "-m", "sot.cli", "serve"],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    reports = f"{base}/api/v1/operations/events/{setup['event']}/points/kall/reports"
    acknowledged: list[int] = []
    attempts = 0
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        attempts += 1
        body = json.dumps({"state": "open", "people_present": attempts % 500})
        request = urllib.request.Request(
            reports,
            data=body.encode(),
            headers={
                "Authorization": f"Bearer {setup['token']}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 201:
                    acknowledged.append(json.load(response)["id"])
        except OSError:
            pass
    os.killpg(serve.pid, signal.SIGKILL)  # the whole group: gunicorn and worker too
    serve.wait()
    ids = workdir / "ids.json"
    ids.write_text(json.dumps(acknowledged))
    counted = json.loads(_django(env, COUNT, str(ids)))
    print(
        f"{label:10} attempts {attempts:6}  acknowledged {len(acknowledged):6}  "
        f"kept {counted['kept']:6}  lost {len(acknowledged) - counted['kept']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--pg", help="PostgreSQL URL of a database to overwrite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run("sqlite", f"sqlite:///{work}/kill9.sqlite3", args.seconds, work)
        if args.pg:
            run("postgresql", args.pg, args.seconds, work)


if __name__ == "__main__":
    main()
