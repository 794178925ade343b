"""Helpers of the workdays tests: a calendar built like the configured one, without the database."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pakn.workdays.calendar import WorkCalendar, parse_office_hours

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# The rows the seed migration writes (2 Jan 2026 off, Saturday 10 Jan 2026 worked).
SEED_DAYS_OFF = {date(2026, 1, 2): "Nghỉ bù Tết Dương lịch 2026"}
SEED_WORKING_DAYS = {date(2026, 1, 10): "Làm bù cho ngày 02/01/2026"}


def make_calendar(days_off=None, working_days=None, office_hours=None, provider=None) -> WorkCalendar:
    return WorkCalendar(
        days_off=SEED_DAYS_OFF if days_off is None else days_off,
        working_days=SEED_WORKING_DAYS if working_days is None else working_days,
        office_hours=parse_office_hours(office_hours or ["07:30-11:30", "13:30-17:00"]),
        tz=VN,
        holiday_years_provider=provider,
    )


def at(text: str) -> datetime:
    """An aware instant from ISO text; without an offset, Vietnam time."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN)
