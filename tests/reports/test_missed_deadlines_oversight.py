"""Missed deadlines nobody was told about (issue 11, items 7, 8 and 9), as dated scenarios with the clock of
time-machine: across Tết 2026 (Saturday 14 – Sunday 22 February off), a weekend and Friday afternoons, on
the 2025 (commune → province) and 2022 (commune → district → province) data.

- Item 7, Điều 7 khoản 5 (R-7.5): a department that does not give its opinion by its deadline is noted once
  by the sweep (an internal event) and the IOC desk that asked is told. The opinion deadline is a target by
  default (Decision 826 sets none): a warning, counted nowhere; made statutory by the province, the
  supervisor is told too.
- Item 8, Điều 8 khoản 2 (R-8.2) and R-14.4: a clarification unanswered past a statutory deadline is in the
  late list while it is still unanswered (a target deadline is not late).
- Item 9, Điều 14 (R-14.2), Điều 7 khoản 3, 4: on the 2022 data the district's leaders are told when a case
  of one of their communes becomes overdue; on the 2025 data there is no district.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import time_machine

from pakn.notify.models import Delivery, OutboxMessage
from pakn.org.models import User
from pakn.reports import services, sweeps
from pakn.reports.models import DeadlinePolicy, Event, OpinionRequest, Report, State, Step
from pakn.reports.workflow import ReporterActor
from pakn.stats import quality
from pakn.stats.periods import date_range, month
from pakn.stats.scope import PROVINCE, home_scope
from pakn.stats.services import late_explanation_save
from tests.conftest import VALID, Org, at, make_user

Role = User.Role
STATUTORY = DeadlinePolicy.Nature.STATUTORY


def sweep_at(moment: str) -> Any:
    """The huey task's sweep, with the wall clock at `moment` (local time)."""
    with time_machine.travel(at(moment), tick=False):
        return sweeps.deadlines_sweep()


def told(event: Event) -> set[int]:
    """Who the event's messages reach (any channel)."""
    return set(
        Delivery.objects.filter(outbox__event=event, user__isnull=False).values_list("user_id", flat=True)
    )


def make_statutory(step: str) -> None:
    """A province adopting its own rule for a step the regulation gives no time for (docs/deadlines.md)."""
    policy = DeadlinePolicy.objects.get(step=step, agency_kind="", is_complex=False)
    policy.nature, policy.article = STATUTORY, "Quyết định của UBND tỉnh (ví dụ)"
    policy.full_clean()
    policy.save()


def _at_province(org: Org, submitted: str) -> Report:
    """Submitted, forwarded 10 minutes later, escalated by the commune (and the district on the 2022 data)
    to the province, where the IOC coordinates it (R-7.5)."""
    start = at(submitted)
    with time_machine.travel(start, tick=False) as clock:
        report = services.report_submit(category=org.category, area=org.commune_area, **VALID).report
        clock.shift(600)
        services.report_forward(report=report, actor=org.operator)
        clock.shift(600)
        services.report_escalate(report=report, actor=org.commune_leader, note="Vượt thẩm quyền cấp xã.")
        if org.district is not None:
            clock.shift(600)
            services.report_escalate(report=report, actor=org.district_leader, note="Cần tỉnh chỉ đạo.")
    assert report.state == State.COORDINATING
    return report


def _ask(org: Org, report: Report, moment: str, departments: int = 1) -> list[OpinionRequest]:
    with time_machine.travel(at(moment), tick=False):
        services.report_request_opinions(
            report=report,
            actor=org.operator,
            departments=org.departments[:departments],
            question="Đề nghị cho ý kiến về phương án xử lý.",
        )
    return list(OpinionRequest.objects.filter(report=report).order_by("department__code"))


# --- Item 7: a department's missed opinion deadline ---------------------------------------------------------


def test_a_department_missing_its_opinion_target_across_tet_is_noted_once_and_the_ioc_told_2025(org):
    """Điều 7 khoản 5 (2025 data): the IOC asks two departments on Friday 13 February 2026 at 15:30, the last
    afternoon before Tết; their 1-working-day target falls on Monday 23 February 15:30. One answers on the
    Monday morning; the other does not: at 15:31 the sweep notes it once (internal event), the operator who
    asked, the IOC desk and the department are told; the supervisor is not (a target is a warning), and no
    figure counts it."""
    report = _at_province(org, "2026-02-12 09:00")
    first, second = _ask(org, report, "2026-02-13 15:30", departments=2)
    assert (first.due_at, first.statutory) == (at("2026-02-23 15:30"), False)
    ioc_leader, supervisor = org.ioc_leader, org.supervisor
    other_specialist = make_user(second.department, Role.SPECIALIST)
    for moment in ("2026-02-13 17:00", "2026-02-16 09:00", "2026-02-21 12:00", "2026-02-23 15:30"):
        assert sweep_at(moment).opinions_overdue == 0
    with time_machine.travel(at("2026-02-23 09:00"), tick=False):
        services.report_give_opinion(report=report, actor=org.specialist(0), answer="Thống nhất phương án.")

    assert sweep_at("2026-02-23 15:31").opinions_overdue == 1
    assert sweep_at("2026-02-23 15:40").opinions_overdue == 0  # once
    noted = Event.objects.get(report=report, action="note_opinion_overdue")
    assert (noted.at, noted.visibility, noted.actor_kind) == (at("2026-02-23 15:31"), "internal", "system")
    assert datetime.fromisoformat(noted.data.pop("due_at")) == at("2026-02-23 15:30")
    assert noted.data == {
        "opinion_request": second.pk,
        "department": second.department_id,
        "statutory": False,
    }
    assert (noted.step, noted.on_time, noted.agency) == ("", None, report.agency)  # no step done, IOC holds
    second.refresh_from_db()
    assert second.overdue_noted_at == at("2026-02-23 15:31") and second.answered_at is None
    reached = told(noted)
    assert {org.operator.pk, ioc_leader.pk, other_specialist.pk} <= reached
    assert supervisor.pk not in reached and org.specialist(0).pk not in reached
    message = OutboxMessage.objects.get(event=noted)
    assert message.kind == "overdue" and message.context["agency"] == second.department.name

    # A warning only: no late step, nothing overdue, the late answer is not late either.
    with time_machine.travel(at("2026-02-24 08:00"), tick=False):
        services.report_give_opinion(report=report, actor=other_specialist, answer="Ý kiến muộn.")
    assert list(quality.late_done(PROVINCE, month(2026, 2))) == []
    assert [r.pk for r in quality.late_pending(PROVINCE, month(2026, 2), at("2026-02-24 09:00"))] == []
    assert Step.OPINION not in {s.step for s in quality.steps_on_time(PROVINCE, month(2026, 2))}


def test_a_statutory_opinion_deadline_missed_over_a_weekend_tells_the_supervisor_2022(org2022):
    """Điều 7 khoản 5 (2022 data): the province made the opinion deadline statutory. Asked on Friday 6 March
    2026 at 16:30, due Monday 9 March 16:30: nothing over the weekend; noted at 16:31 and, as a deadline of
    the province's rule, the supervisor is told too. Answered on Tuesday, the opinion is a late step of the
    department."""
    org = org2022
    operator, supervisor, specialist = org.operator, org.supervisor, org.specialist(0)
    make_statutory(Step.OPINION)
    report = _at_province(org, "2026-03-06 08:00")
    (request,) = _ask(org, report, "2026-03-06 16:30")
    assert (request.due_at, request.statutory) == (at("2026-03-09 16:30"), True)
    assert sweep_at("2026-03-07 10:00").opinions_overdue == 0
    assert sweep_at("2026-03-08 23:59").opinions_overdue == 0
    assert sweep_at("2026-03-09 16:31").opinions_overdue == 1
    noted = Event.objects.get(report=report, action="note_opinion_overdue")
    assert noted.data["statutory"] is True
    assert {operator.pk, supervisor.pk, specialist.pk} <= told(noted)
    with time_machine.travel(at("2026-03-10 09:00"), tick=False):
        services.report_give_opinion(report=report, actor=org.specialist(0), answer="Đồng ý.")
    late = [(e.step, e.agency_id) for e in quality.late_done(PROVINCE, month(2026, 3))]
    assert late == [(Step.OPINION, request.department_id)]


def test_an_opinion_answered_in_time_or_a_case_no_longer_coordinated_is_not_noted(org):
    """Nothing to note when the department answered in time, or when the IOC published the result without
    waiting (the request is moot once the case left coordination)."""
    report = _at_province(org, "2026-03-02 08:00")
    _ask(org, report, "2026-03-02 09:00")
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        services.report_publish_result(report=report, actor=org.ioc_leader, result_text="Đã xử lý xong.")
    assert sweep_at("2026-03-05 09:00").opinions_overdue == 0
    assert not Event.objects.filter(action="note_opinion_overdue").exists()


# --- Item 8: an unanswered clarification in the late list ---------------------------------------------------


def _resolved_and_asked(org: Org, asked: str) -> Report:
    """Resolved by the commune on Monday 23 February 2026 (the first working day after Tết); the reporter
    asks for a clarification at `asked`."""
    with time_machine.travel(at("2026-02-23 08:00"), tick=False) as clock:
        report = services.report_submit(category=org.category, area=org.commune_area, **VALID).report
        clock.shift(600)
        services.report_forward(report=report, actor=org.operator)
        clock.shift(600)
        services.report_assign(report=report, actor=org.commune_leader, officer=org.officer)
        clock.shift(3600)
        services.report_submit_result(report=report, actor=org.officer, result_text="Đã dọn sạch.")
        clock.shift(600)
        services.report_approve(report=report, actor=org.commune_leader)
    with time_machine.travel(at(asked), tick=False):
        services.report_reply(report=report, actor=ReporterActor(report.pk), note="Còn rác ở đầu ngõ?")
    return report


def test_an_unanswered_statutory_clarification_is_in_the_late_list_while_unanswered_2022(org2022):
    """Điều 8 khoản 2, R-14.4 (2022 data): with a statutory clarification deadline (the province's rule), a
    question asked on Friday 27 February 2026 at 15:00 is due Monday 2 March 15:00. Still unanswered at the
    end of that Monday it is in the late list (step «Trả lời làm rõ», held by the commune, how late) for the
    commune and for its district's leader; the commune's leader may explain it. Answered on Wednesday 4 March,
    it is a step done late, and the list printed for 2 March is the same afterwards."""
    org = org2022
    make_statutory(Step.CLARIFY)
    report = _resolved_and_asked(org, "2026-02-27 15:00")
    assert (report.due_at, report.overdue_at) == (at("2026-03-02 15:00"), at("2026-03-02 15:00"))
    march_2 = date_range(date(2026, 3, 2), date(2026, 3, 2))
    assert list(quality.late_pending(PROVINCE, month(2026, 2))) == []  # not yet due at the end of February

    def pending(scope: Any, now: str) -> list[tuple[int, str, int]]:
        rows = quality.late_pending(scope, march_2, at(now))
        return [(r.pk, r.step_at, r.holder_at) for r in rows]

    assert pending(PROVINCE, "2026-03-02 14:59") == []
    assert pending(PROVINCE, "2026-03-02 17:00") == [(report.pk, Step.CLARIFY, org.commune.pk)]
    district = home_scope(org.district_leader)  # the district's leader sees his communes
    assert district is not None and district is not PROVINCE
    assert pending(district, "2026-03-02 17:00") == [(report.pk, Step.CLARIFY, org.commune.pk)]
    other = home_scope(org.other_leader)
    assert other is not None and pending(other, "2026-03-02 17:00") == []
    explained = late_explanation_save(
        actor=org.commune_leader,
        report=report,
        step=Step.CLARIFY,
        due_at=at("2026-03-02 15:00"),
        agency=org.commune,
        text="Cán bộ đang kiểm tra lại hiện trường.",
        now=at("2026-03-02 17:00"),
    )
    assert explained.event is None

    with time_machine.travel(at("2026-03-04 09:00"), tick=False):
        services.report_clarify(report=report, actor=org.commune_leader, note="Đã thu gom nốt.")
    assert pending(PROVINCE, "2026-03-05 09:00") == [
        (report.pk, Step.CLARIFY, org.commune.pk)
    ]  # as of 2 March
    late = [(e.report_id, e.step) for e in quality.late_done(PROVINCE, month(2026, 3))]
    assert late == [(report.pk, Step.CLARIFY)]
    assert list(quality.late_pending(PROVINCE, month(2026, 3), at("2026-03-05 09:00"))) == []


def test_an_unanswered_clarification_past_its_target_is_not_late_2025(org):
    """Điều 8 khoản 2 sets no time (2025 data, default policy): a question asked on Friday 6 March 2026 at
    16:00 (target Monday 9 March 16:00), unanswered on Tuesday 10 March, is a reminder, never in the late
    list."""
    report = _resolved_and_asked(org, "2026-03-06 16:00")
    assert report.overdue_at is None
    assert sweep_at("2026-03-10 09:00").overdue == 1  # the reminder to the commune
    assert list(quality.late_pending(PROVINCE, month(2026, 3), at("2026-03-10 09:00"))) == []


# --- Item 9: the district's leaders told of their communes' overdue cases -----------------------------------


def _routed(org: Org, forwarded: str) -> Report:
    with time_machine.travel(at(forwarded), tick=False) as clock:
        clock.shift(-1800)
        report = services.report_submit(category=org.category, area=org.commune_area, **VALID).report
        clock.shift(1800)
        services.report_forward(report=report, actor=org.operator)
    return report


def test_district_leaders_are_told_when_a_commune_case_goes_overdue_across_tet_2022(org2022):
    """Điều 14 (R-14.2), Điều 7 khoản 3 (2022 data): forwarded on Friday 13 February 2026 at 15:30, neither
    assigned nor escalated: overdue on Monday 23 February at 15:30 (its escalation day ran across Tết). The
    sweep's note reaches the commune's leader, the district's leader and the supervisor — not another
    district's nor another commune's leader, nor the IOC."""
    org = org2022
    district_leader, commune_leader, supervisor = org.district_leader, org.commune_leader, org.supervisor
    other_leader, ioc_leader = org.other_leader, org.ioc_leader
    other_district = (
        type(org.district).objects.filter(kind=org.district.kind).exclude(pk=org.district.pk).first()
    )
    stranger = make_user(other_district, Role.LEADER)
    report = _routed(org, "2026-02-13 15:30")
    assert report.overdue_at == at("2026-02-23 15:30")
    assert sweep_at("2026-02-23 15:30").overdue == 0
    assert sweep_at("2026-02-23 15:31").overdue == 1
    noted = Event.objects.get(report=report, action="note_overdue")
    reached = told(noted)
    assert {commune_leader.pk, district_leader.pk, supervisor.pk} <= reached
    assert not reached & {other_leader.pk, ioc_leader.pk, stranger.pk}
    assert other_leader.pk not in reached  # the neighbouring commune of the same district


def test_a_missed_target_does_not_reach_the_district_2022(org2022):
    """A missed target (approval, no time in Điều 7) only reminds whoever must act: the commune's leader."""
    org = org2022
    district_leader = org.district_leader
    with time_machine.travel(at("2026-03-06 14:00"), tick=False) as clock:  # a Friday afternoon
        report = services.report_submit(category=org.category, area=org.commune_area, **VALID).report
        clock.shift(600)
        services.report_forward(report=report, actor=org.operator)
        clock.shift(600)
        services.report_assign(report=report, actor=org.commune_leader, officer=org.officer)
        clock.shift(600)
        services.report_submit_result(report=report, actor=org.officer, result_text="Xong.")
    assert sweep_at("2026-03-09 15:00").overdue == 1  # approval target: Monday 14:30
    noted = Event.objects.get(report=report, action="note_overdue")
    assert noted.data["statutory"] is False
    assert district_leader.pk not in told(noted) and org.commune_leader.pk in told(noted)


def test_on_the_2025_data_the_commune_and_the_supervisor_are_told_over_a_weekend(org):
    """2025 data (no district): forwarded on Friday 6 March 2026 at 16:30; assignment due Monday 08:00,
    escalation Monday 16:30: overdue then; the commune's leader and the supervisor are told, nobody above
    the commune below the province exists, and the IOC is not told."""
    commune_leader, supervisor, ioc_leader = org.commune_leader, org.supervisor, org.ioc_leader
    report = _routed(org, "2026-03-06 16:30")
    assert sweep_at("2026-03-07 12:00").overdue == 0
    assert sweep_at("2026-03-09 16:31").overdue == 1
    reached = told(Event.objects.get(report=report, action="note_overdue"))
    assert {commune_leader.pk, supervisor.pk} <= reached and ioc_leader.pk not in reached
