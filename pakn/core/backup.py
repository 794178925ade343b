"""Backup and restore of a whole installation: the database, the media and the fingerprints of the keys.

An archive (`pakn-backup-YYYYMMDD-HHMMSS.tar.gz`, mode 0600) holds `manifest.json`, the database (`database.pgdump`
from pg_dump's custom format, or `database.sqlite3` from SQLite's online backup API) and `media/…` read through
the storage API (local disk or object store alike). The keys are never in it: only their fingerprints, so a
restore can refuse to start with keys that could not read the data. A restore goes into an empty installation
(a database without tables, an empty media store), checks every checksum before it writes anything, then
applies the migrations of the running code. docs/operations.md has the schedule and the monthly restore test.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Vietnamese, for the administrator."""


def key_fingerprint(key: str) -> str:
    """A short, one-way fingerprint of a key: enough to tell keys apart, useless to recover one."""
    return hashlib.sha256(b"pakn-key-fingerprint\0" + key.encode()).hexdigest()[:16]


def key_fingerprints() -> dict[str, Any]:
    return {
        "data_keys": [key_fingerprint(k) for k in settings.DATA_KEYS],
        "lookup_key": key_fingerprint(settings.LOOKUP_KEY),
        "secret_key": key_fingerprint(settings.SECRET_KEY),
        "audit_keys": [key_fingerprint(k) for k in getattr(settings, "PAKN_AUDIT_KEYS", [])],
        "audit_signing_keys": [key_fingerprint(k) for k in getattr(settings, "PAKN_AUDIT_SIGNING_KEYS", [])],
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def database_settings() -> dict[str, Any]:
    """The database to dump or restore: PAKN_BACKUP_DATABASE_URL (direct, not through pgbouncer) or default."""
    url = settings.PAKN_BACKUP_DATABASE_URL
    return dict(dj_database_url.parse(url)) if url else dict(connection.settings_dict)


def pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return env


def run_tool(command: list[str], env: dict[str, str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(
            f"Không tìm thấy chương trình {tool} (cài gói postgresql-client cùng phiên bản máy chủ)."
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} báo lỗi: {done.stderr.strip()[-2000:]}")


def _dump_database(workdir: Path) -> tuple[str, Path]:
    db = database_settings()
    if "postgresql" in db["ENGINE"]:
        target = workdir / "database.pgdump"
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
        run_tool([*command, str(db["NAME"])], pg_env(db))
        return "postgresql", target
    if "sqlite3" in db["ENGINE"]:
        target = workdir / "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # SQLite's online backup: consistent while others write
        finally:
            dest.close()
        return "sqlite", target
    raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {db['ENGINE']}.")


def media_names(path: str = "") -> Iterator[str]:
    try:
        dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for name in sorted(dirs):
        yield from media_names(f"{path}/{name}" if path else name)


def _counts() -> dict[str, int]:
    # Through the app registry: the core imports no app above it (docs/architecture.md, "Layers").
    from django.apps import apps

    report, event = apps.get_model("reports", "Report"), apps.get_model("reports", "Event")
    return {"reports": report.objects.count(), "events": event.objects.count()}


@dataclass
class BackupResult:
    path: Path
    engine: str
    media_files: int
    size: int


def backup_create(*, output_dir: Path, now: datetime | None = None) -> BackupResult:
    """Write one archive into output_dir (created 0700 if missing) and return where it is."""
    moment = timezone.localtime(now or timezone.now())
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"pakn-backup-{moment:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(dir=output_dir) as tmp:
        workdir = Path(tmp)
        engine, dump = _dump_database(workdir)
        members: dict[str, str] = {dump.name: _sha256(dump)}
        partial = workdir / name
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        media_files = 0
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(dump, arcname=dump.name)
            for media_name in media_names():
                with default_storage.open(media_name, "rb") as f:
                    data = f.read()
                members[f"media/{media_name}"] = hashlib.sha256(data).hexdigest()
                _add_bytes(tar, f"media/{media_name}", data)
                media_files += 1
            manifest = {
                "format": FORMAT,
                "created_at": moment.isoformat(),
                "engine": engine,
                "province": {"name": settings.PAKN_PROVINCE_NAME, "code": settings.PAKN_PROVINCE_CODE},
                "keys": key_fingerprints(),
                "counts": _counts(),
                "members": members,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        final = output_dir / name
        os.replace(partial, final)  # never a half-written archive under the final name
    return BackupResult(path=final, engine=engine, media_files=media_files, size=final.stat().st_size)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backups_prune(*, output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives of output_dir; returns what was deleted."""
    archives = sorted(output_dir.glob("pakn-backup-*.tar.gz"))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed
