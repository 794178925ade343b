"""The late cases of a period and the agencies' explanations (R-14.4): the items of the late-cases page and
their table (split from pakn.stats.documents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from pakn.reports.models import Step
from pakn.reports.sla import working_day_seconds
from pakn.stats import series
from pakn.stats.models import LateExplanation
from pakn.stats.tables import Column, Table
from pakn.workdays.calendar import get_calendar

# --- Late cases (R-14.4) ---------------------------------------------------------------------------------------


@dataclass
class LateItem:
    """A step an agency did late, or had not done past its deadline at the end of the period."""

    report_id: int
    tracking_code: str
    agency_id: int
    agency_name: str
    step: str
    due_at: datetime
    done_at: datetime | None
    late_days: float
    late_hours: float = 0.0  # clock hours: what counts for steps whose deadline is in clock hours (triage)
    explanation: LateExplanation | None = None

    @property
    def step_label(self) -> str:
        return str(dict(Step.choices).get(self.step, self.step))

    @property
    def status(self) -> str:
        return _("Đã thực hiện, trễ hạn") if self.done_at else _("Chưa thực hiện, đã quá hạn")

    @property
    def form_key(self) -> str:
        """Which row a submitted explanation form belongs to."""
        return explanation_form_key(self.report_id, self.step, self.due_at)

    @property
    def key(self) -> tuple[int, str, datetime, int]:
        return (self.report_id, self.step, self.due_at, self.agency_id)


def explanation_form_key(report_id: Any, step: str, due_at: datetime) -> str:
    return f"{report_id}|{step}|{int(due_at.timestamp())}"


def working_days_late(due: datetime, done: datetime, calendar: Any = None) -> float:
    """How late, in working days of office time (7.5 hours by default): 0 when in time or done outside
    office hours before the next working period began."""
    calendar = calendar or get_calendar()
    seconds = max(0, calendar.working_seconds_between(due, done))
    return seconds / working_day_seconds(calendar)


def clock_hours_late(due: datetime, done: datetime) -> float:
    return max(0.0, (done - due).total_seconds() / 3600)


def _attach_explanations(items: list[LateItem]) -> list[LateItem]:
    if not items:
        return items
    found = {
        (e.report_id, e.step, e.due_at, e.agency_id): e
        for e in LateExplanation.objects.filter(
            report_id__in={i.report_id for i in items}, agency_id__in={i.agency_id for i in items}
        ).select_related("author")
    }
    for item in items:
        item.explanation = found.get(item.key)
    return items


def late_done_items(events: list[Any], calendar: Any = None) -> list[LateItem]:
    calendar = calendar or get_calendar()
    items = [
        LateItem(
            report_id=e.report_id,
            tracking_code=e.report.tracking_code,
            agency_id=e.agency_id,
            agency_name=e.agency.name,
            step=e.step,
            due_at=e.step_due_at,
            done_at=e.at,
            late_days=working_days_late(e.step_due_at, e.at, calendar),
            late_hours=clock_hours_late(e.step_due_at, e.at),
        )
        for e in events
    ]
    return _attach_explanations(items)


def late_pending_items(reports: list[Any], moment: datetime, calendar: Any = None) -> list[LateItem]:
    calendar = calendar or get_calendar()
    names = series.agencies_named(r.holder_at for r in reports)
    items = [
        LateItem(
            report_id=r.pk,
            tracking_code=r.tracking_code,
            agency_id=r.holder_at,
            agency_name=names.get(r.holder_at, ""),
            step=r.step_at,
            due_at=r.due_at_then,
            done_at=None,
            late_days=working_days_late(r.due_at_then, moment, calendar),
            late_hours=clock_hours_late(r.due_at_then, moment),
        )
        for r in reports
    ]
    return _attach_explanations(items)


def late_table(items: list[LateItem], title: str) -> Table:
    t = Table(
        "late",
        _("Trễ hạn"),
        title,
        [
            Column(_("Mã phản ánh")),
            Column(_("Cơ quan")),
            Column(_("Bước")),
            Column(_("Tình trạng")),
            Column(_("Hạn"), "datetime"),
            Column(_("Thực hiện lúc"), "datetime"),
            Column(_("Trễ (giờ thực tế)"), "decimal"),
            Column(_("Trễ (ngày làm việc)"), "decimal"),
            Column(_("Giải trình của cơ quan")),
            Column(_("Người giải trình")),
        ],
    )
    for i in items:
        e = i.explanation
        t.add(
            i.tracking_code,
            i.agency_name,
            i.step_label,
            i.status,
            i.due_at,
            i.done_at,
            round(i.late_hours, 2),
            round(i.late_days, 2),
            e.text if e else "",
            str(e.author) if e else "",
        )
    return t
