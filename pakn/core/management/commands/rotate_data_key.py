"""`pakn rotate-data-key`: re-encrypt every encrypted field with the first (newest) PAKN_DATA_KEY."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pakn.core.rotation import data_key_rotate


class Command(BaseCommand):
    help = "Mã hóa lại mọi dữ liệu được mã hóa bằng khóa mới nhất (khóa đầu tiên trong PAKN_DATA_KEY)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = data_key_rotate()
        except ValueError as e:
            raise CommandError(
                f"Không giải mã được dữ liệu: {e}. Hãy giữ khóa cũ trong PAKN_DATA_KEY."
            ) from e
        for item in done:
            self.stdout.write(f"{item.table}: đã mã hóa lại {item.rows} dòng.")
        self.stdout.write(f"Xong: {sum(i.rows for i in done)} dòng trong {len(done)} bảng.")
