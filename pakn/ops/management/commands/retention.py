"""`pakn retention`: what the worker does on schedule, now: erase expired personal data (R-13.2), delete
delivered notifications and expired Idempotency-Key records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pakn.core.idempotency import purge_expired
from pakn.notify.retention import delivered_purge
from pakn.reports.retention import reports_due_for_anonymisation, retention_sweep


class Command(BaseCommand):
    help = (
        "Xóa dữ liệu cá nhân của người phản ánh khi hết thời hạn lưu trữ (PAKN_RETENTION_PERSONAL_DATA_DAYS "
        "ngày sau khi kết thúc), xóa thông báo đã gửi (PAKN_RETENTION_DELIVERED_DAYS ngày) và khóa chống gửi "
        "trùng (Idempotency-Key) đã hết hạn."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="chỉ đếm, không xóa")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.PAKN_RETENTION_PERSONAL_DATA_DAYS
        if options["dry_run"]:
            due = reports_due_for_anonymisation(now=timezone.now()).count()
            self.stdout.write(f"Phản ánh đến hạn xóa dữ liệu cá nhân (sau {days} ngày): {due}.")
            return
        anonymised = skipped = 0
        while True:
            result = retention_sweep()
            anonymised += result.anonymised
            skipped += result.skipped
            if not result.anonymised:
                break
        purged = delivered_purge()
        keys = purge_expired()
        self.stdout.write(
            f"Đã xóa dữ liệu cá nhân của {anonymised} phản ánh kết thúc quá {days} ngày"
            + (f" (bỏ qua {skipped})" if skipped else "")
            + f"; đã xóa {purged.deliveries} lượt gửi và {purged.messages} thông báo cũ; "
            f"{keys} khóa Idempotency-Key hết hạn."
        )
