"""`pakn sweep`: cancel expired supplement windows, record newly overdue steps and departments' opinions
not given in time (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from pakn.reports.sweeps import deadlines_sweep


class Command(BaseCommand):
    help = "Quét thời hạn: hủy phản ánh quá hạn bổ sung, ghi nhận các bước quá hạn."

    def handle(self, *args: Any, **options: Any) -> None:
        result = deadlines_sweep()
        self.stdout.write(
            f"Đã hủy {result.cancelled} phản ánh quá hạn bổ sung; ghi nhận {result.overdue} bước quá hạn."
        )
        if result.opinions_overdue:
            self.stdout.write(f"Ghi nhận {result.opinions_overdue} ý kiến sở, ngành quá hạn.")
        if result.failed:
            self.stderr.write(
                f"{result.failed} phản ánh gặp lỗi khi quét (xem nhật ký); các phản ánh khác đã quét."
            )
