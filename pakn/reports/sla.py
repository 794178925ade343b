"""Deadlines of the steps of Article 7, read from the DeadlinePolicy table (defaults seeded from R-7), and
the one countdown every surface shows (console, API, notifications): `Clock.for_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import ngettext

from pakn.reports.models import DeadlinePolicy, Report, Step
from pakn.workdays.calendar import Duration, Unit, WorkCalendar, add_duration, get_calendar


class PolicyDefault(NamedTuple):
    step: str
    agency_kind: str
    is_complex: bool
    amount: int
    unit: str
    basis: str


# The readings of the regulation, explained in docs/deadlines.md. Seeded into DeadlinePolicy by a migration;
# also the fallback when an administrator deleted a row.
DEFAULTS: tuple[PolicyDefault, ...] = (
    PolicyDefault(Step.TRIAGE, "ioc", False, 1, "hours", "R-7.2a: 01 giờ kể từ khi nhận được"),
    PolicyDefault(Step.SUPPLEMENT, "ioc", False, 1, "hours", "R-7.2b: 01 giờ kể từ khi nhận được đề nghị"),
    PolicyDefault(Step.ASSIGN, "", False, 1, "working_hours", "R-7.3a, R-7.4a: phân công trong 01 giờ"),
    PolicyDefault(
        Step.HANDLE, "", False, 1, "working_days", "R-7.3a, R-7.4a: báo cáo trong 01 ngày làm việc"
    ),
    PolicyDefault(Step.APPROVE, "", False, 1, "working_days", "Quy chế không quy định; theo chính sách"),
    PolicyDefault(Step.ESCALATE, "", False, 1, "working_days", "Mặc định khi chuyển cấp trên"),
    PolicyDefault(Step.ESCALATE, "commune", False, 1, "working_days", "R-7.3b: trong 01 ngày"),
    PolicyDefault(Step.ESCALATE, "district", False, 1, "working_days", "R-7.4b: 01 ngày làm việc"),
    PolicyDefault(Step.ESCALATE, "district", True, 2, "working_days", "R-7.4b: tối đa 02 ngày làm việc"),
    PolicyDefault(
        Step.COORDINATE, "", False, 3, "working_days", "R-7.5: công khai kết quả trong 03 ngày làm việc"
    ),
    PolicyDefault(Step.OPINION, "", False, 1, "working_days", "Theo chính sách, trong thời hạn của R-7.5"),
    PolicyDefault(Step.CLARIFY, "", False, 1, "working_days", "R-8.2: theo chính sách"),
)


def _candidates(agency_kind: str, is_complex: bool) -> list[tuple[str, bool]]:
    keys = [(agency_kind, is_complex), (agency_kind, False), ("", is_complex), ("", False)]
    seen: list[tuple[str, bool]] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return seen


def duration_for(step: str, agency_kind: str, *, is_complex: bool = False) -> Duration | None:
    """The allowed duration of a step at a kind of agency: the most specific policy row wins."""
    rows = {
        (p.agency_kind, p.is_complex): p
        for p in DeadlinePolicy.objects.filter(step=step, agency_kind__in=[agency_kind, ""])
    }
    for key in _candidates(agency_kind, is_complex):
        if key in rows:
            return Duration(rows[key].amount, Unit(rows[key].unit))
    defaults = {(d.agency_kind, d.is_complex): d for d in DEFAULTS if d.step == step}
    for key in _candidates(agency_kind, is_complex):
        if key in defaults:
            return Duration(defaults[key].amount, Unit(defaults[key].unit))
    return None


def due_for(step: str, agency_kind: str, start: datetime, *, is_complex: bool = False) -> datetime | None:
    duration = duration_for(step, agency_kind, is_complex=is_complex)
    return add_duration(start, duration) if duration else None


def seed_defaults(policy_model: type[DeadlinePolicy] = DeadlinePolicy) -> int:
    """Create the default rows that are missing; never change a row an administrator edited."""
    created = 0
    for d in DEFAULTS:
        _, was_created = policy_model.objects.get_or_create(
            step=d.step,
            agency_kind=d.agency_kind,
            is_complex=d.is_complex,
            defaults={"amount": d.amount, "unit": d.unit, "basis": d.basis},
        )
        created += was_created
    return created


def duration_text(step: str, agency_kind: str, *, is_complex: bool = False) -> str:
    """The allowed time of a step as the regulation writes it ("01 giờ", "03 ngày làm việc"), from the
    policy row that applies: help texts quote this, never a number of their own."""
    duration = duration_for(step, agency_kind, is_complex=is_complex)
    if duration is None:
        return ""
    n = duration.amount
    words = {
        Unit.HOURS: ngettext("%(n)02d giờ", "%(n)02d giờ", n),
        Unit.WORKING_HOURS: ngettext("%(n)02d giờ làm việc", "%(n)02d giờ làm việc", n),
        Unit.WORKING_DAYS: ngettext("%(n)02d ngày làm việc", "%(n)02d ngày làm việc", n),
        Unit.DAYS: ngettext("%(n)02d ngày", "%(n)02d ngày", n),
    }
    return words[Unit(duration.unit)] % {"n": n}


# --- The countdown (R-7, R-10.1) ------------------------------------------------------------------------

DUE_SOON_WORKING_HOURS = 4


def due_soon_limit(now: datetime, calendar: WorkCalendar | None = None) -> datetime:
    """The end of the "due soon" window: a few working hours from now."""
    return (calendar or get_calendar()).add(now, Duration(DUE_SOON_WORKING_HOURS, Unit.WORKING_HOURS))


@dataclass(frozen=True)
class Countdown:
    seconds: int  # seconds left, in working time for working-time steps (negative: overdue by that much)
    overdue: bool
    due_soon: bool
    text: str


def working_day_seconds(calendar: WorkCalendar) -> int:
    """The length of a working day: the sum of the office periods (27 000 s for 07:30–11:30, 13:30–17:00)."""
    total = sum(
        (end.hour * 3600 + end.minute * 60 + end.second)
        - (start.hour * 3600 + start.minute * 60 + start.second)
        for start, end in calendar.office_hours
    )
    return total or 8 * 3600


def duration_words(seconds: int, day: int = 86400) -> str:
    """A duration the way it is said: '45 phút', '1 giờ 30 phút', '2 ngày 3 giờ' (`day`: its length)."""
    days, rest = divmod(abs(seconds), day)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if minutes and not days:
        parts.append(f"{minutes} phút")
    return " ".join(parts) or "dưới 1 phút"


def countdown(
    due_at: datetime | None,
    *,
    now: datetime,
    soon: datetime,
    calendar: WorkCalendar,
    working: bool = True,
) -> Countdown | None:
    """Time left until a deadline, or how late it is (R-7, R-10.1): in working time, or in clock time for
    steps whose deadline is counted in clock hours or days (triage and supplement: 1 hour, R-7.2)."""
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
            for kind, complex_ in _candidates(agency_kind, is_complex):
                if (step, kind, complex_) in table:
                    return table[(step, kind, complex_)] in (Unit.WORKING_HOURS, Unit.WORKING_DAYS)
        return True


@dataclass
class Clock:
    """What a page needs to show countdowns: now, the due-soon limit, the calendar and the step units.

    The one countdown of the system: the console's pages and the API's cases both show
    `Clock.for_report(report)`, so the same case shows the same time left everywhere.
    """

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
        """The countdown of the report's current step, also a clarification owed on a resolved report."""
        working = (
            self.units.working(report.step, report.agency.kind, report.is_complex) if report.step else True
        )
        return countdown(report.due_at, now=self.now, soon=self.soon, calendar=self.calendar, working=working)

    def for_moment(self, due_at: datetime | None) -> Countdown | None:
        return countdown(due_at, now=self.now, soon=self.soon, calendar=self.calendar)
