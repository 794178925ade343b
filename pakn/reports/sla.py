"""Deadlines of the steps of Article 7, read from the DeadlinePolicy table (defaults seeded from R-7)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from pakn.reports.models import DeadlinePolicy, Step
from pakn.workdays.calendar import Duration, Unit, add_duration


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
