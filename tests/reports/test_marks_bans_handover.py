"""R-15 marks and bans, R-14.1 hand-over of a focal official's cases, R-4.4 take-over of a resolved case."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from pakn.core.crypto import lookup_hash
from pakn.org.models import User
from pakn.reports import services
from pakn.reports.models import Event, ReporterBan, State, Step
from pakn.reports.workflow import ActionRefused, InvalidTransition, ReporterActor
from tests.conftest import at, make_user
from tests.reports.conftest import last_event, snapshot

NOW = at("2026-03-03 09:00")


def test_a_valuable_report_is_marked_for_commendation(org, journey):
    """R-15.1: the mark is recorded on the report and, internally, on its timeline."""
    report = journey.resolved()
    services.report_mark(
        report=report, actor=org.commune_leader, mark="valuable", note="Phát hiện sớm.", now=NOW
    )
    report.refresh_from_db()
    assert report.is_valuable
    event = last_event(report)
    assert (event.action, event.visibility, event.data) == (
        "mark_valuable",
        Event.Visibility.INTERNAL,
        {"value": True},
    )
    before = snapshot(report)
    with pytest.raises(InvalidTransition):
        services.report_mark(report=report, actor=org.commune_leader, mark="valuable", now=NOW)
    assert snapshot(report) == before
    services.report_mark(report=report, actor=org.commune_leader, mark="valuable", value=False, now=NOW)
    assert not report.is_valuable


def test_an_unknown_mark_is_refused(org, journey):
    report = journey.received()
    with pytest.raises(ValidationError):
        services.report_mark(report=report, actor=org.operator, mark="famous", now=NOW)


def test_the_reporter_cannot_mark_his_own_report(org, journey):
    report = journey.resolved()
    with pytest.raises(ActionRefused):
        services.report_mark(report=report, actor=ReporterActor(report.pk), mark="valuable", now=NOW)


def _abusive_report(org, journey, **fields):
    report = journey.received(**fields)
    services.report_mark(report=report, actor=org.operator, mark="abusive", note="Sai sự thật.", now=NOW)
    return report


def test_a_reporter_is_barred_only_at_the_threshold_of_abusive_reports(org, journey, submit):
    """R-15.2: barring needs settings.PAKN_ABUSE_BAN_THRESHOLD (2) reports marked abusive."""
    first = _abusive_report(org, journey)
    before = snapshot(first)
    with pytest.raises(InvalidTransition, match=r"từ 2 phản ánh .*\(hiện có 1\)"):
        services.reporter_bar(report=first, actor=org.operator, note="Nhiều lần sai sự thật.", now=NOW)
    assert snapshot(first) == before and not ReporterBan.objects.exists()

    # The second abusive report shares only the phone: the count is per reporter, by phone or ID hash.
    second = _abusive_report(org, journey, reporter_id_number="123456789")
    services.reporter_bar(report=second, actor=org.operator, note="Nhiều lần sai sự thật.", now=NOW)
    ban = ReporterBan.objects.get()
    assert ban.phone_hash == lookup_hash("phone", "+84912345678")
    assert ban.id_number_hash == lookup_hash("id", "123456789")
    assert (ban.created_by, ban.lifted_at, ban.reason) == (org.operator, None, "Nhiều lần sai sự thật.")
    assert last_event(second).data == {"abusive_reports": 2}

    with pytest.raises(ValidationError, match="hạn chế gửi phản ánh"):
        submit(now=NOW, reporter_id_number="079123456789")  # the same phone, yet another ID
    with pytest.raises(ValidationError, match="hạn chế gửi phản ánh"):
        submit(now=NOW, reporter_phone="0987654321", reporter_id_number="123456789")  # the same ID
    assert submit(now=NOW, reporter_phone="0987654321").report.state == State.RECEIVED  # first ID, new phone


@override_settings(PAKN_ABUSE_BAN_THRESHOLD=3)
def test_the_threshold_is_a_setting(org, journey):
    """R-15.2: how many abusive reports allow a bar is configuration."""
    _abusive_report(org, journey)
    second = _abusive_report(org, journey)
    with pytest.raises(InvalidTransition, match=r"từ 3 phản ánh"):
        services.reporter_bar(report=second, actor=org.operator, note="Sai sự thật.", now=NOW)


def test_a_report_without_phone_or_id_cannot_bar_anyone(org):
    """R-15.2: the ban works by phone and ID hash; an anonymous Open311 report has neither."""
    report = services.report_submit(
        category=org.category, content="Rác thải.", channel="open311", allow_incomplete=True, now=NOW
    ).report
    services.report_mark(report=report, actor=org.operator, mark="abusive", now=NOW)
    with pytest.raises(ValidationError):
        services.reporter_bar(report=report, actor=org.operator, note="Sai sự thật.", now=NOW)


def test_only_staff_who_may_flag_can_bar(org, journey):
    _abusive_report(org, journey)
    second = _abusive_report(org, journey)
    for actor in (org.officer, org.other_leader, ReporterActor(second.pk)):
        with pytest.raises(ActionRefused):
            services.reporter_bar(report=second, actor=actor, note="Sai sự thật.", now=NOW)
    assert not ReporterBan.objects.exists()


@pytest.fixture
def departing(org) -> User:
    officer = make_user(org.commune, User.Role.OFFICER, is_focal=True)
    org.people["departing"] = officer
    return officer


def test_a_focal_handover_moves_every_open_case_to_the_successor(org, journey, departing):
    """R-14.1: the departing focal official's open cases move to the successor, one event each."""
    working = journey.in_progress(officer=departing)
    waiting = journey.awaiting_approval(officer=departing)
    done = journey.resolved(officer=departing)
    colleague = journey.in_progress(officer=org.officer)

    events = services.focal_handover(
        actor=org.commune_leader, from_user=departing, to_user=org.officer2, now=NOW
    )

    assert sorted(e.report_id for e in events) == sorted([working.pk, waiting.pk])
    for report, state in ((working, State.IN_PROGRESS), (waiting, State.AWAITING_APPROVAL)):
        report.refresh_from_db()
        assert (report.assignee, report.state) == (org.officer2, state)
        moves = report.events.filter(action="reassign")
        assert moves.count() == 1
        assert moves.get().data == {"officer": org.officer2.pk, "previous_officer": departing.pk}
        assert "Bàn giao khi thay đổi cán bộ đầu mối" in moves.get().note
    done.refresh_from_db()
    colleague.refresh_from_db()
    assert done.assignee == departing and colleague.assignee == org.officer
    departing.refresh_from_db()
    org.officer2.refresh_from_db()
    assert not departing.is_focal and org.officer2.is_focal


def test_a_handover_keeps_each_cases_deadline(org, journey, departing):
    """R-14.1: a change of person does not restart the officer's working day."""
    report = journey.in_progress(officer=departing)
    due = report.due_at
    services.focal_handover(actor=org.commune_leader, from_user=departing, to_user=org.officer2, now=NOW)
    report.refresh_from_db()
    assert report.due_at == due and report.step == Step.HANDLE


def test_a_handover_to_someone_of_another_agency_is_refused(org, journey, departing):
    """R-14.1: the successor works in the same agency; nothing moves otherwise."""
    report = journey.in_progress(officer=departing)
    before = snapshot(report)
    stranger = make_user(org.other_commune, User.Role.OFFICER)
    with pytest.raises(ValidationError, match="cùng cơ quan"):
        services.focal_handover(actor=org.commune_leader, from_user=departing, to_user=stranger, now=NOW)
    assert snapshot(report) == before
    departing.refresh_from_db()
    assert departing.is_focal


def test_only_the_agencys_leader_hands_over(org, journey, departing):
    journey.in_progress(officer=departing)
    for actor in (org.officer, org.other_leader, org.supervisor):
        with pytest.raises(ActionRefused):
            services.focal_handover(actor=actor, from_user=departing, to_user=org.officer2, now=NOW)


def test_the_supervisor_takes_over_a_resolved_case_the_reporter_is_unsatisfied_with(org, journey):
    """R-4.4: a case not fully resolved is reopened and coordinated by the supervisor."""
    report = journey.resolved()
    services.report_rate(
        report=report, actor=ReporterActor(report.pk), rating="unsatisfied", note="Chưa xử lý xong.", now=NOW
    )
    services.report_take_over(report=report, actor=org.supervisor, note="Người dân chưa hài lòng.", now=NOW)
    assert report.state == State.COORDINATING and report.agency == org.supervisor_agency
    assert report.step == Step.COORDINATE and report.due_at == at("2026-03-06 09:00")  # 3 working days
    assert report.assignee is None
    event = last_event(report)
    assert (event.from_state, event.to_state, event.target_agency) == (
        State.RESOLVED,
        State.COORDINATING,
        org.supervisor_agency,
    )
    services.report_publish_result(
        report=report, actor=org.supervisor, result_text="Đã khắc phục triệt để.", now=at("2026-03-04 09:00")
    )
    assert report.state == State.RESOLVED and report.result_text == "Đã khắc phục triệt để."


def test_a_take_over_closes_a_pending_clarification(org, journey):
    """R-4.4, R-8.2: the supervisor's coordination replaces the pending answer."""
    report = journey.resolved()
    services.report_reply(report=report, actor=ReporterActor(report.pk), note="Chưa sửa xong.", now=NOW)
    assert report.clarification_pending and report.step == Step.CLARIFY
    services.report_take_over(
        report=report, actor=org.supervisor, note="Chủ trì.", now=at("2026-03-03 10:00")
    )
    assert not report.clarification_pending
    assert last_event(report).step == Step.CLARIFY


def test_the_reporter_can_rate_the_result_published_after_a_take_over(org, journey):
    """R-8.3: the supervisor's new result is rated like the first one."""
    report = journey.resolved()
    reporter = ReporterActor(report.pk)
    services.report_rate(
        report=report, actor=reporter, rating="unsatisfied", note="Chưa xử lý xong.", now=NOW
    )
    services.report_take_over(report=report, actor=org.supervisor, note="Chưa hài lòng.", now=NOW)
    services.report_publish_result(
        report=report, actor=org.supervisor, result_text="Đã xong.", now=at("2026-03-04 09:00")
    )
    services.report_rate(report=report, actor=reporter, rating="satisfied", now=at("2026-03-04 10:00"))
    assert report.rating == "satisfied"


def test_a_deactivated_leader_cannot_hand_over(org, departing):
    """R-3.1: an account that was deactivated can no longer act."""
    leader = org.commune_leader
    User.objects.filter(pk=leader.pk).update(is_active=False)
    leader.refresh_from_db()
    with pytest.raises(ActionRefused):
        services.focal_handover(actor=leader, from_user=departing, to_user=org.officer2, now=NOW)
    departing.refresh_from_db()
    assert departing.is_focal


def test_a_deactivated_account_cannot_lift_a_ban(org):
    supervisor = org.supervisor
    ban = ReporterBan.objects.create(phone_hash="x" * 64, reason="Sai sự thật.", created_by=supervisor)
    User.objects.filter(pk=supervisor.pk).update(is_active=False)
    supervisor.refresh_from_db()
    with pytest.raises(ActionRefused):
        services.reporter_ban_lift(ban=ban, actor=supervisor, note="Đã xem xét lại.", now=NOW)
    ban.refresh_from_db()
    assert ban.lifted_at is None
