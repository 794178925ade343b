"""Deadlines of the steps of Article 7, read from the DeadlinePolicy table (defaults seeded from the text),
and how durations are said (the countdown itself: pakn.reports.countdown).

Each row is *statutory* (a deadline Decision 826 sets: it counts in the figures, the ranking and the public
record) or a *target* (an internal aim: warnings only). The table is the only source: a step whose rows an
administrator deleted has no deadline, and no built-in value comes back (docs/deadlines.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from django.utils.translation import ngettext

from pakn.reports.models import DeadlinePolicy, Step
from pakn.workdays.calendar import Duration, Unit, WorkCalendar, add_duration

STATUTORY = DeadlinePolicy.Nature.STATUTORY
TARGET = DeadlinePolicy.Nature.TARGET


class PolicyDefault(NamedTuple):
    step: str
    agency_kind: str
    is_complex: bool
    amount: int
    unit: str
    nature: str
    article: str
    basis: str


# The readings of the regulation, explained in docs/deadlines.md; seeded into DeadlinePolicy by migrations.
# The articles are quoted as the regulation numbers them (Quy chế ban hành kèm theo Quyết định 826/QĐ-UBND).
DEFAULTS: tuple[PolicyDefault, ...] = (
    PolicyDefault(
        Step.TRIAGE, "ioc", False, 1, "hours", STATUTORY, "Điểm a khoản 2 Điều 7",
        "Trong thời gian 01 giờ kể từ khi nhận được phản ánh, kiến nghị",
    ),
    PolicyDefault(
        Step.SUPPLEMENT, "ioc", False, 1, "hours", STATUTORY, "Điểm b khoản 2 Điều 7",
        "Trong thời gian 01 giờ kể từ khi nhận được đề nghị bổ sung thông tin",
    ),
    PolicyDefault(
        Step.ASSIGN, "", False, 1, "working_hours", STATUTORY, "Điểm a khoản 3, điểm a khoản 4 Điều 7",
        "Trong thời gian 01 giờ, lãnh đạo phân công cán bộ xử lý (tính theo giờ làm việc)",
    ),
    PolicyDefault(
        Step.HANDLE, "", False, 1, "working_days", STATUTORY, "Điểm a khoản 3, điểm a khoản 4 Điều 7",
        "Trong thời gian 01 ngày làm việc, cán bộ xử lý báo cáo kết quả",
    ),
    PolicyDefault(
        Step.APPROVE, "", False, 1, "working_days", TARGET, "",
        "Quy chế không quy định thời hạn duyệt kết quả; chỉ tiêu nội bộ",
    ),
    PolicyDefault(
        Step.ESCALATE, "", False, 1, "working_days", TARGET, "",
        "Quy chế không quy định cho cơ quan khác UBND cấp xã, cấp huyện; chỉ tiêu nội bộ",
    ),
    PolicyDefault(
        Step.ESCALATE, "commune", False, 1, "working_days", STATUTORY, "Điểm b khoản 3 Điều 7",
        "Trong thời gian 01 ngày kể từ khi nhận được, chuyển đến cấp trên (tính theo ngày làm việc)",
    ),
    PolicyDefault(
        Step.ESCALATE, "district", False, 1, "working_days", STATUTORY, "Điểm b khoản 4 Điều 7",
        "Trong thời gian 01 ngày làm việc, chuyển cho Trung tâm IOC",
    ),
    PolicyDefault(
        Step.ESCALATE, "district", True, 2, "working_days", STATUTORY, "Điểm b khoản 4 Điều 7",
        "Tối đa 02 ngày làm việc đối với trường hợp sự việc phức tạp cần thời gian kiểm tra thực tế",
    ),
    PolicyDefault(
        Step.COORDINATE, "", False, 3, "working_days", STATUTORY, "Khoản 5 Điều 7",
        "Trong thời gian 03 ngày làm việc công khai kết quả xử lý",
    ),
    PolicyDefault(
        Step.OPINION, "", False, 1, "working_days", TARGET, "",
        "Quy chế không quy định thời hạn cho ý kiến; chỉ tiêu nội bộ trong thời hạn 03 ngày của khoản 5 Điều 7",
    ),
    PolicyDefault(
        Step.CLARIFY, "", False, 1, "working_days", TARGET, "",
        "Khoản 2 Điều 8 không quy định thời hạn làm rõ; chỉ tiêu nội bộ",
    ),
)  # fmt: skip


class Deadline(NamedTuple):
    """A step's deadline and whether Decision 826 sets it (statutory) or it is an internal target."""

    at: datetime
    statutory: bool


def candidate_keys(agency_kind: str, is_complex: bool) -> list[tuple[str, bool]]:
    """The (agency kind, complex) keys a step's policy is looked up by, the most specific first."""
    keys = [(agency_kind, is_complex), (agency_kind, False), ("", is_complex), ("", False)]
    seen: list[tuple[str, bool]] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return seen


def policy_for(step: str, agency_kind: str, *, is_complex: bool = False) -> DeadlinePolicy | None:
    """The policy row of a step at a kind of agency: the most specific row wins; None when there is none."""
    rows = {
        (p.agency_kind, p.is_complex): p
        for p in DeadlinePolicy.objects.filter(step=step, agency_kind__in=[agency_kind, ""])
    }
    for key in candidate_keys(agency_kind, is_complex):
        if key in rows:
            return rows[key]
    return None


def duration_for(step: str, agency_kind: str, *, is_complex: bool = False) -> Duration | None:
    """The allowed duration of a step at a kind of agency, or None when the table has no row for it."""
    policy = policy_for(step, agency_kind, is_complex=is_complex)
    return Duration(policy.amount, Unit(policy.unit)) if policy else None


def deadline_for(
    step: str, agency_kind: str, start: datetime, *, is_complex: bool = False
) -> Deadline | None:
    policy = policy_for(step, agency_kind, is_complex=is_complex)
    if policy is None:
        return None
    return Deadline(add_duration(start, Duration(policy.amount, Unit(policy.unit))), policy.is_statutory)


def due_for(step: str, agency_kind: str, start: datetime, *, is_complex: bool = False) -> datetime | None:
    deadline = deadline_for(step, agency_kind, start, is_complex=is_complex)
    return deadline.at if deadline else None


def _values(d: PolicyDefault, policy_model: type[DeadlinePolicy]) -> dict[str, Any]:
    # A migration's historical model may predate a field (before the squash, 0002 seeded before `nature`).
    fields = {f.name for f in policy_model._meta.get_fields()}
    values = {"amount": d.amount, "unit": d.unit, "nature": d.nature, "article": d.article, "basis": d.basis}
    return {k: v for k, v in values.items() if k in fields}


def default_for(step: str, agency_kind: str, is_complex: bool) -> PolicyDefault | None:
    """The default row the regulation gives for this key, or the nearest one (same step, any agency)."""
    by_key = {(d.step, d.agency_kind, d.is_complex): d for d in DEFAULTS}
    for kind, cx in candidate_keys(agency_kind, is_complex):
        if (step, kind, cx) in by_key:
            return by_key[(step, kind, cx)]
    return None


def seed_defaults(policy_model: type[DeadlinePolicy] = DeadlinePolicy) -> int:
    """Create the default rows that are missing; never change a row an administrator edited.

    Run by migrations only (and by the tests after a flush): a row an administrator deleted later is not
    brought back by anything at run time.
    """
    created = 0
    for d in DEFAULTS:
        _, was_created = policy_model.objects.get_or_create(
            step=d.step, agency_kind=d.agency_kind, is_complex=d.is_complex, defaults=_values(d, policy_model)
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


# --- Wording of durations (R-7, R-10.1) ------------------------------------------------------------------------


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
