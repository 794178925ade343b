"""`pakn backup`: one archive of the database, the media and the keys' fingerprints (never the keys)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.core.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu, tệp đính kèm và dấu vân tay các khóa (không bao giờ chép khóa) vào một tệp "
        ".tar.gz; giữ lại các bản mới nhất."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="thư mục chứa bản sao lưu (mặc định PAKN_BACKUP_DIR)")
        parser.add_argument(
            "--keep", type=int, help="số bản mới nhất giữ lại (mặc định PAKN_BACKUP_KEEP, 0: tất cả)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or settings.PAKN_BACKUP_DIR
        keep = settings.PAKN_BACKUP_KEEP if options["keep"] is None else options["keep"]
        try:
            result = backup_create(output_dir=output)
        except BackupError as e:
            raise CommandError(str(e)) from e
        removed = backups_prune(output_dir=output, keep=keep)
        self.stdout.write(
            f"Đã sao lưu ({result.engine}, {result.media_files} tệp đính kèm, {result.size / 1e6:.1f} MB): "
            f"{result.path}"
        )
        if removed:
            self.stdout.write(f"Đã xóa {len(removed)} bản sao lưu cũ (giữ {keep} bản mới nhất).")
        self.stdout.write(
            "Lưu ý: bản sao lưu không chứa khóa. Giữ PAKN_DATA_KEY, PAKN_LOOKUP_KEY, PAKN_SECRET_KEY ở nơi an toàn, "
            "tách khỏi bản sao lưu."
        )
