"""`pakn restore ARCHIVE`: restore a `pakn backup` archive into an empty installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.core.backup import BackupError
from pakn.core.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào cài đặt mới (cơ sở dữ liệu chưa có bảng, kho tệp trống), với đúng "
        "PAKN_DATA_KEY và PAKN_LOOKUP_KEY lúc sao lưu; sau đó chạy `pakn audit verify`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="tệp pakn-backup-….tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(archive=options["archive"])
        except BackupError as e:
            raise CommandError(str(e)) from e
        for warning in result.warnings:
            self.stderr.write(f"Cảnh báo: {warning}")
        counts = result.manifest["counts"]
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {result.manifest['created_at']}: {counts['reports']} phản ánh, "
            f"{counts['events']} sự kiện, {result.media_files} tệp đính kèm. "
            "Hãy chạy `pakn audit verify` để kiểm tra dòng thời gian."
        )
