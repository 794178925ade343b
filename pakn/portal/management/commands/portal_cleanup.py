"""`pakn portal-cleanup`: delete files kept for forms never sent and wipe follow-up secrets kept for retries."""

from typing import Any

from django.core.management.base import BaseCommand

from pakn.portal.services import portal_cleanup


class Command(BaseCommand):
    help = "Xóa tệp tạm của biểu mẫu chưa gửi và mã theo dõi lưu tạm quá 24 giờ."

    def handle(self, *args: Any, **options: Any) -> None:
        result = portal_cleanup()
        self.stdout.write(
            f"Đã xóa {result.stashed_files} tệp tạm và {result.secrets_wiped} mã theo dõi lưu tạm quá 24 giờ."
        )
