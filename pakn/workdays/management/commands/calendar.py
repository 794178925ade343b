"""`pakn calendar YEAR` lists days off and worked weekend days; `pakn calendar due` computes a deadline;
`pakn calendar check --year YEAR` compares the shipped calendar, the administrator's edits and the package."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pakn.workdays.calendar import WorkCalendar, get_calendar, parse_duration, weekday_name
from pakn.workdays.check import year_check

USAGE = 'pakn calendar NĂM  |  pakn calendar due BẮT_ĐẦU "THỜI_HẠN"  |  pakn calendar check --year NĂM'
EXAMPLE = 'pakn calendar due 2026-02-13T10:00 "1 working day"'


class Command(BaseCommand):
    help = (
        "In các ngày nghỉ và các ngày thứ Bảy, Chủ nhật phải làm việc của một năm (pakn calendar 2026), "
        f"hoặc tính hạn xử lý ({EXAMPLE} → 2026-02-23T10:00:00+07:00). "
        'Thời hạn: "N hours", "N working hours", "N working days" hoặc "N days". '
        "Thời điểm bắt đầu không ghi múi giờ được hiểu là giờ địa phương; 'now' là lúc này. "
        "pakn calendar check --year 2026 so sánh lịch chính thức đóng gói, chỉnh sửa của quản trị và "
        "thư viện holidays."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "target", metavar="NĂM|due|check", help="năm cần in lịch, 'due' để tính hạn, 'check' để đối chiếu"
        )
        parser.add_argument(
            "rest",
            nargs="*",
            metavar="BẮT_ĐẦU THỜI_HẠN",
            help='sau due: thời điểm bắt đầu (ISO 8601 hoặc now) và thời hạn (ví dụ "1 working day")',
        )
        parser.add_argument("--year", help="với check: năm cần đối chiếu (mặc định: năm nay)")

    def handle(self, *args: Any, target: str, rest: list[str], **options: Any) -> None:
        if target == "due":
            self._due(rest, verbose=options["verbosity"] >= 2)
        elif target == "check":
            self._check(options.get("year") or (rest[0] if len(rest) == 1 else None), rest)
        elif not rest:
            self._year(target)
        else:
            raise CommandError(f"Tham số không hợp lệ: {' '.join([target, *rest])!r}. Cách dùng: {USAGE}")

    def _year(self, text: str) -> None:
        year = _parse_year(text)
        calendar = get_calendar()
        hours = ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in calendar.office_hours)
        self.stdout.write(f"Lịch làm việc năm {year} (giờ làm việc {hours}, múi giờ {calendar.tz.key})")
        self.stdout.write(f"Nguồn: {_source_text(calendar, year)}, cùng các ngày quản trị đã chỉnh sửa.")
        self._section(f"Ngày nghỉ trong tuần làm việc năm {year}", calendar.days_off(year))
        self._section(f"Thứ Bảy, Chủ nhật phải làm việc năm {year}", calendar.worked_weekend_days(year))

    def _section(self, title: str, days: list[tuple[Any, str]]) -> None:
        self.stdout.write("")
        self.stdout.write(f"{title} ({len(days)} ngày):")
        for d, name in days:
            self.stdout.write(f"{d.isoformat()}  {weekday_name(d):<8}  {name}")
        if not days:
            self.stdout.write("(không có)")

    def _check(self, text: str | None, rest: list[str]) -> None:
        if len(rest) > 1 or (rest and text != rest[0]):
            raise CommandError(f"Tham số không hợp lệ: {' '.join(rest)!r}. Cách dùng: {USAGE}")
        year = _parse_year(text) if text else timezone.localdate().year
        result = year_check(year)
        write = self.stdout.write
        write(f"Đối chiếu lịch làm việc năm {year}")
        write(f"- Lịch chính thức đóng gói: {result.shipped_source or 'không có (dùng thư viện holidays)'}")
        write(f"- Thư viện holidays: phiên bản {result.package_version}")
        write(f"- Chỉnh sửa của quản trị (Ngày nghỉ, ngày làm bù): {len(result.overrides)} ngày")
        remarks = {True: " (trùng lịch đóng gói)", False: " (khác lịch đóng gói)", None: ""}
        for override in result.overrides:
            remark = remarks[result.override_agrees[override.date]]
            write(
                f"    {override.date.isoformat()}  {weekday_name(override.date):<8}  "
                f"{override.get_kind_display()}: {override.name}{remark}"
            )
        write("")
        if not result.differences:
            write("Ba nguồn thống nhất: không có ngày nào khác nhau.")
            return
        write(f"Các ngày khác nhau ({len(result.differences)}):")
        write("ngày        thứ       | lịch đóng gói | thư viện holidays | đang áp dụng")
        for day, (shipped, package, in_force) in result.differences.items():
            write(
                f"{day.isoformat()}  {weekday_name(day):<8}  | {shipped.label() if shipped else '—'} "
                f"| {package.label()} | {in_force.label()}"
            )
        if result.shipped_source:
            write("")
            write(
                "Hạn xử lý tính theo cột «đang áp dụng» (lịch đóng gói và chỉnh sửa của quản trị); "
                "thư viện holidays không được dùng cho năm này."
            )

    def _due(self, words: list[str], *, verbose: bool) -> None:
        if len(words) < 2:
            raise CommandError(f"Cần thời điểm bắt đầu và thời hạn, ví dụ: {EXAMPLE}")
        try:
            duration = parse_duration(" ".join(words[1:]))
        except ValueError as e:
            raise CommandError(str(e)) from None
        calendar = get_calendar()
        start = _parse_start(words[0], calendar)
        try:
            due = calendar.add(start, duration)
        except OverflowError:
            raise CommandError("Hạn xử lý vượt quá phạm vi ngày tháng có thể tính.") from None
        self.stdout.write(due.isoformat(timespec="seconds"))
        if verbose:
            self.stdout.write(
                f"{weekday_name(due)} {due:%d/%m/%Y %H:%M}: {duration.label()} "
                f"kể từ {start.astimezone(calendar.tz).isoformat(timespec='seconds')}"
            )


def _parse_year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise CommandError(f"{text!r} không phải là một năm. Cách dùng: {USAGE}") from None
    if not 1900 <= year <= 2200:
        raise CommandError(f"Năm phải nằm trong khoảng 1900–2200, không phải {year}.")
    return year


def _source_text(calendar: WorkCalendar, year: int) -> str:
    source = calendar.source(year)
    if source.startswith("holidays"):
        return f"thư viện {source} (chưa có lịch chính thức đóng gói cho năm {year})"
    return f"lịch chính thức {source}"


def _parse_start(text: str, calendar: WorkCalendar) -> datetime:
    """An ISO 8601 instant; without an offset it is local time in the calendar's zone."""
    if text.lower() == "now":
        return timezone.now()
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"Không hiểu thời điểm bắt đầu {text!r}. Hãy viết theo ISO 8601, ví dụ 2026-02-13T10:00 "
            "(giờ địa phương) hoặc 2026-02-13T10:00+07:00."
        ) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=calendar.tz)
    return start
