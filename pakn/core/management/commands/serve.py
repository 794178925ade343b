"""`pakn serve`: gunicorn (with whitenoise for static files) and the huey worker together."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def metrics_dir(bind: str) -> Path:
    """A fresh directory where this node's web processes add up their request metrics (pakn.ops.metrics).

    Each `pakn serve` has its own (named after its address), so two nodes on one machine never mix theirs.
    """
    existing = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    path = Path(existing) if existing else Path(settings.DATA_DIR) / "metrics" / re.sub(r"[^\w.-]", "_", bind)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn) cùng tiến trình nền (huey)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("PAKN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("PAKN_WEB_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="không chạy tiến trình nền")
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="không thu gom tệp tĩnh (khi nâng cấp đã chạy collectstatic một lần)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        metrics_dir(options["bind"])
        pakn = [sys.executable, "-m", "pakn.cli"]
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "pakn.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["web_workers"]),
            # No gunicorn access log: its lines carry the raw path, and a follow-up link's path is the reporter's
            # secret. pakn.core.logs writes one line per request with the URL pattern instead.
            "--timeout",
            "60",
        ]
        processes = [subprocess.Popen(gunicorn)]
        if not options["no_worker"]:
            processes.append(subprocess.Popen([*pakn, "worker"]))
        self.stdout.write(
            f"pakn đang chạy tại http://{options['bind']}/ (môi trường: {settings.PAKN_ENV}). Ctrl+C để dừng."
        )

        def stop(signum: int, frame: Any) -> None:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for p in processes:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
