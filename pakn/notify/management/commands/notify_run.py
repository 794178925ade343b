"""`pakn notify-run`: the worker's periodic notification work once, in this process (for cron without a
worker, or after an outage): due-soon warnings, the daily digest if due, then every due delivery."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from pakn.notify import delivery
from pakn.notify.deadlines import daily_digest_send, due_soon_scan


class Command(BaseCommand):
    help = "Gửi ngay các thông báo đang chờ, cảnh báo sắp đến hạn và bản tổng hợp hằng ngày (nếu đến giờ)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=1000, help="số lượt gửi tối đa lần này")

    def handle(self, *args: Any, **options: Any) -> None:
        warned = due_soon_scan()
        digest = daily_digest_send()
        now = timezone.now()
        delivery.give_up_interrupted(now=now)
        outcomes: dict[str, int] = {}
        for pk in delivery.due_ids(now=now, limit=options["limit"]):
            status = delivery.attempt(pk) or "bỏ qua (đang do tiến trình khác gửi)"
            outcomes[status] = outcomes.get(status, 0) + 1
        self.stdout.write(f"Cảnh báo sắp đến hạn: {warned}. Bản tổng hợp: {'đã tạo' if digest else 'không'}.")
        labels = {
            "sent": "đã gửi",
            "pending": "chờ gửi lại",
            "failed": "không thành công",
            "skipped": "bỏ qua",
        }
        summary = ", ".join(f"{labels.get(k, k)}: {n}" for k, n in sorted(outcomes.items())) or "không có"
        self.stdout.write(f"Lượt gửi: {summary}.")
