"""`pakn calendar check`: the shipped official calendar, the administrator's edits and the holidays package,
compared day by day for one year.

Three calendars are built for the year with the same office hours and zone:
- *shipped*: the official file of the year alone (pakn.workdays.official), or nothing when there is none;
- *package*: the `holidays` package alone (what pakn would use if the year had no file);
- *in force*: what deadlines use now (`get_calendar()`: the shipped file or the package, plus the
  CalendarOverride table).
A day is listed when they do not all agree on whether it is a working day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

from pakn.workdays.calendar import WorkCalendar, get_calendar
from pakn.workdays.models import CalendarOverride
from pakn.workdays.official import official_years

__all__ = ["DayStatus", "YearCheck", "year_check"]


@dataclass(frozen=True)
class DayStatus:
    """Whether a day is worked in one calendar, and the name that calendar gives it (if any)."""

    working: bool
    name: str = ""

    def label(self) -> str:
        text = "làm việc" if self.working else "nghỉ"
        return f"{text} ({self.name})" if self.name else text


@dataclass
class YearCheck:
    year: int
    shipped_source: str | None  # the file, or None when the year has no shipped calendar
    package_version: str
    # date → (shipped or None, package, in force)
    differences: dict[date, tuple[DayStatus | None, DayStatus, DayStatus]] = field(default_factory=dict)
    overrides: list[CalendarOverride] = field(default_factory=list)

    # date of each override → whether it agrees with the shipped file (None: the year has no file)
    override_agrees: dict[date, bool | None] = field(default_factory=dict)

    @property
    def package_differs(self) -> bool:
        return any(s is not None and s.working != p.working for s, p, _f in self.differences.values())


def _names(calendar: WorkCalendar, year: int) -> dict[date, str]:
    return dict(calendar.days_off(year)) | dict(calendar.worked_weekend_days(year))


def _status(calendar: WorkCalendar, names: dict[date, str], day: date) -> DayStatus:
    return DayStatus(calendar.is_working_day(day), names.get(day, ""))


def year_check(year: int) -> YearCheck:
    in_force = get_calendar()
    hours, tz = in_force.office_hours, in_force.tz
    shipped_year = official_years().get(year)
    package = WorkCalendar(days_off={}, working_days={}, office_hours=hours, tz=tz)
    shipped = (
        WorkCalendar(days_off={}, working_days={}, office_hours=hours, tz=tz, official={year: shipped_year})
        if shipped_year is not None
        else None
    )
    result = YearCheck(
        year=year,
        shipped_source=shipped_year.source if shipped_year else None,
        package_version=holidays.__version__,
        overrides=list(CalendarOverride.objects.filter(date__year=year).order_by("date")),
    )
    names = {
        "package": _names(package, year),
        "shipped": _names(shipped, year) if shipped else {},
        "in_force": _names(in_force, year),
    }
    for override in result.overrides:
        worked = override.kind == CalendarOverride.Kind.WORKING_DAY
        result.override_agrees[override.date] = (
            shipped.is_working_day(override.date) == worked if shipped is not None else None
        )
    day = date(year, 1, 1)
    while day.year == year:
        p = _status(package, names["package"], day)
        s = _status(shipped, names["shipped"], day) if shipped else None
        f = _status(in_force, names["in_force"], day)
        if len({x.working for x in (p, s, f) if x is not None}) > 1:
            result.differences[day] = (s, p, f)
        day += timedelta(days=1)
    return result
