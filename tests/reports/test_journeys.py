"""The whole procedure of Article 7, step by step, on the 2025 data (two levels) and the 2022 data (three)."""

from __future__ import annotations

import pytest

from pakn.reports import services
from pakn.reports.audit import verify_all
from pakn.reports.models import Event, OpinionRequest, State, Step
from pakn.reports.workflow import ReporterActor
from tests.conftest import VALID, at


def actions(report):
    return list(report.events.order_by("seq").values_list("action", flat=True))


def last_event(report) -> Event:
    return report.events.order_by("-seq").first()


def test_commune_handles_a_report_within_its_authority(org, submit):
    """R-7.1, R-7.2a, R-7.3a: received → routed → in progress → awaiting approval → resolved."""
    sub = submit(now=at("2026-03-02 08:00"))  # Monday
    report = sub.report
    assert report.state == State.RECEIVED and report.agency == org.ioc
    assert report.step == Step.TRIAGE and report.due_at == at("2026-03-02 09:00")  # 1 clock hour

    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:40"))
    assert report.state == State.ROUTED and report.agency == org.commune  # suggested from the place
    assert report.due_at == at("2026-03-02 09:40")  # assign within 1 working hour
    assert report.escalate_by == at("2026-03-03 08:40")  # escalate within 1 working day
    forward = last_event(report)
    assert forward.step == Step.TRIAGE and forward.on_time is True and forward.target_agency == org.commune

    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 09:00")
    )
    assert report.state == State.IN_PROGRESS and report.assignee == org.officer
    assert report.due_at == at("2026-03-03 09:00")  # officer reports within 1 working day

    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã vá ổ gà.", now=at("2026-03-02 16:00")
    )
    assert report.state == State.AWAITING_APPROVAL
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-02 16:30"))
    report.refresh_from_db()
    assert report.state == State.RESOLVED and report.result_text == "Đã vá ổ gà."
    assert report.resolved_at == at("2026-03-02 16:30") and report.due_at is None
    assert actions(report) == ["submit", "forward", "assign", "report_result", "approve"]
    steps = list(report.events.order_by("seq").values_list("step", "on_time"))
    assert steps == [("", None), ("triage", True), ("assign", True), ("handle", True), ("approve", True)]
    assert list(verify_all()) == []


def test_two_level_journey_on_2025_data(org, submit):
    """R-7.6: in 2025 a commune escalates straight to the province (IOC), which asks departments (R-7.5)."""
    report = submit(now=at("2026-03-02 08:00")).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:30"))
    services.report_escalate(
        report=report, actor=org.commune_leader, note="Vượt thẩm quyền của xã.", now=at("2026-03-02 10:00")
    )
    assert report.state == State.COORDINATING and report.agency == org.ioc
    assert report.step == Step.COORDINATE and report.due_at == at("2026-03-05 10:00")  # 3 working days
    escalation = last_event(report)
    assert escalation.step == Step.ESCALATE and escalation.step_due_at == at("2026-03-03 08:30")
    assert escalation.on_time is True

    d1, d2 = org.departments[0], org.departments[1]
    services.report_request_opinions(
        report=report,
        actor=org.operator,
        departments=[d1, d2],
        question="Đề nghị cho ý kiến.",
        now=at("2026-03-02 11:00"),
    )
    requests = OpinionRequest.objects.filter(report=report).order_by("department__code")
    assert [r.due_at for r in requests] == [at("2026-03-03 11:00")] * 2
    services.report_give_opinion(
        report=report, actor=org.specialist(0), answer="Đồng ý.", now=at("2026-03-03 09:00")
    )
    services.report_give_opinion(
        report=report, actor=org.specialist(1), answer="Thống nhất.", now=at("2026-03-03 14:00")
    )
    assert all(r.answered_at for r in OpinionRequest.objects.filter(report=report))
    opinions = report.events.filter(action="give_opinion").order_by("seq")
    assert [(e.agency_id, e.on_time) for e in opinions] == [(d1.pk, True), (d2.pk, False)]

    services.report_publish_result(
        report=report,
        actor=org.ioc_leader,
        result_text="Sở Xây dựng sửa chữa mặt đường.",
        now=at("2026-03-04 15:00"),
    )
    assert report.state == State.RESOLVED
    published = last_event(report)
    assert published.step == Step.COORDINATE and published.on_time is True

    reporter = ReporterActor(report.pk)
    services.report_reply(report=report, actor=reporter, note="Khi nào sửa xong?", now=at("2026-03-05 08:00"))
    assert report.clarification_pending and report.due_at == at("2026-03-06 08:00")
    services.report_clarify(
        report=report, actor=org.operator, note="Trong tuần này.", now=at("2026-03-05 09:00")
    )
    assert not report.clarification_pending
    services.report_rate(report=report, actor=reporter, rating="satisfied", now=at("2026-03-05 10:00"))
    assert report.rating == "satisfied"
    assert actions(report) == [
        "submit",
        "forward",
        "escalate",
        "request_opinions",
        "give_opinion",
        "give_opinion",
        "publish_result",
        "reply",
        "clarify",
        "rate",
    ]
    assert list(verify_all()) == []


def test_three_level_journey_on_2022_data(org2022):
    """R-7.3b, R-7.4b, R-7.5: commune → district → IOC with departments, on the 2022 data."""
    org = org2022
    assert org.district is not None and org.district.parent == org.ioc
    report = services.report_submit(
        category=org.category,
        area=org.commune_area,
        now=at("2026-03-06 16:00"),  # Friday afternoon
        **VALID,
    ).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-06 16:30"))
    assert report.agency == org.commune
    assert report.due_at == at("2026-03-09 08:00")  # 1 working hour from 16:30 Friday: 30 min + 30 min Monday
    assert report.escalate_by == at("2026-03-09 16:30")

    services.report_escalate(
        report=report, actor=org.commune_leader, note="Vượt thẩm quyền.", now=at("2026-03-09 10:00")
    )
    assert report.state == State.ROUTED and report.agency == org.district
    assert report.due_at == at("2026-03-09 11:00")
    assert report.escalate_by == at("2026-03-10 10:00")  # district: 1 working day

    services.report_mark(report=report, actor=org.district_leader, mark="complex", now=at("2026-03-09 10:30"))
    assert report.escalate_by == at("2026-03-11 10:00")  # complex: up to 2 working days (R-7.4b)

    services.report_escalate(
        report=report, actor=org.district_leader, note="Cần các sở phối hợp.", now=at("2026-03-11 09:00")
    )
    assert report.state == State.COORDINATING and report.agency == org.ioc
    assert report.due_at == at("2026-03-16 09:00")
    services.report_request_opinions(
        report=report,
        actor=org.operator,
        departments=org.departments[:2],
        question="Xin ý kiến.",
        now=at("2026-03-11 10:00"),
    )
    services.report_give_opinion(
        report=report, actor=org.specialist(0), answer="Ý kiến 1", now=at("2026-03-11 14:00")
    )
    services.report_give_opinion(
        report=report, actor=org.specialist(1), answer="Ý kiến 2", now=at("2026-03-12 08:00")
    )
    services.report_publish_result(
        report=report, actor=org.ioc_leader, result_text="Đã xử lý xong.", now=at("2026-03-13 09:00")
    )
    assert report.state == State.RESOLVED
    agencies = list(report.events.order_by("seq").values_list("action", "agency__kind"))
    assert agencies == [
        ("submit", "ioc"),
        ("forward", "ioc"),
        ("escalate", "commune"),
        ("mark_complex", "district"),
        ("escalate", "district"),
        ("request_opinions", "ioc"),
        ("give_opinion", "department"),
        ("give_opinion", "department"),
        ("publish_result", "ioc"),
    ]
    assert all(on_time in (True, None) for on_time in report.events.values_list("on_time", flat=True))
    assert list(verify_all()) == []


def test_leader_returns_a_result_and_the_officer_reports_again(org, submit):
    """R-7.3a: the leader reviews; a returned result goes back to the officer with a new working day."""
    report = submit(now=at("2026-03-02 08:00")).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:10"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 08:20")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Xong.", now=at("2026-03-02 10:00")
    )
    services.report_return(
        report=report, actor=org.commune_leader, note="Thiếu ảnh hiện trường.", now=at("2026-03-02 11:00")
    )
    assert report.state == State.IN_PROGRESS and report.due_at == at("2026-03-03 11:00")
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã bổ sung ảnh.", now=at("2026-03-03 10:00")
    )
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-03 11:00"))
    assert report.state == State.RESOLVED and report.result_text == "Đã bổ sung ảnh."


def test_supervisor_takes_over_a_disputed_case(org, submit):
    """R-4.4: the supervisor takes over a case the agencies cannot agree on and publishes its result."""
    report = submit(now=at("2026-03-02 08:00")).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:10"))
    services.report_take_over(
        report=report, actor=org.supervisor, note="Nhiều cơ quan chưa thống nhất.", now=at("2026-03-02 09:00")
    )
    assert report.state == State.COORDINATING and report.agency == org.supervisor_agency
    assert report.due_at == at("2026-03-05 09:00")
    services.report_request_opinions(
        report=report,
        actor=org.supervisor,
        departments=[org.departments[2]],
        question="Cho ý kiến.",
        now=at("2026-03-02 10:00"),
    )
    services.report_give_opinion(
        report=report, actor=org.specialist(2), answer="Đồng ý.", now=at("2026-03-02 15:00")
    )
    services.report_publish_result(
        report=report, actor=org.supervisor, result_text="Đã thống nhất xử lý.", now=at("2026-03-03 09:00")
    )
    assert report.state == State.RESOLVED


@pytest.mark.parametrize("reason_code", ["complaint", "unlawful", "duplicate"])
def test_operator_rejects_with_a_reason(org, submit, reason_code):
    """R-7.2c, R-1.2: rejection carries a reason that the reporter is shown."""
    report = submit(now=at("2026-03-02 08:00")).report
    services.report_reject(
        report=report, actor=org.operator, reason_code=reason_code, now=at("2026-03-02 08:20")
    )
    assert report.state == State.REJECTED and report.closed_reason
    assert last_event(report).visibility == Event.Visibility.REPORTER


def test_receiving_leader_may_refuse_with_reason(org, submit):
    """R-5.3: a receiving leader refuses a report that does not fit the rules, with a stated reason."""
    report = submit(now=at("2026-03-02 08:00")).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:10"))
    with pytest.raises(Exception, match="lý do"):
        services.report_reject(report=report, actor=org.commune_leader, reason_code="other", note="")
    services.report_reject(
        report=report,
        actor=org.commune_leader,
        reason_code="other",
        note="Sự việc đã được giải quyết trước đó.",
        now=at("2026-03-02 08:30"),
    )
    assert report.state == State.REJECTED
    assert "đã được giải quyết" in report.closed_reason
