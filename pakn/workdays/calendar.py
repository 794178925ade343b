"""The working calendar and deadline arithmetic of R-7: clock hours, working hours, working days, days."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from pakn.workdays.official import OfficialYear, official_years

__all__ = [
    "WEEKDAY_NAMES",
    "Duration",
    "Unit",
    "WorkCalendar",
    "add_duration",
    "get_calendar",
    "parse_duration",
    "parse_office_hours",
    "weekday_name",
]

# Monday first, as date.weekday() counts.
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

# A bound on any duration: a typo in a policy (100000 working hours) must not make a worker loop for ages.
MAX_AMOUNT = 10_000

# Searching for the next working day gives up after this many days (a calendar with none is misconfigured).
_MAX_DAYS_WITHOUT_WORK = 366

_DEFAULT_OFFICE_HOURS = ["07:30-11:30", "13:30-17:00"]

# Names of days given without one.
DEFAULT_DAY_OFF_NAME = "Ngày nghỉ"
DEFAULT_WORKING_DAY_NAME = "Ngày làm việc bù"


def weekday_name(d: date) -> str:
    """The Vietnamese name of the day of the week: "Thứ Hai" … "Chủ nhật"."""
    return WEEKDAY_NAMES[d.weekday()]


class Unit(models.TextChoices):
    HOURS = "hours", _("giờ")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    WORKING_DAYS = "working_days", _("ngày làm việc")
    DAYS = "days", _("ngày")


@dataclass(frozen=True)
class Duration:
    """How long a step may take: an amount (0 … MAX_AMOUNT) of a unit."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError(f"Số lượng của thời hạn phải là số nguyên, không phải {self.amount!r}.")
        if not 0 <= self.amount <= MAX_AMOUNT:
            raise ValueError(f"Số lượng của thời hạn phải từ 0 đến {MAX_AMOUNT}, không phải {self.amount}.")
        try:
            unit = Unit(self.unit)
        except ValueError:
            choices = ", ".join(u.value for u in Unit)
            raise ValueError(f"Đơn vị thời hạn {self.unit!r} không hợp lệ; chỉ nhận: {choices}.") from None
        object.__setattr__(self, "unit", unit)

    def label(self) -> str:
        """In Vietnamese: "1 ngày làm việc", "2 giờ"."""
        return f"{self.amount} {self.unit.label}"

    def __str__(self) -> str:
        return self.label()


# Words accepted after the number, English (singular or plural) and Vietnamese (the labels).
_UNIT_WORDS: dict[str, Unit] = {
    "hour": Unit.HOURS,
    "hours": Unit.HOURS,
    "working hour": Unit.WORKING_HOURS,
    "working hours": Unit.WORKING_HOURS,
    "working day": Unit.WORKING_DAYS,
    "working days": Unit.WORKING_DAYS,
    "day": Unit.DAYS,
    "days": Unit.DAYS,
    "giờ": Unit.HOURS,
    "giờ làm việc": Unit.WORKING_HOURS,
    "ngày làm việc": Unit.WORKING_DAYS,
    "ngày": Unit.DAYS,
}
_DURATION_RE = re.compile(r"(?P<amount>[0-9]+)\s*(?P<unit>\D.*)")


def parse_duration(text: str) -> Duration:
    """Read "1 hour", "3 hours", "1 working hour", "2 working days", "1 day", "5 days" (or "2 giờ")."""
    cleaned = " ".join(unicodedata.normalize("NFC", str(text)).split()).lower()
    match = _DURATION_RE.fullmatch(cleaned)
    unit = _UNIT_WORDS.get(match["unit"]) if match else None
    if match is None or unit is None:
        raise ValueError(
            f"Không hiểu thời hạn {str(text)!r}. Hãy viết một số nguyên rồi đơn vị: "
            '"N hours", "N working hours", "N working days" hoặc "N days" '
            '(ví dụ "1 working day", "3 hours"; cũng nhận "2 giờ làm việc", "1 ngày làm việc").'
        )
    return Duration(int(match["amount"]), unit)


def parse_office_hours(periods: Iterable[str]) -> list[tuple[time, time]]:
    """Read office periods written "HH:MM-HH:MM" (settings.PAKN_OFFICE_HOURS) into (start, end) pairs."""
    result: list[tuple[time, time]] = []
    for period in periods:
        try:
            start_text, end_text = period.replace("–", "-").split("-")
            start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
        except ValueError as e:
            raise ImproperlyConfigured(
                f"PAKN_OFFICE_HOURS: {period!r} is not a period written HH:MM-HH:MM"
            ) from e
        result.append((start, end))
    try:
        return _checked_office_hours(result)
    except ValueError as e:
        raise ImproperlyConfigured(f"PAKN_OFFICE_HOURS: {e}") from e


def _checked_office_hours(periods: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    result = list(periods)
    if not result:
        raise ValueError("at least one office period is needed")
    for start, end in result:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("office hours are local clock times, without a time zone")
        if not start < end:
            raise ValueError(f"a period must end after it starts ({start:%H:%M}-{end:%H:%M})")
    for (_first_start, end), (start, _second_end) in pairwise(result):
        if start < end:
            raise ValueError("periods must be in order and must not overlap")
    return result


@dataclass(frozen=True)
class _Year:
    """What the holiday library says about one year."""

    holidays: dict[date, str]
    weekend_workdays: dict[date, str]


HolidayYearsProvider = Callable[[int], Mapping[date, str]]


def _year_from(year: int, found: Mapping[date, str]) -> _Year:
    days = {d: name for d, name in found.items() if d.year == year}
    # The library also knows some swapped working Saturdays (e.g. 22/08/2026 for 31/08/2026); name each one
    # after the day off it pays for, which the library labels "Ngày nghỉ (thay cho ngày 22/08/2026)".
    workdays: dict[date, str] = {}
    for worked in getattr(found, "weekend_workdays", ()):
        if worked.year != year:
            continue
        paid_for = [d for d, name in days.items() if worked.strftime("%d/%m/%Y") in name]
        workdays[worked] = f"Làm bù cho ngày {paid_for[0]:%d/%m/%Y}" if paid_for else DEFAULT_WORKING_DAY_NAME
    return _Year(days, workdays)


@lru_cache(maxsize=64)
def _vietnam_year(year: int) -> _Year:
    return _year_from(year, holidays.VN(years=year, language="vi"))


class WorkCalendar:
    """Which days are worked and when the office is open, and the deadline arithmetic built on that.

    A day is a working day when a WORKING_DAY override names it; otherwise not when a DAY_OFF override
    names it; otherwise as the year's source says (Monday–Friday except its days off, plus the weekend days
    worked in exchange): the shipped official calendar when it covers the year, else holidays.VN. `days_off` and `working_days` may be sets of dates or mappings from
    date to a name (the names show in `days_off()` and `worked_weekend_days()`).

    `holiday_years_provider(year)` returns that year's public holidays as a mapping date → name (an optional
    `weekend_workdays` attribute lists swapped working weekend days); by default holidays.VN in Vietnamese.
    It is asked lazily, once per year, and only for a year that `official` (the shipped calendar,
    pakn.workdays.official) does not cover: for those years the shipped days replace the package entirely.
    """

    def __init__(
        self,
        *,
        days_off: Collection[date] | Mapping[date, str],
        working_days: Collection[date] | Mapping[date, str],
        office_hours: list[tuple[time, time]],
        tz: ZoneInfo,
        holiday_years_provider: HolidayYearsProvider | None = None,
        official: Mapping[int, OfficialYear] | None = None,
    ) -> None:
        self._days_off = _named(days_off, DEFAULT_DAY_OFF_NAME)
        self._working_days = _named(working_days, DEFAULT_WORKING_DAY_NAME)
        both = sorted(set(self._days_off) & set(self._working_days))
        if both:
            raise ValueError(f"a day cannot be both a day off and a working day: {both[0].isoformat()}")
        self.office_hours = _checked_office_hours(office_hours)
        self.tz = tz
        self._provider = holiday_years_provider
        self._official = dict(official or {})
        self._years: dict[int, _Year] = {}

    # -- days ---------------------------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            shipped = self._official.get(year)
            provider = self._provider
            if shipped is not None:
                found = _Year(dict(shipped.days_off), dict(shipped.working_days))
            elif provider is None:
                found = _vietnam_year(year)
            else:
                found = _year_from(year, provider(year))
            self._years[year] = found
        return found

    def source(self, year: int) -> str:
        """Where the year's days come from: the shipped file's path, or "holidays <version>"."""
        shipped = self._official.get(year)
        if shipped is not None:
            return shipped.source
        return f"holidays {holidays.__version__}" if self._provider is None else "holiday_years_provider"

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = self._local(d).date()
        if d in self._working_days:
            return True
        if d in self._days_off:
            return False
        year = self._year(d.year)
        if d.weekday() >= 5:
            return d in year.weekend_workdays
        return d not in year.holidays

    def days_off(self, year: int) -> list[tuple[date, str]]:
        """The year's days off that fall on Monday–Friday, and every DAY_OFF override, with their names."""
        found = {
            d: name
            for d, name in self._year(year).holidays.items()
            if d.weekday() < 5 and not self.is_working_day(d)
        }
        found.update((d, name) for d, name in self._days_off.items() if d.year == year)
        return sorted(found.items())

    def worked_weekend_days(self, year: int) -> list[tuple[date, str]]:
        """The year's Saturdays and Sundays that are working days, with their names."""
        found = {d: name for d, name in self._year(year).weekend_workdays.items() if self.is_working_day(d)}
        found.update(
            (d, name) for d, name in self._working_days.items() if d.year == year and d.weekday() >= 5
        )
        return sorted(found.items())

    def _next_working_day(self, d: date) -> date:
        for _i in range(_MAX_DAYS_WITHOUT_WORK):
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        raise ValueError(f"no working day within {_MAX_DAYS_WITHOUT_WORK} days after {d.isoformat()}")

    # -- instants (naive local datetimes inside, aware at the edges) --------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"an aware datetime is needed, not the naive {moment.isoformat()}")
        return moment.astimezone(self.tz)

    def _aware(self, local: datetime) -> datetime:
        # The round trip through UTC settles a local time that a DST change skipped (none in Vietnam).
        return local.replace(tzinfo=self.tz).astimezone(UTC).astimezone(self.tz)

    def _periods(self, d: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(d):
            return []
        return [(datetime.combine(d, start), datetime.combine(d, end)) for start, end in self.office_hours]

    def _office_open(self, t: datetime) -> datetime:
        """`t` itself when the office is open then, else the next opening (periods are [start, end))."""
        for start, end in self._periods(t.date()):
            if t < start:
                return start
            if t < end:
                return t
        return datetime.combine(self._next_working_day(t.date()), self.office_hours[0][0])

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The deadline `duration` after `start` (aware), as an aware datetime in the calendar's time zone."""
        local = self._local(start)
        n = duration.amount
        if duration.unit == Unit.HOURS:
            return (start.astimezone(UTC) + timedelta(hours=n)).astimezone(self.tz)
        if duration.unit == Unit.DAYS:
            return self._aware(local.replace(tzinfo=None) + timedelta(days=n))
        t = self._office_open(local.replace(tzinfo=None))
        if duration.unit == Unit.WORKING_DAYS:
            d = t.date()
            for _i in range(n):
                d = self._next_working_day(d)
            return self._aware(datetime.combine(d, t.time()))
        remaining = timedelta(hours=n)
        d = t.date()
        while True:
            for period_start, period_end in self._periods(d):
                if period_end <= t:
                    continue
                begin = max(period_start, t)
                if remaining <= period_end - begin:
                    return self._aware(begin + remaining)
                remaining -= period_end - begin
            d = self._next_working_day(d)

    def working_seconds_between(self, a: datetime, b: datetime) -> int:
        """Office time from `a` to `b` in whole seconds; negative when `b` is before `a`."""
        if b < a:
            return -self.working_seconds_between(b, a)
        lo, hi = self._local(a).replace(tzinfo=None), self._local(b).replace(tzinfo=None)
        total = timedelta()
        d = lo.date()
        while d <= hi.date():
            for period_start, period_end in self._periods(d):
                overlap = min(period_end, hi) - max(period_start, lo)
                if overlap > timedelta():
                    total += overlap
            d += timedelta(days=1)
        return total // timedelta(seconds=1)


def _named(days: Collection[date] | Mapping[date, str], default_name: str) -> dict[date, str]:
    if isinstance(days, Mapping):
        return {d: str(name) or default_name for d, name in days.items()}
    return dict.fromkeys(days, default_name)


@lru_cache(maxsize=8)
def _office_hours(periods: tuple[str, ...]) -> list[tuple[time, time]]:
    return parse_office_hours(periods)


def get_calendar() -> WorkCalendar:
    """The configured calendar: the shipped official years (holidays.VN for other years), the
    CalendarOverride table (read now), office hours and zone."""
    from pakn.workdays.models import CalendarOverride

    days_off: dict[date, str] = {}
    working_days: dict[date, str] = {}
    for d, kind, name in CalendarOverride.objects.values_list("date", "kind", "name"):
        (working_days if kind == CalendarOverride.Kind.WORKING_DAY else days_off)[d] = name
    periods = getattr(settings, "PAKN_OFFICE_HOURS", _DEFAULT_OFFICE_HOURS)
    return WorkCalendar(
        days_off=days_off,
        working_days=working_days,
        office_hours=list(_office_hours(tuple(periods))),
        tz=ZoneInfo(settings.TIME_ZONE),
        official=official_years(),
    )


def add_duration(start: datetime, duration: Duration) -> datetime:
    """The deadline `duration` after `start` on the configured calendar. Hours and calendar days do not
    depend on which days are worked: those skip reading the CalendarOverride table (one query less on every
    report's submission, issue 13)."""
    if duration.unit in (Unit.HOURS, Unit.DAYS):
        return _clock_calendar(settings.TIME_ZONE).add(start, duration)
    return get_calendar().add(start, duration)


@lru_cache(maxsize=4)
def _clock_calendar(zone: str) -> WorkCalendar:
    """A calendar for clock durations only (`add` with hours or days never asks whether a day is worked)."""
    return WorkCalendar(
        days_off={}, working_days={}, office_hours=[(time(0), time(23, 59))], tz=ZoneInfo(zone)
    )
