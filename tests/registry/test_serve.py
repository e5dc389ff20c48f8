"""`sot serve` really serves: gunicorn with static files and the task worker beside it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import sot


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


def _children(pid) -> list[tuple[str, str]]:
    out = subprocess.run(
        ["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    return [tuple(line.split(None, 1)) for line in out.splitlines() if line.strip()]


@pytest.fixture
def served(tmp_path):
    """A migrated SQLite database served by `sot serve` on a free loopback port."""
    yield from _serve(tmp_path)


@pytest.fixture
def served_rendering_ahead(tmp_path):
    """As ``served``, with every page counted slow to render: the page renderer
    keeps each page asked for rendered ahead."""
    yield from _serve(tmp_path, SOT_RENDER_AHEAD_MS="1")


def _serve(tmp_path, **settings):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOT_")}
    # the code under test, whatever the working directory (a relative PYTHONPATH
    # would fall back on the installed package from tmp_path)
    env["PYTHONPATH"] = str(Path(sot.__file__).resolve().parents[1])
    env.update(
        SOT_DATABASE_URL=f"sqlite:///{tmp_path}/serve.sqlite3",
        SOT_PORT=str(port),
        SOT_WORKERS="1",
        SOT_STATIC_ROOT=str(tmp_path / "static"),
        **settings,
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
    yield base, proc, env
    proc.terminate()
    proc.wait(timeout=30)


def test_serve_answers_api_admin_and_static(served):
    base, proc, _ = served
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
    # The web server's workers run with glibc's arenas bounded (gunicorn_hooks).
    gunicorn = [pid for pid, args in _children(proc.pid) if "gunicorn" in args]
    environs = []
    for pid in gunicorn + [pid for g in gunicorn for pid, _ in _children(g)]:
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                environs.append(f.read().split(b"\0"))
        except OSError:
            continue
    assert environs and all(b"MALLOC_ARENA_MAX=2" in e for e in environs)


def test_the_web_server_loads_the_worker_hooks():
    """gunicorn is told to read sot.config.gunicorn_hooks, and its own loader finds
    the hook there that tunes the garbage collector of each worker."""
    from gunicorn.app.base import Application
    from gunicorn.config import Config

    from sot.config import gunicorn_hooks
    from sot.registry.management.commands.serve import web_command

    command = web_command(bind="127.0.0.1:8000", workers=2)
    config_arg = command[command.index("--config") + 1]
    assert config_arg == "python:sot.config.gunicorn_hooks"
    app = Application.__new__(Application)  # gunicorn's loader, without argv
    app.cfg = Config()
    app.load_config_from_module_name_or_filename(config_arg)
    assert app.cfg.post_worker_init is gunicorn_hooks.post_worker_init


def test_the_web_server_bounds_malloc_arenas_unless_told_otherwise():
    from sot.registry.management.commands.serve import web_environment

    env = web_environment({"PATH": "/usr/bin"})
    assert env["MALLOC_ARENA_MAX"] == "2" and env["PATH"] == "/usr/bin"
    assert env["DJANGO_SETTINGS_MODULE"] == "sot.config.settings"
    assert web_environment({"MALLOC_ARENA_MAX": "4"})["MALLOC_ARENA_MAX"] == "4"


def test_the_web_servers_threads_are_a_setting(monkeypatch):
    """Two threads a worker by default (docs/scaling.md: the slowest cached answers
    at 10 ms instead of 26 ms); SOT_THREADS or --threads changes it."""
    from sot.registry.management.commands import serve

    def threads(argv=()):
        options = serve.Command().create_parser("sot", "serve").parse_args(argv)
        command = serve.web_command(
            bind="127.0.0.1:8000", workers=options.workers, threads=options.threads
        )
        return command[command.index("--threads") + 1]

    monkeypatch.delenv("SOT_THREADS", raising=False)
    assert threads() == "2"
    monkeypatch.setenv("SOT_THREADS", "3")
    assert threads() == "3"
    assert threads(["--threads", "6"]) == "6"


def test_the_web_workers_share_rendered_pages_in_a_folder_of_their_own(served):
    """`sot serve` gives its workers a temporary folder to share the public pages
    they render (SOT_PAGE_CACHE_DIR, sot.public.pagecache), and removes it when
    it stops."""
    base, proc, _ = served
    assert _get(base + "/")[0] == 200
    gunicorn = [pid for pid, args in _children(proc.pid) if "gunicorn" in args]
    workers = [pid for g in gunicorn for pid, _ in _children(g)]
    folders = set()
    for pid in workers:
        with open(f"/proc/{pid}/environ", "rb") as f:
            for item in f.read().split(b"\0"):
                if item.startswith(b"SOT_PAGE_CACHE_DIR="):
                    folders.add(item.split(b"=", 1)[1].decode())
    assert len(folders) == 1
    folder = Path(folders.pop())
    assert list(folder.rglob("*.page"))  # the start page, rendered and shared
    proc.terminate()
    proc.wait(timeout=30)
    assert not folder.exists()


def test_the_page_renderer_renders_a_slow_page_after_a_change(
    served_rendering_ahead, tmp_path
):
    """`sot serve` starts the page renderer (sot.public.ahead) at a lower CPU
    priority with the web workers' environment: a page the web worker found
    slow is rendered again by the renderer when the data changes, under the very
    key the web worker then reads (no second render, no second copy)."""
    base, proc, env = served_rendering_ahead
    assert _get(base + "/")[0] == 200
    renderers = [
        (pid, args) for pid, args in _children(proc.pid) if "render_ahead" in args
    ]
    assert len(renderers) == 1
    pid = renderers[0][0]
    stat = Path(f"/proc/{pid}/stat").read_text()
    assert int(stat.rsplit(")", 1)[1].split()[16]) > 0  # niced
    gunicorn = [p for p, args in _children(proc.pid) if "gunicorn" in args]
    with open(f"/proc/{gunicorn[0]}/environ", "rb") as f:
        folder = next(
            Path(item.split(b"=", 1)[1].decode())
            for item in f.read().split(b"\0")
            if item.startswith(b"SOT_PAGE_CACHE_DIR=")
        )
    deadline = time.monotonic() + 30
    while not list(folder.rglob("ahead/*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(list(folder.rglob("ahead/*.json"))) == 1  # the start page, marked
    time.sleep(2)  # rounds of the renderer: it finds the page under the same key
    assert len(list(folder.rglob("*.page"))) == 1
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sot.cli",
            "shell",
            "-c",
            "from sot.public import pagecache; pagecache.changed()",
        ],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    deadline = time.monotonic() + 30
    while len(list(folder.rglob("*.page"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(list(folder.rglob("*.page"))) == 2  # the new version, rendered ahead
    time.sleep(1.5)  # the web worker's check of the version (SOT_PAGE_CACHE_CHECK_MS)
    with urllib.request.urlopen(base + "/", timeout=5) as response:
        # the new version (not the previous copy, sent with max-age=0 while
        # the renderer is at it), read and not rendered again
        assert response.headers["Cache-Control"] == "public, max-age=30"
    assert len(list(folder.rglob("*.page"))) == 2
