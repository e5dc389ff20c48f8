"""`sot serve`: gunicorn for the web, and the background task worker beside it.

Each child is supervised: one that dies is logged with why and restarted after a
back-off (`sot.registry.supervise`), so a task worker that gives up on a locked
database never takes the web server down.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from sot.config import env, gunicorn_hooks
from sot.registry.supervise import Supervisor


class Command(BaseCommand):
    help = (
        "Serve sot with gunicorn (static files by WhiteNoise) on SOT_HOST:SOT_PORT "
        "with the page renderer (slow public pages rendered ahead, "
        "SOT_RENDER_AHEAD_MS), and run the background task worker and the periodic "
        "scheduler beside it unless SOT_RUN_TASK_WORKER=false."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env.get("SOT_HOST"))
        parser.add_argument("--port", type=int, default=env.get("SOT_PORT"))
        parser.add_argument("--workers", type=int, default=env.get("SOT_WORKERS"))
        parser.add_argument("--threads", type=int, default=env.get("SOT_THREADS"))
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Do not start the background task worker.",
        )

    def handle(self, *args, **o):
        call_command("collectstatic", interactive=False, verbosity=0)
        supervisor = Supervisor()
        if env.get("SOT_RUN_TASK_WORKER") and not o["no_task_worker"]:
            worker = worker_command()
            supervisor.add("task worker", lambda: subprocess.Popen(worker))
            slow = worker_command(slow=True)
            supervisor.add("slow task worker", lambda: subprocess.Popen(slow))
            scheduler = [sys.executable, "-m", "sot.cli", "scheduler"]
            supervisor.add("scheduler", lambda: subprocess.Popen(scheduler))
        bind = f"{o['host']}:{o['port']}"
        web = web_command(bind=bind, workers=o["workers"], threads=o["threads"])
        pages_dir = None
        if not env.get("SOT_PAGE_CACHE_DIR"):
            # the workers share their rendered pages in a folder of their own
            pages_dir = tempfile.mkdtemp(prefix="sot-pages-")
        web_env = web_environment(os.environ, pages_dir=pages_dir)
        supervisor.add("web server", lambda: subprocess.Popen(web, env=web_env))
        if env.get("SOT_RENDER_AHEAD_MS"):
            renderer = renderer_command()
            supervisor.add(
                "page renderer", lambda: subprocess.Popen(renderer, env=web_env)
            )
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"sot serving on http://{bind}/ (database: {engine})")

        def stop(signum, frame):
            supervisor.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            # A child that dies is logged and restarted (sot.registry.supervise);
            # only a signal to `sot serve` itself stops everything.
            supervisor.run()
        finally:
            supervisor.stop()
            if pages_dir is not None:
                shutil.rmtree(pages_dir, ignore_errors=True)
        return None


#: The slow queue's worker runs at this lower CPU priority (nice(1)): when the cores
#: are busy, its seconds of work yield to the quick worker's.
SLOW_NICENESS = 10


def worker_command(*, slow: bool = False) -> list[str]:
    """The task worker as `sot serve` starts it (bench/bench_publish.py uses it):
    every queue but the slow one, or (``slow``) the slow one alone, at a lower CPU
    priority, so that a task of seconds there never delays a quick one."""
    queue = settings.SLOW_TASK_QUEUE
    nice = shutil.which("nice") if slow else None
    return [
        *((nice, "-n", str(SLOW_NICENESS)) if nice else ()),
        sys.executable,
        "-m",
        "sot.cli",
        "db_worker",
        *(("--queue-name", queue) if slow else ("--queue-name", "*")),
        *(() if slow else ("--exclude-queues", queue)),
        "--interval",
        # one indexed query a poll; 0.1 s keeps a published change's
        # queue wait (debounce + poll) near 0.15 s
        "0.5" if slow else "0.1",
        "--no-startup-delay",
    ]


def renderer_command() -> list[str]:
    """The page renderer (:mod:`sot.public.ahead`) as `sot serve` starts it: at
    the slow worker's lower CPU priority, so that its renders yield to the web
    workers' requests when the cores are busy; it gets the web workers'
    environment, and so their shared folder and the same page keys."""
    nice = shutil.which("nice")
    return [
        *((nice, "-n", str(SLOW_NICENESS)) if nice else ()),
        sys.executable,
        "-m",
        "sot.cli",
        "render_ahead",
    ]


def web_command(*, bind: str, workers: int, threads: int = 2) -> list[str]:
    """gunicorn as `sot serve` starts it: gthread workers of ``threads`` threads
    (``SOT_THREADS``), each tuned once loaded by :mod:`sot.config.gunicorn_hooks`
    (the garbage collector), with the access log unless ``SOT_ACCESS_LOG=false``."""
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "sot.config.wsgi:application",
        "--config",
        f"python:{gunicorn_hooks.__name__}",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
    ]
    if env.get("SOT_ACCESS_LOG"):
        web += ["--access-logfile", "-"]
    return web


def web_environment(environ, *, pages_dir: str | None = None) -> dict[str, str]:
    """The web server's environment: ``environ`` with the settings module,
    glibc's ``MALLOC_ARENA_MAX`` (:mod:`sot.config.gunicorn_hooks`) unless it
    already sets it, and ``SOT_PAGE_CACHE_DIR`` set to ``pages_dir`` when given
    (the folder the workers share rendered pages in, :mod:`sot.public.pagecache`)."""
    return {
        "MALLOC_ARENA_MAX": gunicorn_hooks.MALLOC_ARENA_MAX,
        **environ,
        **({"SOT_PAGE_CACHE_DIR": pages_dir} if pages_dir else {}),
        "DJANGO_SETTINGS_MODULE": "sot.config.settings",
    }
