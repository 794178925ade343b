"""The deadlines of Article 7 on the working calendar, with a frozen clock, and kept on the timeline."""

from __future__ import annotations

import time_machine

from pakn.reports import services
from pakn.reports.models import DeadlinePolicy, State, Step
from tests.conftest import at
from tests.reports.conftest import last_event


def test_a_report_arriving_at_2350_on_a_saturday(org, submit):
    """R-6.4, R-7.2a, R-7.3a: triage is 1 clock hour, even at night; assignment counts office hours only."""
    with time_machine.travel(at("2026-03-07 23:50"), tick=False):  # Saturday night
        report = submit().report
    assert report.created_at == at("2026-03-07 23:50")
    assert report.step == Step.TRIAGE and report.due_at == at("2026-03-08 00:50")

    # The operator forwards it on Monday morning: triage was late; the commune has 1 working hour to assign.
    with time_machine.travel(at("2026-03-09 08:00"), tick=False):
        services.report_forward(report=report, actor=org.operator)
    assert report.state == State.ROUTED and report.step == Step.ASSIGN
    assert report.due_at == at("2026-03-09 09:00")
    assert report.escalate_by == at("2026-03-10 08:00")  # R-7.3b: 1 (working) day to escalate
    forward = last_event(report)
    assert (forward.step, forward.step_due_at, forward.on_time) == (
        Step.TRIAGE,
        at("2026-03-08 00:50"),
        False,
    )

    with time_machine.travel(at("2026-03-09 08:30"), tick=False):
        services.report_assign(report=report, actor=org.commune_leader, officer=org.officer)
    assert report.step == Step.HANDLE and report.due_at == at("2026-03-10 08:30")  # the next working day
    assign = last_event(report)
    assert (assign.step, assign.step_due_at, assign.on_time) == (Step.ASSIGN, at("2026-03-09 09:00"), True)


def test_forwarded_on_a_sunday_night_the_assignment_hour_starts_when_the_office_opens(org, submit):
    """R-7.3a: 1 working hour from Sunday 00:20 ends Monday 08:30 (office opens 07:30)."""
    report = submit(now=at("2026-03-07 23:50")).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-08 00:20"))
    assert last_event(report).on_time is True
    assert report.due_at == at("2026-03-09 08:30")
    assert report.escalate_by == at("2026-03-10 07:30")


def test_working_hours_skip_the_lunch_break(org, journey):
    """Office hours 07:30–11:30 and 13:30–17:00: 1 working hour from 11:00 ends at 14:00."""
    report = journey.received(start=at("2026-03-04 10:50"))
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-04 11:00"))
    assert report.due_at == at("2026-03-04 14:00")
    other = journey.received(start=at("2026-03-04 11:50"))
    services.report_forward(report=other, actor=org.operator, now=at("2026-03-04 12:00"))
    assert other.due_at == at("2026-03-04 14:30")


def test_deadlines_across_a_weekend(org, journey):
    """R-7.3a: a case assigned on Friday is due on Monday; forwarded late on Friday, assign by Monday 08:00."""
    report = journey.received(start=at("2026-03-06 16:00"))
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-06 16:30"))
    assert report.due_at == at("2026-03-09 08:00")
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-06 16:50")
    )
    assert report.due_at == at("2026-03-09 16:50")
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Xong.", now=at("2026-03-09 16:00")
    )
    assert last_event(report).on_time is True


def test_deadlines_across_tet_2026(org, journey):
    """Tết Bính Ngọ: 14–22 Feb 2026 off; a case assigned Friday 13 Feb 10:00 is due Monday 23 Feb 10:00."""
    report = journey.received(start=at("2026-02-13 09:00"))
    with time_machine.travel(at("2026-02-13 09:30"), tick=False):
        services.report_forward(report=report, actor=org.operator)
    with time_machine.travel(at("2026-02-13 10:00"), tick=False):
        services.report_assign(report=report, actor=org.commune_leader, officer=org.officer)
    assert report.due_at == at("2026-02-23 10:00")
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Xong.", now=at("2026-02-23 09:00")
    )
    assert last_event(report).on_time is True

    # Forwarded on the last afternoon before Tết: the assignment hour runs into 23 Feb.
    late = journey.received(start=at("2026-02-13 16:20"))
    services.report_forward(report=late, actor=org.operator, now=at("2026-02-13 16:30"))
    assert late.due_at == at("2026-02-23 08:00")
    assert late.escalate_by == at("2026-02-23 16:30")


def test_deadlines_around_the_2_january_2026_day_off_and_the_10_january_worked_saturday(org, journey):
    """Official announcement: Friday 2 Jan 2026 off, Saturday 10 Jan 2026 worked (the calendar table)."""
    new_year = journey.routed(start=at("2025-12-31 09:00"))
    services.report_assign(
        report=new_year, actor=org.commune_leader, officer=org.officer, now=at("2025-12-31 10:00")
    )
    assert new_year.due_at == at("2026-01-05 10:00")  # 1 Jan holiday, 2 Jan off, then the weekend

    swapped = journey.routed(start=at("2026-01-09 09:00"))
    services.report_assign(
        report=swapped, actor=org.commune_leader, officer=org.officer, now=at("2026-01-09 10:00")
    )
    assert swapped.due_at == at("2026-01-10 10:00")  # the worked Saturday

    friday = journey.received(start=at("2026-01-09 16:00"))
    services.report_forward(report=friday, actor=org.operator, now=at("2026-01-09 16:30"))
    assert friday.due_at == at("2026-01-10 08:00")


def test_an_administrator_editing_a_policy_changes_the_next_deadline(org, journey):
    """R-7 and DESIGN rule 4: deadlines are data; an edited row applies from the next step on."""
    report = journey.routed(start=at("2026-03-02 08:00"))
    in_progress = journey.in_progress(start=at("2026-03-02 08:00"))
    kept = in_progress.due_at

    policy = DeadlinePolicy.objects.get(step=Step.HANDLE, agency_kind="", is_complex=False)
    policy.amount, policy.unit = 2, DeadlinePolicy.Unit.WORKING_DAYS
    policy.save()
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 09:00")
    )
    assert report.due_at == at("2026-03-04 09:00")
    in_progress.refresh_from_db()
    assert in_progress.due_at == kept  # a deadline already set is not recomputed

    # A row for communes is more specific than the row for every agency.
    DeadlinePolicy.objects.create(
        step=Step.ASSIGN, agency_kind="commune", amount=4, unit=DeadlinePolicy.Unit.WORKING_HOURS
    )
    commune_case = journey.received(start=at("2026-03-02 08:00"))
    services.report_forward(report=commune_case, actor=org.operator, now=at("2026-03-02 08:30"))
    assert commune_case.due_at == at("2026-03-02 14:30")  # 3 h before lunch, 1 h after

    triage = DeadlinePolicy.objects.get(step=Step.TRIAGE, agency_kind="ioc")
    triage.amount, triage.unit = 1, DeadlinePolicy.Unit.DAYS
    triage.save()
    assert journey.received(start=at("2026-03-07 10:00")).due_at == at("2026-03-08 10:00")  # calendar day


def test_a_deleted_policy_row_leaves_the_step_without_a_deadline(org, journey):
    """R-7 (deadlines are data): the table is the only source; deleting a row brings no hidden built-in
    back, so the step has no deadline, nothing to be late for."""
    DeadlinePolicy.objects.filter(step=Step.HANDLE).delete()
    report = journey.in_progress(start=at("2026-03-02 08:00"))
    assert (report.due_at, report.overdue_at, report.step_statutory) == (None, None, False)


def test_each_steps_deadline_and_punctuality_are_kept_on_the_timeline(org, journey):
    """R-7, R-12.1: every event that closes a step records its deadline and whether it was met."""
    report = journey.received(start=at("2026-03-02 08:00"))
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:45"))  # on time
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 10:00")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Xong.", now=at("2026-03-04 08:00")
    )
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-04 09:00"))

    rows = list(
        report.events.order_by("seq").values_list("action", "step", "step_due_at", "on_time", "due_at")
    )
    assert rows == [
        ("submit", "", None, None, at("2026-03-02 09:00")),
        ("forward", Step.TRIAGE, at("2026-03-02 09:00"), True, at("2026-03-02 09:45")),
        ("assign", Step.ASSIGN, at("2026-03-02 09:45"), False, at("2026-03-03 10:00")),  # late by 15 min
        ("report_result", Step.HANDLE, at("2026-03-03 10:00"), False, at("2026-03-05 08:00")),  # a day late
        ("approve", Step.APPROVE, at("2026-03-05 08:00"), True, None),
    ]
    assert report.state == State.RESOLVED and report.due_at is None


def test_a_step_finished_exactly_at_its_deadline_is_on_time(org, journey):
    """R-7.2a: «within 1 hour» includes the last minute."""
    report = journey.received(start=at("2026-03-02 08:00"))
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 09:00"))
    assert last_event(report).on_time is True
