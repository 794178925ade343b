"""Escalating within the escalation time fulfils the assignment step (Điều 7 khoản 3 điểm b, khoản 4 điểm b;
R-7.3b, R-7.4b): such a case is not overdue, nobody is told it is, and no figure counts it late.

Scenarios across Tết 2026 (Saturday 14 – Sunday 22 February are days off), a weekend and Friday afternoons,
on the 2025 data (commune → province) and the 2022 data (commune → district → province).
"""

from __future__ import annotations

from pakn.notify.models import OutboxMessage
from pakn.reports import services, sweeps
from pakn.reports.models import Event, Report, State, Step
from pakn.stats import figures as F
from pakn.stats import quality
from pakn.stats.periods import month
from pakn.stats.scope import PROVINCE
from tests.conftest import VALID, Org, at

FEBRUARY = month(2026, 2)


def _routed(org: Org, submitted: str, forwarded: str) -> Report:
    report = services.report_submit(
        category=org.category, area=org.commune_area, now=at(submitted), **VALID
    ).report
    services.report_forward(report=report, actor=org.operator, now=at(forwarded))
    return report


def _overdue_messages(report: Report) -> int:
    return OutboxMessage.objects.filter(report=report, kind="overdue").count()


def test_a_commune_escalating_after_tet_within_its_day_is_not_overdue_2025(org):
    """R-7.3b (2025 data): forwarded on Friday 13 February 2026 at 15:30, the last afternoon before Tết.
    Assigning was due at 16:30 (1 working hour); escalating, at 15:30 on Monday 23 February (1 working day:
    Tết is off). The leader escalates on Monday 23 February at 10:00: lawful, so no overdue note, no message,
    no late step, nothing overdue at the end of February, and the escalation is on time."""
    report = _routed(org, "2026-02-13 15:00", "2026-02-13 15:30")
    assert (report.due_at, report.escalate_by) == (at("2026-02-13 16:30"), at("2026-02-23 15:30"))
    assert report.overdue_at == at("2026-02-23 15:30")  # both times must pass
    for moment in ("2026-02-13 17:00", "2026-02-16 09:00", "2026-02-21 12:00", "2026-02-23 09:59"):
        assert sweeps.deadlines_sweep(now=at(moment)).overdue == 0
    assert not report.is_overdue(at("2026-02-20 10:00"))

    services.report_escalate(
        report=report, actor=org.commune_leader, note="Vượt thẩm quyền cấp xã.", now=at("2026-02-23 10:00")
    )
    escalated = report.events.get(action="escalate")
    assert (escalated.step, escalated.step_due_at, escalated.on_time, escalated.statutory) == (
        Step.ESCALATE,
        at("2026-02-23 15:30"),
        True,
        True,
    )
    services.report_publish_result(
        report=report, actor=org.ioc_leader, result_text="Đã phối hợp xử lý.", now=at("2026-02-25 15:00")
    )
    assert not report.events.filter(action="note_overdue").exists()
    assert _overdue_messages(report) == 0
    assert list(quality.late_done(PROVINCE, FEBRUARY)) == []
    totals = F.totals(PROVINCE, FEBRUARY, at("2026-03-02 08:00"))
    assert (totals.handled, totals.late, totals.overdue) == (1, 0, 0)
    assert {s.step: (s.done, s.on_time) for s in quality.steps_on_time(PROVINCE, FEBRUARY)} == {
        Step.TRIAGE: (1, 1),
        Step.ESCALATE: (1, 1),
        Step.COORDINATE: (1, 1),
    }
    # While it waited at the commune, the end of a period inside its escalation time saw nothing overdue.
    assert F.totals(PROVINCE, month(2026, 2), at("2026-02-21 00:00")).overdue == 0


def test_a_case_neither_assigned_nor_escalated_in_time_is_overdue_once(org):
    """R-7.3, R-10.1: once the escalation time has passed too, the case is overdue: noted once, its leader
    and the supervisor told, and counted overdue at the end of the month."""
    report = _routed(org, "2026-02-13 15:00", "2026-02-13 15:30")
    assert sweeps.deadlines_sweep(now=at("2026-02-23 15:31")).overdue == 1
    assert sweeps.deadlines_sweep(now=at("2026-02-23 15:40")).overdue == 0
    noted = report.events.get(action="note_overdue")
    assert (noted.data["step"], noted.data["statutory"]) == (Step.ASSIGN, True)
    assert _overdue_messages(report) == 1
    assert F.totals(PROVINCE, FEBRUARY, at("2026-03-02 08:00")).overdue == 1


def test_assigning_after_the_hour_is_still_late(org):
    """R-7.3a: when the case is within the commune's authority the hour applies: an assignment on Monday
    after the weekend, for a case forwarded on Friday 6 March 2026 at 16:30 (due Monday 08:00), is late."""
    report = _routed(org, "2026-03-06 16:00", "2026-03-06 16:30")
    assert report.due_at == at("2026-03-09 08:00")
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-09 09:00")
    )
    assigned = report.events.get(action="assign")
    assert (assigned.on_time, assigned.statutory, assigned.step_due_at) == (
        False,
        True,
        at("2026-03-09 08:00"),
    )
    assert [e.step for e in quality.late_done(PROVINCE, month(2026, 3))] == [Step.ASSIGN]


def test_escalating_after_the_escalation_time_is_late(org):
    """R-7.3b: escalating on Tuesday 24 February, after Monday's 15:30, is a late escalation."""
    report = _routed(org, "2026-02-13 15:00", "2026-02-13 15:30")
    services.report_escalate(
        report=report, actor=org.commune_leader, note="Vượt thẩm quyền.", now=at("2026-02-24 08:00")
    )
    assert report.events.get(action="escalate").on_time is False
    assert [e.step for e in quality.late_done(PROVINCE, FEBRUARY)] == [Step.ESCALATE]


def test_commune_then_district_each_within_its_time_on_the_2022_data(org2022):
    """R-7.3b, R-7.4b (2022 data): a commune escalates on Monday 23 February (its day ran across Tết), the
    district marks the case complex and escalates within its 2 working days: neither is overdue nor late."""
    org = org2022
    report = _routed(org, "2026-02-13 15:30", "2026-02-13 16:00")
    assert report.escalate_by == at("2026-02-23 16:00")
    assert sweeps.deadlines_sweep(now=at("2026-02-23 09:00")).overdue == 0
    services.report_escalate(
        report=report, actor=org.commune_leader, note="Vượt thẩm quyền cấp xã.", now=at("2026-02-23 09:00")
    )
    assert (report.state, report.agency) == (State.ROUTED, org.district)
    assert report.due_at == at("2026-02-23 10:00")  # the district's hour to assign
    services.report_mark(report=report, actor=org.supervisor, mark="complex", now=at("2026-02-23 09:05"))
    report.refresh_from_db()
    assert report.escalate_by == at("2026-02-25 09:00")  # 2 working days for a complex case
    assert report.overdue_at == at("2026-02-25 09:00")
    assert sweeps.deadlines_sweep(now=at("2026-02-24 16:00")).overdue == 0
    services.report_escalate(
        report=report, actor=org.district_leader, note="Cần tỉnh chỉ đạo.", now=at("2026-02-25 08:30")
    )
    assert report.state == State.COORDINATING
    steps = list(report.events.filter(step=Step.ESCALATE).values_list("on_time", "statutory"))
    assert steps == [(True, True), (True, True)]
    assert not Event.objects.filter(report=report, action="note_overdue").exists()
    assert _overdue_messages(report) == 0
    assert list(quality.late_done(PROVINCE, FEBRUARY)) == []
    per_agency = F.per_agency(PROVINCE, FEBRUARY, at("2026-03-02 08:00"))
    assert (per_agency[org.district.pk].steps, per_agency[org.district.pk].steps_on_time) == (1, 1)
    assert per_agency[org.district.pk].counts.overdue == 0
