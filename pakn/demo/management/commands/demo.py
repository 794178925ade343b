"""`pakn demo`: demo accounts (one per role and kind of agency) and about 300 realistic reports."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.demo.data import demo_load
from pakn.org.models import Agency


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn: tài khoản cán bộ theo vai trò và khoảng 300 phản ánh trong 90 ngày qua."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reports", type=int, default=300, help="số phản ánh (mặc định 300)")
        parser.add_argument("--accounts-json", type=Path, help="ghi danh sách tài khoản ra tệp JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Không tạo dữ liệu trình diễn khi PAKN_ENV=production.")
        if not Agency.objects.filter(kind=Agency.Kind.IOC, is_active=True).exists():
            raise CommandError("Chưa có dữ liệu tổ chức: hãy chạy «pakn import-areas» trước.")
        accounts, made = demo_load(reports=options["reports"], accounts_json=options["accounts_json"])
        if made:
            self.stdout.write(f"Đã tạo {made} phản ánh trình diễn.")
        else:
            self.stdout.write("Dữ liệu trình diễn đã có: giữ nguyên.")
        self.stdout.write(f"Tài khoản trình diễn (mật khẩu chung: {accounts[0].password}):")
        for a in accounts:
            self.stdout.write(f"  {a.username:<18} {a.role_label:<32} {a.agency}")
