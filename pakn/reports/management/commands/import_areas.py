"""`pakn import-areas`: load a province's areas and create the agencies of that dataset (R-7.6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.org.services import DATASETS, DEFAULT_DATASET, org_import


class Command(BaseCommand):
    help = (
        "Nhập đơn vị hành chính và cơ quan xử lý của tỉnh: từ tệp CSV của tỉnh (--csv, định dạng trong "
        "docs/configuration.md), hoặc từ dữ liệu có sẵn (2025: tỉnh → xã/phường; 2022: tỉnh → huyện → xã). "
        "Chạy lại nhiều lần không làm thay đổi dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--csv",
            type=Path,
            help="Tệp CSV đơn vị hành chính và cơ quan của tỉnh (UTF-8).",
        )
        parser.add_argument(
            "--dataset",
            default=DEFAULT_DATASET,
            help=(
                f"Bộ dữ liệu: {', '.join(DATASETS)} (mặc định {DEFAULT_DATASET}); với --csv, tên bộ dữ liệu "
                "của tệp (tối đa 10 chữ, số, - hoặc _)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = org_import(dataset=options["dataset"], csv_path=options["csv"])
        except ValidationError as e:
            for message in e.messages:
                self.stderr.write(message)
            raise CommandError("Không nhập được: hãy sửa các lỗi trên rồi chạy lại.") from e
        for line in result.summary_lines():
            self.stdout.write(line)
        if result.changed:
            self.stdout.write(self.style.SUCCESS("Đã nhập xong."))
        else:
            self.stdout.write(self.style.SUCCESS("Dữ liệu đã đầy đủ, không có gì thay đổi."))
