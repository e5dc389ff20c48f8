"""`sot serve`: gunicorn for the web, and the background task worker beside it."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from sot.config import env


class Command(BaseCommand):
    help = (
        "Serve sot with gunicorn (static files by WhiteNoise) on SOT_HOST:SOT_PORT, and "
        "run the background task worker and the periodic scheduler beside it unless "
        "SOT_RUN_TASK_WORKER=false."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env.get("SOT_HOST"))
        parser.add_argument("--port", type=int, default=env.get("SOT_PORT"))
        parser.add_argument("--workers", type=int, default=env.get("SOT_WORKERS"))
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Do not start the background task worker.",
        )

    def handle(self, *args, **o):
        call_command("collectstatic", interactive=False, verbosity=0)
        children: list[subprocess.Popen] = []
        if env.get("SOT_RUN_TASK_WORKER") and not o["no_task_worker"]:
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "sot.cli",
                        "db_worker",
                        "--queue-name",
                        "*",
                        "--interval",
                        "0.5",
                        "--no-startup-delay",
                    ]
                )
            )
            children.append(
                subprocess.Popen([sys.executable, "-m", "sot.cli", "scheduler"])
            )
        bind = f"{o['host']}:{o['port']}"
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "sot.config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(o["workers"]),
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--access-logfile",
                "-",
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
            ],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "sot.config.settings"},
        )
        children.append(web)
        self.stdout.write(
            f"sot serving on http://{bind}/ (database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )

        def stop(signum, frame):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(c.poll() is None for c in children):
                time.sleep(0.5)
        finally:
            stop(None, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        return None
