"""`pakn audit verify`: recompute the timeline's hash chains and name the first broken event."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.reports.audit import verify_all


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của dòng thời gian (chuỗi băm) của mọi phản ánh."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["verify"], help="verify: tính lại chuỗi băm")

    def handle(self, *args: Any, **options: Any) -> None:
        broken = list(verify_all())
        if broken:
            for link in broken:
                self.stderr.write(f"BROKEN: {link}")
            raise CommandError(f"Chuỗi sự kiện bị thay đổi: lỗi đầu tiên tại {broken[0]}")
        self.stdout.write(self.style.SUCCESS("Chuỗi sự kiện toàn vẹn: không phát hiện thay đổi."))
