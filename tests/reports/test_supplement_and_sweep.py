"""R-7.2b: the 1-hour supplement window, its automatic cancellation, and the sweep of overdue steps."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pakn.core.crypto import lookup_hash
from pakn.reports import services, sweeps
from pakn.reports.models import Event, Report, State, Step
from pakn.reports.workflow import InvalidTransition, ReporterActor
from tests.conftest import at
from tests.reports.conftest import last_event, snapshot


@pytest.fixture
def asked(org, journey) -> Report:
    """A report whose reporter was asked at 10:00 on Monday 2 March 2026 to supplement it."""
    report = journey.received(start=at("2026-03-02 09:50"))
    services.report_request_info(
        report=report, actor=org.operator, note="Vui lòng cho biết số nhà cụ thể.", now=at("2026-03-02 10:00")
    )
    return report


def test_asking_for_information_gives_the_reporter_one_clock_hour(org, journey, asked):
    """R-7.2b: awaiting_info, due 1 hour after the request, whatever the office hours."""
    assert asked.state == State.AWAITING_INFO and asked.step == Step.SUPPLEMENT
    assert asked.due_at == at("2026-03-02 11:00")
    assert last_event(asked).visibility == Event.Visibility.REPORTER

    night = journey.received(start=at("2026-03-07 21:50"))  # Saturday night
    services.report_request_info(
        report=night, actor=org.operator, note="Bổ sung.", now=at("2026-03-07 22:00")
    )
    assert night.due_at == at("2026-03-07 23:00")


def test_a_supplement_in_time_returns_the_report_to_triage_with_a_new_hour(asked):
    """R-7.2b: the reporter supplements (here a corrected phone); the IOC gets a new 1-hour triage step."""
    old_hash = asked.phone_hash
    services.report_supplement(
        report=asked,
        actor=ReporterActor(asked.pk),
        note="Trước số nhà 25.",
        reporter_phone="0987 654 321",
        now=at("2026-03-02 10:40"),
    )
    asked.refresh_from_db()
    assert asked.state == State.RECEIVED and asked.step == Step.TRIAGE
    assert asked.due_at == at("2026-03-02 11:40")
    assert asked.reporter_phone == "+84987654321"
    assert asked.phone_hash == lookup_hash("phone", "+84987654321") != old_hash
    assert "Trước số nhà 25." not in asked.content  # kept on the timeline, not in the public content
    event = last_event(asked)
    assert event.note == "Trước số nhà 25." and event.visibility == Event.Visibility.REPORTER
    assert event.action == "supplement" and event.actor_kind == Event.ActorKind.REPORTER
    assert (event.step, event.step_due_at, event.on_time) == (Step.SUPPLEMENT, at("2026-03-02 11:00"), True)
    assert "reporter_phone" in event.data["fields"]
    assert "0987" not in event.note and "+84987654321" not in str(event.data)


def test_a_supplement_with_an_invalid_phone_is_refused(asked):
    """R-5.1: a corrected phone is validated like at submission."""
    before = snapshot(asked)
    with pytest.raises(Exception, match="Số điện thoại không hợp lệ"):
        services.report_supplement(
            report=asked, actor=ReporterActor(asked.pk), reporter_phone="12345", now=at("2026-03-02 10:30")
        )
    assert snapshot(asked) == before


def test_without_a_supplement_the_sweep_cancels_the_report_after_the_hour_not_before(asked):
    """R-7.2b: cancelled when nothing came within 1 hour of the request."""
    assert sweeps.deadlines_sweep(now=at("2026-03-02 10:59:59")).cancelled == 0
    asked.refresh_from_db()
    assert asked.state == State.AWAITING_INFO

    result = sweeps.deadlines_sweep(now=at("2026-03-02 11:00:01"))
    assert result.cancelled == 1
    asked.refresh_from_db()
    assert asked.state == State.CANCELLED and "điểm b khoản 2 Điều 7 Quy chế" in asked.closed_reason
    assert asked.due_at is None and asked.step == ""
    event = last_event(asked)
    assert event.action == "cancel_expired" and event.actor_kind == Event.ActorKind.SYSTEM
    assert (event.step, event.step_due_at, event.on_time) == (Step.SUPPLEMENT, at("2026-03-02 11:00"), False)
    assert not asked.events.filter(action="note_overdue").exists()


def test_the_sweep_command_cancels_expired_windows(asked):
    """`pakn sweep` (the periodic task's command) does the same with the real clock."""
    out = io.StringIO()
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        call_command("sweep", stdout=out)
    asked.refresh_from_db()
    assert asked.state == State.AWAITING_INFO
    with time_machine.travel(at("2026-03-02 11:05"), tick=False):
        call_command("sweep", stdout=out)
    asked.refresh_from_db()
    assert asked.state == State.CANCELLED
    assert "Đã hủy 1 phản ánh" in out.getvalue()


def test_a_supplement_after_the_hour_is_refused(asked):
    """R-7.2b: once the hour has passed, even before the sweep ran, the supplement is refused."""
    before = snapshot(asked)
    with pytest.raises(InvalidTransition, match="quá thời hạn"):
        services.report_supplement(
            report=asked, actor=ReporterActor(asked.pk), note="Trễ.", now=at("2026-03-02 11:05")
        )
    assert snapshot(asked) == before


def test_the_sweep_records_each_overdue_step_once(org, journey):
    """R-10.1: an overdue step is recorded once; a new step can be recorded overdue again."""
    report = journey.received(start=at("2026-03-02 08:00"))  # triage due 09:00
    assert sweeps.deadlines_sweep(now=at("2026-03-02 08:59")).overdue == 0
    assert sweeps.deadlines_sweep(now=at("2026-03-02 09:30")).overdue == 1
    assert sweeps.deadlines_sweep(now=at("2026-03-02 09:45")).overdue == 0
    assert report.events.filter(action="note_overdue").count() == 1
    noted = report.events.get(action="note_overdue")
    assert noted.visibility == Event.Visibility.INTERNAL
    assert noted.data["step"] == Step.TRIAGE
    assert datetime.fromisoformat(noted.data["due_at"]) == at("2026-03-02 09:00")

    report.refresh_from_db()
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 10:00"))  # assign due 11:00
    assert sweeps.deadlines_sweep(now=at("2026-03-02 10:30")).overdue == 0
    # R-7.3b: the commune may still escalate it within 1 working day, so it is overdue only after that.
    assert sweeps.deadlines_sweep(now=at("2026-03-02 11:30")).overdue == 0
    assert sweeps.deadlines_sweep(now=at("2026-03-03 10:01")).overdue == 1
    assert sweeps.deadlines_sweep(now=at("2026-03-03 10:02")).overdue == 0
    assert datetime.fromisoformat(report.events.order_by("-seq")[0].data["due_at"]) == at("2026-03-03 10:00")
    assert list(report.events.filter(action="note_overdue").values_list("data__step", flat=True)) == [
        Step.TRIAGE,
        Step.ASSIGN,
    ]


def test_the_sweep_is_idempotent(org, journey, asked):
    """Running the sweep twice at the same moment changes nothing the second time."""
    late = journey.routed(start=at("2026-03-02 08:00"))
    closed = journey.resolved(start=at("2026-03-02 08:00"))
    moment = at("2026-03-03 15:00")  # past the commune's escalation time too (R-7.3b)
    first = sweeps.deadlines_sweep(now=moment)
    assert (first.cancelled, first.overdue) == (1, 1)
    counts = {r.pk: snapshot(r) for r in (asked, late, closed)}
    second = sweeps.deadlines_sweep(now=moment)
    assert (second.cancelled, second.overdue) == (0, 0)
    assert {r.pk: snapshot(r) for r in (asked, late, closed)} == counts
    assert not closed.events.filter(action="note_overdue").exists()  # a closed case has no deadline


def test_the_sweep_records_an_overdue_clarification(org, journey):
    """R-8.2, R-10.1: the agency must answer the reporter's question; a late answer is an overdue step."""
    report = journey.resolved()
    services.report_reply(
        report=report, actor=ReporterActor(report.pk), note="Khi nào xong?", now=at("2026-03-02 09:00")
    )
    assert report.step == Step.CLARIFY and report.due_at == at("2026-03-03 09:00")
    assert sweeps.deadlines_sweep(now=at("2026-03-04 09:00")).overdue == 1
    assert report.events.filter(action="note_overdue").count() == 1


def test_a_supplemented_place_is_checked_like_at_submission(org, asked):
    """R-5.1: the place supplied later obeys the same rules as the place given at submission."""
    before = snapshot(asked)
    with pytest.raises(ValidationError):
        services.report_supplement(
            report=asked, actor=ReporterActor(asked.pk), latitude=123.0, now=at("2026-03-02 10:30")
        )
    assert snapshot(asked) == before
