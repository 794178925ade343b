"""Restore an archive of `pakn backup` into an empty installation (see pakn.core.backup for its contents)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from pakn.core.backup import (
    FORMAT,
    MANIFEST,
    BackupError,
    database_settings,
    key_fingerprints,
    media_names,
    pg_env,
    run_tool,
)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    media_files: int = 0
    warnings: list[str] = field(default_factory=list)


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == str(path)


def _unpack(archive: Path, workdir: Path) -> dict[str, Any]:
    """Extract every member (checked against the manifest's checksums) into workdir; return the manifest."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            names = tar.getnames()
            if MANIFEST not in names:
                raise BackupError("Tệp không phải bản sao lưu của pakn (thiếu manifest.json).")
            manifest: dict[str, Any] = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
            if manifest.get("format") != FORMAT:
                raise BackupError(
                    f"Bản sao lưu định dạng {manifest.get('format')}, phiên bản này đọc định dạng {FORMAT}."
                )
            expected: dict[str, str] = manifest["members"]
            for member in tar.getmembers():
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile() or not _safe(member.name):
                    raise BackupError(f"Bản sao lưu có tệp lạ: {member.name}.")
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
                if hashlib.sha256(data).hexdigest() != expected[member.name]:
                    raise BackupError(f"Bản sao lưu bị hỏng: {member.name} sai mã kiểm tra.")
                target = workdir / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            missing = set(expected) - set(names)
            if missing:
                raise BackupError(f"Bản sao lưu thiếu {len(missing)} tệp, ví dụ {sorted(missing)[0]}.")
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError, KeyError) as e:
        raise BackupError(f"Không đọc được bản sao lưu {archive}: {e}") from e
    return manifest


def _check_keys(manifest: dict[str, Any], result: RestoreResult) -> None:
    saved, current = manifest["keys"], key_fingerprints()
    if saved["data_keys"] and saved["data_keys"][0] not in current["data_keys"]:
        raise BackupError(
            "PAKN_DATA_KEY hiện tại không có khóa đã mã hóa dữ liệu cá nhân trong bản sao lưu "
            f"(dấu vân tay {saved['data_keys'][0]}): hãy đặt đúng khóa rồi chạy lại."
        )
    if saved["lookup_key"] != current["lookup_key"]:
        raise BackupError(
            f"PAKN_LOOKUP_KEY khác khóa lúc sao lưu (dấu vân tay {saved['lookup_key']}): tra cứu theo số điện "
            "thoại, số định danh và danh sách hạn chế sẽ không còn đúng. Hãy đặt đúng khóa rồi chạy lại."
        )
    audit = saved.get("audit_keys") or []
    if audit and not set(audit) & set(current["audit_keys"]):
        raise BackupError(
            f"PAKN_AUDIT_KEY hiện tại không có khóa kiểm toán lúc sao lưu (dấu vân tay {audit[0]}): "
            "`pakn audit verify` sẽ báo mọi dòng thời gian là bị sửa. Hãy đặt đúng khóa rồi chạy lại."
        )
    older = [f for f in saved["data_keys"][1:] if f not in current["data_keys"]]
    if older:
        result.warnings.append(
            "Một số khóa cũ lúc sao lưu không còn trong PAKN_DATA_KEY: "
            + ", ".join(older)
            + " (chỉ cần nếu còn dữ liệu chưa mã hóa lại bằng khóa mới)."
        )
    if saved["secret_key"] != current["secret_key"]:
        result.warnings.append("PAKN_SECRET_KEY khác lúc sao lưu: các phiên đăng nhập cũ hết hiệu lực.")


def _table_count() -> int:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        return int(cursor.fetchone()[0])


def _check_empty(manifest: dict[str, Any]) -> None:
    engine = "postgresql" if connection.vendor == "postgresql" else connection.vendor
    if manifest["engine"] != engine:
        raise BackupError(f"Bản sao lưu của {manifest['engine']}, cơ sở dữ liệu đích là {engine}.")
    if _table_count():
        raise BackupError(
            "Cơ sở dữ liệu đích không trống: chỉ khôi phục vào một cài đặt mới (cơ sở dữ liệu chưa có bảng nào)."
        )
    if next(media_names(), None) is not None:
        raise BackupError("Kho tệp (media) đích không trống: chỉ khôi phục vào một cài đặt mới.")


def _restore_database(manifest: dict[str, Any], workdir: Path) -> None:
    if manifest["engine"] == "postgresql":
        db = database_settings()
        connection.close()
        dump = workdir / "database.pgdump"
        run_tool(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={db['NAME']}",
                str(dump),
            ],
            pg_env(db),
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(workdir / "database.sqlite3")
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def backup_restore(*, archive: Path) -> RestoreResult:
    """Check the archive and the keys, check the installation is empty, then restore and migrate."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        manifest = _unpack(archive, workdir)
        result = RestoreResult(manifest=manifest)
        _check_keys(manifest, result)
        _check_empty(manifest)
        _restore_database(manifest, workdir)
        media_root = workdir / "media"
        for name in manifest["members"]:
            if not name.startswith("media/"):
                continue
            stored_as = name.removeprefix("media/")
            saved = default_storage.save(stored_as, ContentFile((media_root / stored_as).read_bytes()))
            if saved != stored_as:
                raise BackupError(f"Không lưu được tệp {stored_as} đúng tên (kho tệp đã có {saved}).")
            result.media_files += 1
    call_command("migrate", interactive=False, verbosity=0)
    return result
