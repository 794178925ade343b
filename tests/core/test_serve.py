"""`pakn serve` really serves: gunicorn answers, static files come through whitenoise, Ctrl+C stops all."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support_process import child_env

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_gunicorn_and_the_worker_and_stops_cleanly(tmp_path):
    env = child_env()
    env.update({"PAKN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "pakn.settings"})
    pakn = [sys.executable, "-m", "pakn.cli"]
    subprocess.run([*pakn, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=180)
    port = free_port()
    proc = subprocess.Popen(
        [*pakn, "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        # Poll until the server answers, with a deadline (not a count of tries): a loaded machine may take
        # a minute to start gunicorn and the worker; a quick one answers in a second.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=10) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.25)
        assert "Quản trị" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=30) as r:
            assert r.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode is not None
    assert "pakn đang chạy" in output
