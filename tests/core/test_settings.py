"""Settings from the environment: a demo with nothing set, a production that refuses missing secrets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support_process import child_env

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = child_env()
    clean.update({"PAKN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "pakn.settings", **env})
    code = "import django; django.setup(); from django.conf import settings; print(settings.PAKN_ENV, settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_it_runs_as_a_local_demo_with_no_settings(tmp_path):
    result = run_settings({}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["demo", "False"]  # debug is a developer's explicit choice
    assert (tmp_path / "demo-secrets.json").exists()


def test_production_refuses_to_start_without_real_secrets(tmp_path):
    result = run_settings({"PAKN_ENV": "production"}, tmp_path)
    assert result.returncode != 0
    assert "PAKN_SECRET_KEY" in result.stderr and "PAKN_DATA_KEY" in result.stderr


def test_production_starts_with_secrets_some_from_files(tmp_path):
    from cryptography.fernet import Fernet

    key_file = tmp_path / "secret"
    key_file.write_text("x" * 50)
    env = {
        "PAKN_ENV": "production",
        "PAKN_SECRET_KEY_FILE": str(key_file),
        "PAKN_DATA_KEY": Fernet.generate_key().decode(),
        "PAKN_LOOKUP_KEY": "lookup-key-for-tests",
    }
    result = run_settings(env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "False"]


def test_it_refuses_a_malformed_boolean_or_data_key(tmp_path):
    assert "PAKN_DEBUG must be true or false" in run_settings({"PAKN_DEBUG": "maybe"}, tmp_path).stderr
    assert "Fernet" in run_settings({"PAKN_DATA_KEY": "not-a-key"}, tmp_path).stderr
