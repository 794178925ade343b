"""Countdowns in working time (R-7, R-10.1): how long is left until a step's deadline, or how late it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from pakn.reports.models import DeadlinePolicy, Report
from pakn.reports.sla import DEFAULTS, candidate_keys, duration_words, working_day_seconds
from pakn.workdays.calendar import Duration, Unit, WorkCalendar, get_calendar

DUE_SOON_WORKING_HOURS = 4


def due_soon_limit(now: datetime, calendar: WorkCalendar | None = None) -> datetime:
    """The end of the "due soon" window: a few working hours from now."""
    return (calendar or get_calendar()).add(now, Duration(DUE_SOON_WORKING_HOURS, Unit.WORKING_HOURS))


@dataclass(frozen=True)
class Countdown:
    seconds: int  # working seconds left (negative: overdue by that much)
    overdue: bool
    due_soon: bool
    text: str


def countdown(
    due_at: datetime | None,
    *,
    now: datetime,
    soon: datetime,
    calendar: WorkCalendar,
    working: bool = True,
) -> Countdown | None:
    """Time left until a deadline, or how late it is (R-7, R-10.1): in working time, or in clock time for
    steps whose deadline is counted in clock hours (triage and supplement: 1 hour, R-7.2)."""
    if due_at is None:
        return None
    day = working_day_seconds(calendar) if working else 86400
    suffix = " làm việc" if working else ""
    if due_at < now:
        late = (
            calendar.working_seconds_between(due_at, now) if working else int((now - due_at).total_seconds())
        )
        return Countdown(-late, True, False, f"Quá hạn {duration_words(late, day)}{suffix}")
    left = calendar.working_seconds_between(now, due_at) if working else int((due_at - now).total_seconds())
    return Countdown(left, False, due_at <= soon, f"Còn {duration_words(left, day)}{suffix}")


class DeadlineUnits:
    """Whether each step's deadline counts working time, from the DeadlinePolicy table read once."""

    def __init__(self) -> None:
        self.rows = {(p.step, p.agency_kind, p.is_complex): p.unit for p in DeadlinePolicy.objects.all()}
        self.defaults = {(d.step, d.agency_kind, d.is_complex): d.unit for d in DEFAULTS}

    def working(self, step: str, agency_kind: str, is_complex: bool = False) -> bool:
        for table in (self.rows, self.defaults):
            for kind, cx in candidate_keys(agency_kind, is_complex):
                if (step, kind, cx) in table:
                    return table[(step, kind, cx)] in (Unit.WORKING_HOURS, Unit.WORKING_DAYS)
        return True


@dataclass
class Clock:
    """What a page needs to show countdowns: now, the due-soon limit, the calendar and the step units."""

    now: datetime
    calendar: WorkCalendar
    soon: datetime
    units: DeadlineUnits

    @classmethod
    def start(cls, now: datetime | None = None) -> Clock:
        now = now or timezone.now()
        calendar = get_calendar()
        return cls(now, calendar, due_soon_limit(now, calendar), DeadlineUnits())

    def for_report(self, report: Report) -> Countdown | None:
        working = (
            self.units.working(report.step, report.agency.kind, report.is_complex) if report.step else True
        )
        return countdown(report.due_at, now=self.now, soon=self.soon, calendar=self.calendar, working=working)

    def for_moment(self, due_at: datetime | None) -> Countdown | None:
        return countdown(due_at, now=self.now, soon=self.soon, calendar=self.calendar)
