"""`pakn calendar YEAR` lists days off and worked weekend days; `pakn calendar due` computes a deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pakn.workdays.calendar import WorkCalendar, get_calendar, parse_duration, weekday_name

USAGE = 'pakn calendar NĂM  |  pakn calendar due BẮT_ĐẦU "THỜI_HẠN"'
EXAMPLE = 'pakn calendar due 2026-02-13T10:00 "1 working day"'


class Command(BaseCommand):
    help = (
        "In các ngày nghỉ và các ngày thứ Bảy, Chủ nhật phải làm việc của một năm (pakn calendar 2026), "
        f"hoặc tính hạn xử lý ({EXAMPLE} → 2026-02-23T10:00:00+07:00). "
        'Thời hạn: "N hours", "N working hours", "N working days" hoặc "N days". '
        "Thời điểm bắt đầu không ghi múi giờ được hiểu là giờ địa phương; 'now' là lúc này."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", metavar="NĂM|due", help="năm cần in lịch, hoặc 'due' để tính hạn")
        parser.add_argument(
            "rest",
            nargs="*",
            metavar="BẮT_ĐẦU THỜI_HẠN",
            help='sau due: thời điểm bắt đầu (ISO 8601 hoặc now) và thời hạn (ví dụ "1 working day")',
        )

    def handle(self, *args: Any, target: str, rest: list[str], **options: Any) -> None:
        if target == "due":
            self._due(rest, verbose=options["verbosity"] >= 2)
        elif not rest:
            self._year(target)
        else:
            raise CommandError(f"Tham số không hợp lệ: {' '.join([target, *rest])!r}. Cách dùng: {USAGE}")

    def _year(self, text: str) -> None:
        try:
            year = int(text)
        except ValueError:
            raise CommandError(f"{text!r} không phải là một năm. Cách dùng: {USAGE}") from None
        if not 1900 <= year <= 2200:
            raise CommandError(f"Năm phải nằm trong khoảng 1900–2200, không phải {year}.")
        calendar = get_calendar()
        hours = ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in calendar.office_hours)
        self.stdout.write(f"Lịch làm việc năm {year} (giờ làm việc {hours}, múi giờ {calendar.tz.key})")
        self._section(f"Ngày nghỉ trong tuần làm việc năm {year}", calendar.days_off(year))
        self._section(f"Thứ Bảy, Chủ nhật phải làm việc năm {year}", calendar.worked_weekend_days(year))

    def _section(self, title: str, days: list[tuple[Any, str]]) -> None:
        self.stdout.write("")
        self.stdout.write(f"{title} ({len(days)} ngày):")
        for d, name in days:
            self.stdout.write(f"{d.isoformat()}  {weekday_name(d):<8}  {name}")
        if not days:
            self.stdout.write("(không có)")

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
