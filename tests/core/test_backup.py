"""Backup and restore (issue 15, item 7; R-9.1, R-13.2): a real installation in its own process is backed up,
wiped, restored into an empty installation, verified with `pakn audit verify`, and the journey goes on —
on SQLite, and on PostgreSQL in databases this test creates and drops."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings

from pakn.core.backup import key_fingerprint
from tests.support_process import child_env

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "PAKN_SECRET_KEY": "backup-test-secret-key-0123456789-abcdefghij",
    "PAKN_DATA_KEY": Fernet.generate_key().decode(),
    "PAKN_LOOKUP_KEY": "backup-test-lookup-key-0123456789",
}


class Installation:
    """A pakn installation: its environment (database, data directory, keys) and its commands."""

    def __init__(self, data_dir: Path, database_url: str, **extra: str):
        self.data_dir = data_dir
        self.env = {
            **child_env(),
            **KEYS,
            "PAKN_TESTING": "true",
            "PAKN_DATA_DIR": str(data_dir),
            "PAKN_DATABASE_URL": database_url,
            "PAKN_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "pakn.settings",
            **extra,
        }

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600
        )
        if check:
            assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
        return done

    def pakn(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "pakn.cli", *args, check=check)

    def driver(self, phase: str, state: Path) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "tests.core.backup_driver", phase, str(state))


def _sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'pakn.sqlite3'}"


@pytest.fixture
def postgres_databases() -> Iterator[Any]:
    """Create databases on the suite's PostgreSQL server (names of this test only) and drop them after."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip(
            "PostgreSQL variant: runs when the suite runs on PostgreSQL (PAKN_DATABASE_URL=postgres://…)"
        )
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore missing (apt-get install postgresql-client)")
    import psycopg

    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "dbname": "postgres",
    }
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    created: list[str] = []

    def create() -> str:
        name = f"pakn_backup_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{params['host']}:{params['port']}/{name}"

    yield create
    with psycopg.connect(**params, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _backup_wipe_restore_continue(
    tmp_path: Path, source_url: str, target_url: str, wipe: Any
) -> dict[str, Any]:
    before = Installation(tmp_path / "site", source_url)
    state = tmp_path / "state.json"
    before.driver("setup", state)
    out = before.pakn("backup", "--output", str(tmp_path / "backups")).stdout
    archives = sorted((tmp_path / "backups").glob("pakn-backup-*.tar.gz"))
    assert len(archives) == 1 and str(archives[0]) in out
    archive = archives[0]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        blob = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())  # type: ignore[union-attr]
    assert any(n.startswith("media/private/") for n in names) and manifest["counts"]["reports"] == 1
    assert manifest["keys"]["data_keys"] == [key_fingerprint(KEYS["PAKN_DATA_KEY"])]
    assert manifest["keys"]["lookup_key"] == key_fingerprint(KEYS["PAKN_LOOKUP_KEY"])
    for key in KEYS.values():  # never the keys themselves
        assert key.encode() not in blob

    wipe(before)  # the machine is lost: database and data directory gone
    shutil.rmtree(before.data_dir)
    after = Installation(tmp_path / "new-site", target_url)

    wrong = Installation(after.data_dir, target_url, PAKN_LOOKUP_KEY="another-lookup-key-0123456789abcdef")
    refused = wrong.pakn("restore", str(archive), check=False)
    assert refused.returncode != 0 and "PAKN_LOOKUP_KEY khác khóa lúc sao lưu" in refused.stderr

    restored = after.pakn("restore", str(archive))
    assert "Đã khôi phục bản sao lưu" in restored.stdout and "1 phản ánh" in restored.stdout
    again = after.pakn("restore", str(archive), check=False)  # never over an installation in use
    assert again.returncode != 0 and "không trống" in again.stderr
    verify = after.pakn("audit", "verify")
    assert verify.returncode == 0, verify.stdout
    result = json.loads(after.driver("continue", state).stdout.strip().splitlines()[-1])
    assert result["state"] == "resolved"
    return result


@pytest.mark.django_db
def test_backup_wipe_restore_and_go_on_with_sqlite(tmp_path):
    """R-9.1, R-13.2: the data survives a lost machine; the timeline still verifies; the case goes on."""
    result = _backup_wipe_restore_continue(
        tmp_path,
        _sqlite_url(tmp_path / "site"),
        _sqlite_url(tmp_path / "new-site"),
        wipe=lambda site: None,
    )
    assert result["deliveries"]["sent"] >= 4


@pytest.mark.django_db
def test_backup_wipe_restore_and_go_on_with_postgresql(tmp_path, postgres_databases):
    """The same on PostgreSQL: pg_dump, a dropped database, pg_restore into a new empty one."""
    source, target = postgres_databases(), postgres_databases()

    def drop(site: Installation) -> None:
        site.run(
            "-c",
            "import os; from django import setup; setup(); from django.db import connection; "
            "c = connection.cursor(); c.execute('DROP SCHEMA public CASCADE; CREATE SCHEMA public')",
        )

    result = _backup_wipe_restore_continue(tmp_path, source, target, wipe=drop)
    assert result["deliveries"]["sent"] >= 4


def test_a_damaged_archive_is_refused_before_anything_is_written(tmp_path):
    """A restore checks every checksum first: a corrupted or foreign file changes nothing."""
    site = Installation(tmp_path / "site", _sqlite_url(tmp_path / "site"))
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        (tmp_path / "x.txt").write_text("x")
        tar.add(tmp_path / "x.txt", arcname="x.txt")
    done = site.pakn("restore", str(foreign), check=False)
    assert done.returncode != 0 and "không phải bản sao lưu của pakn" in done.stderr
    assert (
        not (tmp_path / "site" / "pakn.sqlite3").exists()
        or (tmp_path / "site" / "pakn.sqlite3").stat().st_size == 0
    )
