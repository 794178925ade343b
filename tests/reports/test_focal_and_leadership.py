"""Article 14 khoản 1 (R-14.1) and Article 7 khoản 5 (R-7.5), with dated scenarios on the 2025 data
(commune → province) and the 2022 data (commune → district → province):

- a departing official's hand-over also moves his resolved cases whose reporter awaits a clarification;
- a focal official records the progress of a case ("cập nhật tiến độ"), public on the timeline;
- the IOC asks the province's leadership (through Văn phòng UBND tỉnh) for an opinion, with a deadline.

Tết 2026: Saturday 14 – Sunday 22 February are days off; Friday 6 March 2026 is an ordinary Friday.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pakn.notify.models import Delivery, OutboxMessage
from pakn.org.models import User
from pakn.reports import services
from pakn.reports.actions import allowed_actions
from pakn.reports.actors import ActionRefused
from pakn.reports.inbox import waiting_for
from pakn.reports.models import OpinionRequest, Report, State, Step
from pakn.reports.selectors import public_events
from pakn.reports.workflow import ReporterActor
from pakn.stats import figures as F
from pakn.stats.scope import PROVINCE
from tests.conftest import VALID, Org, at, make_user


def _submitted(org: Org, when: str) -> Report:
    return services.report_submit(category=org.category, area=org.commune_area, now=at(when), **VALID).report


def _resolved_by(org: Org, officer: User, times: tuple[str, str, str, str, str]) -> Report:
    report = _submitted(org, times[0])
    services.report_forward(report=report, actor=org.operator, now=at(times[1]))
    services.report_assign(report=report, actor=org.commune_leader, officer=officer, now=at(times[2]))
    services.report_submit_result(report=report, actor=officer, result_text="Đã vá ổ gà.", now=at(times[3]))
    services.report_approve(report=report, actor=org.commune_leader, now=at(times[4]))
    return report


def _coordinating(org: Org, when: str) -> Report:
    """Submitted at `when`; forwarded 20 minutes later; escalated up to the IOC within minutes."""
    from datetime import timedelta

    report = _submitted(org, when)
    t = at(when)
    services.report_forward(report=report, actor=org.operator, now=t + timedelta(minutes=20))
    services.report_escalate(
        report=report, actor=org.commune_leader, note="Vượt thẩm quyền.", now=t + timedelta(minutes=30)
    )
    if org.district is not None:
        services.report_escalate(
            report=report, actor=org.district_leader, note="Vượt thẩm quyền.", now=t + timedelta(minutes=40)
        )
    assert report.state == State.COORDINATING and report.agency == org.ioc
    return report


# --- Hand-over (Điều 14 khoản 1, R-14.1) ----------------------------------------------------------------


def test_a_handover_moves_a_resolved_case_awaiting_clarification(any_org):
    """R-14.1, R-8.2 (Điều 14 khoản 1, Điều 8): a case resolved on Friday 6 March 2026, whose reporter asks
    for a clarification that Friday at 16:30 (the answer is due on Monday at 16:30), moves with the
    departing officer's open case when the leader hands over on Saturday 7 March; the answer's deadline is
    kept; the successor finds it in his own list and answers on Monday. A resolved case without a
    pending clarification stays with the departed officer (its history is his)."""
    org = any_org
    departing = make_user(org.commune, User.Role.OFFICER, is_focal=True)
    day = ("2026-03-06 08:00", "2026-03-06 08:20", "2026-03-06 08:40", "2026-03-06 14:00", "2026-03-06 15:00")
    clarifying = _resolved_by(org, departing, day)
    settled = _resolved_by(org, departing, day)
    services.report_reply(
        report=clarifying,
        actor=ReporterActor(clarifying.pk),
        note="Còn một ổ gà.",
        now=at("2026-03-06 16:30"),
    )
    assert (clarifying.step, clarifying.due_at) == (Step.CLARIFY, at("2026-03-09 16:30"))
    working = _submitted(org, "2026-03-06 15:30")
    services.report_forward(report=working, actor=org.operator, now=at("2026-03-06 15:40"))
    services.report_assign(
        report=working, actor=org.commune_leader, officer=departing, now=at("2026-03-06 15:50")
    )

    events = services.focal_handover(
        actor=org.commune_leader, from_user=departing, to_user=org.officer2, now=at("2026-03-07 09:00")
    )

    assert sorted(e.report_id for e in events) == sorted([clarifying.pk, working.pk])
    clarifying.refresh_from_db()
    settled.refresh_from_db()
    assert (clarifying.assignee, clarifying.state, clarifying.clarification_pending) == (
        org.officer2,
        State.RESOLVED,
        True,
    )
    assert clarifying.due_at == at("2026-03-09 16:30")
    moved = clarifying.events.get(action="reassign")
    assert moved.data == {"officer": org.officer2.pk, "previous_officer": departing.pk}
    assert moved.step == "" and moved.on_time is None  # a hand-over completes no step
    assert settled.assignee == departing
    mine = waiting_for(org.officer2)
    assert Report.objects.filter(mine[State.RESOLVED]).filter(pk=clarifying.pk).exists()
    assert not Report.objects.filter(waiting_for(departing)[State.RESOLVED]).exists()
    services.report_clarify(
        report=clarifying, actor=org.officer2, note="Đã vá nốt.", now=at("2026-03-09 10:00")
    )
    answered = clarifying.events.get(action="clarify")
    assert (answered.step, answered.on_time, answered.actor) == (Step.CLARIFY, True, org.officer2)


def test_a_resolved_case_without_a_clarification_cannot_be_reassigned(org):
    """R-14.1: only a clarification still owed makes a resolved case anyone's work."""
    report = _resolved_by(
        org,
        org.officer,
        ("2026-03-06 08:00", "2026-03-06 08:20", "2026-03-06 08:40", "2026-03-06 14:00", "2026-03-06 15:00"),
    )
    actions = [s.action for s in allowed_actions(report, org.commune_leader, now=at("2026-03-06 16:00"))]
    assert "reassign" not in actions


# --- Progress update (Điều 14 khoản 1) ------------------------------------------------------------------


def test_a_focal_official_updates_progress_across_tet(any_org):
    """Điều 14 khoản 1 "cập nhật tiến độ": a case assigned on Friday 13 February 2026 at 15:00 (the handling
    day runs across Tết to Monday 23 February 15:00). The focal official records progress on Tuesday 17
    February (during Tết) and on Monday 23 February: each is a public timeline entry (Điều 9 khoản 2) with
    numbers masked, completes no step and moves no deadline. An officer who is not a focal official, and
    the focal official of another agency, are not offered the action."""
    org = any_org
    focal = make_user(org.commune, User.Role.OFFICER, is_focal=True)
    elsewhere = make_user(org.other_commune, User.Role.OFFICER, is_focal=True)
    report = _submitted(org, "2026-02-13 14:00")
    services.report_forward(report=report, actor=org.operator, now=at("2026-02-13 14:30"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-02-13 15:00")
    )
    due = report.due_at
    assert due == at("2026-02-23 15:00")

    services.report_act(
        action="update_progress",
        report=report,
        actor=focal,
        note="Đã khảo sát, liên hệ 0912345678.",
        now=at("2026-02-17 09:00"),
    )
    services.report_act(
        action="update_progress",
        report=report,
        actor=focal,
        note="Đang thi công vá mặt đường.",
        now=at("2026-02-23 10:00"),
    )
    report.refresh_from_db()
    assert (report.state, report.due_at, report.step) == (State.IN_PROGRESS, due, Step.HANDLE)
    updates = list(report.events.filter(action="update_progress"))
    assert [(e.visibility, e.step, e.on_time, e.agency) for e in updates] == [
        ("public", "", None, org.commune)
    ] * 2
    shown = [e for e in public_events(report) if e.action == "update_progress"]
    assert [e.label for e in shown] == ["Cập nhật tiến độ", "Cập nhật tiến độ"]
    assert "0912345678" not in shown[0].note and "Đã khảo sát" in shown[0].note
    portal = Client().get(reverse("portal:detail", args=[report.tracking_code])).content.decode()
    assert portal.count("Cập nhật tiến độ xử lý") == 2 and "Đang thi công vá mặt đường." in portal
    assert "0912345678" not in portal and "update_progress" not in portal
    for stranger in (org.officer, elsewhere):
        offered = [s.action for s in allowed_actions(report, stranger, now=at("2026-02-23 11:00"))]
        assert "update_progress" not in offered
        with pytest.raises(ActionRefused):
            services.report_act(
                action="update_progress",
                report=report,
                actor=stranger,
                note="Tiến độ.",
                now=at("2026-02-23 11:00"),
            )


# --- The province's leadership consulted (Điều 7 khoản 5, R-7.5) ---------------------------------------


def test_the_ioc_asks_the_provincial_leadership_before_tet(any_org):
    """R-7.5 (Điều 7 khoản 5 "xin ý kiến lãnh đạo UBND tỉnh"): a case reaches the IOC on Friday 13 February
    2026 afternoon; at 15:00 the IOC asks the province's leadership through Văn phòng UBND tỉnh. The
    answer is due one working day later, Monday 23 February 15:00 (Tết is off), a target, not a deadline of
    the regulation. The office's supervisors are told and find the case in their list; while it is pending
    the IOC cannot ask again; the answer on Monday 23 February at 10:00 is recorded against the office,
    on time; the IOC publishes on Tuesday 24 February, within its 3 working days."""
    org = any_org
    supervisor = org.supervisor
    report = _coordinating(org, "2026-02-13 14:00")
    services.report_act(
        action="request_leadership_opinion",
        report=report,
        actor=org.operator,
        question="Đề nghị cho ý kiến chỉ đạo.",
        now=at("2026-02-13 15:00"),
    )
    request = OpinionRequest.objects.get(report=report)
    assert (request.department, request.due_at, request.statutory) == (
        org.supervisor_agency,
        at("2026-02-23 15:00"),
        False,
    )
    asked = report.events.get(action="request_leadership_opinion")
    assert (asked.target_agency, asked.visibility, asked.data["departments"]) == (
        None,
        "public",
        [org.supervisor_agency.pk],
    )
    told = Delivery.objects.filter(outbox__report=report, outbox__kind="opinion_requested")
    assert set(told.values_list("user", flat=True)) == {supervisor.pk}
    assert Report.objects.filter(waiting_for(supervisor)[State.COORDINATING]).filter(pk=report.pk).exists()
    offered = [s.action for s in allowed_actions(report, org.operator, now=at("2026-02-16 09:00"))]
    assert "request_leadership_opinion" not in offered and "request_opinions" in offered
    assert [s.action for s in allowed_actions(report, supervisor, now=at("2026-02-23 09:00"))].count(
        "give_leadership_opinion"
    ) == 1

    services.report_act(
        action="give_leadership_opinion",
        report=report,
        actor=supervisor,
        answer="Giao Sở Xây dựng chủ trì.",
        now=at("2026-02-23 10:00"),
    )
    # The case stays with the IOC throughout: the statistics' holder at any moment is the IOC.
    for moment in ("2026-02-16 09:00", "2026-02-23 12:00"):
        assert F.situation(PROVINCE, at(moment)).get(pk=report.pk).holder_at == org.ioc.pk
    answer = report.events.get(action="give_leadership_opinion")
    assert (answer.agency, answer.step, answer.step_due_at, answer.on_time, answer.statutory) == (
        org.supervisor_agency,
        Step.OPINION,
        at("2026-02-23 15:00"),
        True,
        False,
    )
    request.refresh_from_db()
    assert request.answered_by == supervisor
    assert OutboxMessage.objects.filter(report=report, kind="opinion_given").exists()
    services.report_publish_result(
        report=report, actor=org.operator, result_text="Đã xử lý.", now=at("2026-02-24 09:00")
    )
    assert report.events.get(action="publish_result").on_time is True


def test_only_the_ioc_consults_the_leadership(org):
    """R-7.5: a commune's leader, a department and the supervisor's own coordination (R-4.4) do not."""
    report = _coordinating(org, "2026-03-06 15:00")
    for actor in (org.commune_leader, org.specialist(0), org.supervisor):
        with pytest.raises(ActionRefused):
            services.report_act(
                action="request_leadership_opinion",
                report=report,
                actor=actor,
                question="Xin ý kiến.",
                now=at("2026-03-06 16:00"),
            )
    with pytest.raises(ActionRefused):
        services.report_act(
            action="give_leadership_opinion",
            report=report,
            actor=org.supervisor,
            answer="Ý kiến.",
            now=at("2026-03-06 16:00"),
        )
