"""`sot serve` really serves: gunicorn with static files and the task worker beside it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def served(tmp_path):
    """A migrated SQLite database served by `sot serve` on a free loopback port."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOT_")}
    env.update(
        SOT_DATABASE_URL=f"sqlite:///{tmp_path}/serve.sqlite3",
        SOT_PORT=str(port),
        SOT_WORKERS="1",
        SOT_STATIC_ROOT=str(tmp_path / "static"),
    )
    subprocess.run(
        [sys.executable, "-m", "sot.cli", "migrate", "--no-input"],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "sot.cli", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            _get(base + "/api/v1/openapi.json")
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read().decode())
            time.sleep(0.5)
    yield base, proc
    proc.terminate()
    proc.wait(timeout=30)


def test_serve_answers_api_admin_and_static(served):
    base, proc = served
    status, body = _get(base + "/api/v1/points.geojson")
    assert status == 200 and b'"FeatureCollection"' in body
    assert _get(base + "/admin/login/")[0] == 200
    status, css = _get(base + "/static/admin/css/base.css")
    assert status == 200 and len(css) > 1000
    # The task worker runs beside the web server.
    children = subprocess.run(
        ["ps", "-o", "args=", "--ppid", str(proc.pid)], capture_output=True, text=True
    ).stdout
    assert (
        "db_worker" in children and "gunicorn" in children and "scheduler" in children
    )
