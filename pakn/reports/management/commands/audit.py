"""`pakn audit verify|checkpoint|rekey`: the timeline's tamper evidence (docs/security.md, item 3)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.reports.audit import rekey_all, verify_all
from pakn.reports.checkpoints import checkpoint_create


class Command(BaseCommand):
    help = (
        "Kiểm tra tính toàn vẹn của dòng thời gian (verify), ký mốc kiểm toán (checkpoint), "
        "ký lại chuỗi bằng khóa kiểm toán mới (rekey)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what",
            choices=["verify", "checkpoint", "rekey"],
            help="verify: tính lại chuỗi và đối chiếu các mốc đã ký; checkpoint: ký mốc mới; "
            "rekey: ký lại mọi chuỗi bằng khóa đầu tiên của PAKN_AUDIT_KEY",
        )
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="verify: thư mục chứa bản sao các mốc kiểm toán đã công bố (tải từ /du-lieu-mo/kiem-toan/)",
        )
        parser.add_argument("--full", action="store_true", help="checkpoint: ghi đầu chuỗi của mọi phản ánh")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "checkpoint":
            checkpoint = checkpoint_create(full=options["full"])
            self.stdout.write(self.style.SUCCESS(f"Đã ký mốc kiểm toán số {checkpoint.number}."))
            return
        if options["what"] == "rekey":
            try:
                count = rekey_all()
            except ValueError as e:
                raise CommandError(str(e)) from e
            self.stdout.write(self.style.SUCCESS(f"Đã ký lại {count} sự kiện bằng khóa kiểm toán mới."))
            return
        copies = options["checkpoints"]
        if copies is not None and not copies.is_dir():
            raise CommandError(f"Không tìm thấy thư mục {copies}.")
        broken = list(verify_all(copies))
        if broken:
            for link in broken:
                self.stderr.write(f"BROKEN: {link}")
            raise CommandError(f"Chuỗi sự kiện bị thay đổi: lỗi đầu tiên tại {broken[0]}")
        self.stdout.write(self.style.SUCCESS("Chuỗi sự kiện toàn vẹn: không phát hiện thay đổi."))
