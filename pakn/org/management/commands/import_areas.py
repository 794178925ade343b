"""`pakn import-areas`: load the province's areas and create the agencies of that dataset (R-7.6)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pakn.org.services import DATASETS, DEFAULT_DATASET, org_import


class Command(BaseCommand):
    help = (
        "Nhập đơn vị hành chính tỉnh Lạng Sơn (2025: tỉnh → 65 xã/phường; 2022: tỉnh → huyện → xã) "
        "và tạo các cơ quan xử lý còn thiếu. Chạy lại nhiều lần không làm thay đổi dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dataset",
            choices=DATASETS,
            default=DEFAULT_DATASET,
            help=f"Bộ dữ liệu đơn vị hành chính (mặc định {DEFAULT_DATASET}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = org_import(dataset=options["dataset"])
        for line in result.summary_lines():
            self.stdout.write(line)
        if result.changed:
            self.stdout.write(self.style.SUCCESS("Đã nhập xong."))
        else:
            self.stdout.write(self.style.SUCCESS("Dữ liệu đã đầy đủ, không có gì thay đổi."))
