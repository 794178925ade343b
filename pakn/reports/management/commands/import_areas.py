"""`pakn import-areas`: load a province's areas and create the agencies of that dataset (R-7.6); cases still
open at the agencies the new set retires move to their successors (issue 11, pakn.reports.succession).

It lives in the reports app (not org) because moving cases is the workflow's business: org sits below
reports and may not import it. `--dry-run` does the whole import and plans the moves in a transaction that
is rolled back, so it shows exactly what would happen and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from pakn.org.services import DATASETS, DEFAULT_DATASET, ImportResult, org_import
from pakn.reports.actors import WorkflowError
from pakn.reports.services import successor_transfer
from pakn.reports.succession import SuccessionPlan, succession_plan


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Nhập đơn vị hành chính và cơ quan xử lý của tỉnh: từ tệp CSV của tỉnh (--csv, định dạng trong "
        "docs/configuration.md), hoặc từ dữ liệu có sẵn (2025: tỉnh → xã/phường; 2022: tỉnh → huyện → xã). "
        "Phản ánh đang xử lý tại UBND xã, huyện không còn hoạt động được chuyển đến cơ quan kế thừa "
        "(theo cột legacy_codes); --dry-run chỉ liệt kê, không thay đổi gì. "
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
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ liệt kê những gì sẽ thay đổi và các phản ánh sẽ được chuyển; không ghi gì.",
        )
        parser.add_argument(
            "--successor",
            action="append",
            default=[],
            metavar="MÃ_PHẢN_ÁNH=MÃ_CƠ_QUAN",
            help="Chỉ định cơ quan kế thừa cho một phản ánh không tự xác định được (lặp lại nếu cần).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        successors = _successors(options["successor"])
        try:
            with transaction.atomic():
                result = org_import(dataset=options["dataset"], csv_path=options["csv"])
                plan = succession_plan(successors=successors)
                if options["dry_run"]:
                    self._report(result, plan, dry_run=True)
                    raise _DryRun
                successor_transfer(plan=plan)
        except _DryRun:
            return
        except WorkflowError as e:  # a case changed while the move ran: nothing was written
            raise CommandError(f"{e.message} Không có gì được ghi; hãy chạy lại.") from e
        except ValidationError as e:
            for message in e.messages:
                self.stderr.write(message)
            raise CommandError("Không nhập được: hãy sửa các lỗi trên rồi chạy lại.") from e
        self._report(result, plan, dry_run=False)

    def _report(self, result: ImportResult, plan: SuccessionPlan, *, dry_run: bool) -> None:
        write = self.stdout.write
        if dry_run:
            write("CHẠY THỬ (--dry-run): không có gì được ghi vào cơ sở dữ liệu.")
        for line in result.summary_lines():
            write(line)
        verb = "Sẽ chuyển" if dry_run else "Đã chuyển"
        write(f"{verb} {len(plan.moves)} phản ánh đến cơ quan kế thừa (thời hạn xử lý giữ nguyên):")
        for old, new, count in plan.counts():
            write(f"  {old} → {new}: {count}")
        if plan.unmapped:
            self.stderr.write(
                f"CẢNH BÁO: {len(plan.unmapped)} phản ánh chưa xác định được cơ quan kế thừa, vẫn ở cơ quan cũ. "
                "Chạy lại với --successor MÃ_PHẢN_ÁNH=MÃ_CƠ_QUAN cho từng phản ánh:"
            )
            for move in plan.unmapped:
                self.stderr.write(f"  {move.report.tracking_code} tại {move.old.name}: {move.problem}")
        if plan.stranded_staff:
            self.stderr.write(
                f"CẢNH BÁO: {len(plan.stranded_staff)} tài khoản cán bộ thuộc cơ quan không còn hoạt động "
                "(chuyển sang cơ quan mới hoặc khóa trong trang quản trị):"
            )
            for user in plan.stranded_staff:
                role = user.get_role_display() or "—"
                self.stderr.write(f"  {user.username} ({user}) — {role} — {user.agency}")
        if dry_run:
            return
        if result.changed or plan.moves:
            write(self.style.SUCCESS("Đã nhập xong."))
        else:
            write(self.style.SUCCESS("Dữ liệu đã đầy đủ, không có gì thay đổi."))


def _successors(values: list[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for value in values:
        code, sep, agency = value.partition("=")
        if not sep or not code.strip() or not agency.strip():
            raise CommandError(
                f"--successor {value!r}: hãy viết MÃ_PHẢN_ÁNH=MÃ_CƠ_QUAN, ví dụ K7MP-4QX9=ubnd-2025-5977."
            )
        chosen[code.strip()] = agency.strip()
    return chosen
