"""Each deadline policy is statutory (Decision 826 sets it: counted in figures, ranking and the public record)
or a target (an internal aim: warnings only), with the regulation's article; the table is the only source.

Articles: Điều 7 (R-7.2a … R-7.5) for the statutory steps; approval (Điều 7 khoản 3 điểm a sets no time),
a department's opinion (Điều 7 khoản 5) and a clarification (Điều 8 khoản 2, R-8.2) have none.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pakn.notify.models import OutboxMessage
from pakn.reports import services, sweeps
from pakn.reports.models import DeadlinePolicy, Report, Step
from pakn.reports.workflow import ReporterActor
from pakn.stats import figures as F
from pakn.stats import quality, series
from pakn.stats.periods import month
from pakn.stats.scope import PROVINCE
from tests.conftest import Org, at

STATUTORY, TARGET = DeadlinePolicy.Nature.STATUTORY, DeadlinePolicy.Nature.TARGET


def test_the_seeded_policies_say_which_deadlines_the_regulation_sets(db):
    """Defaults follow the text: every statutory row names its article; the rows the text gives no time
    for are targets. No seeded text cites an internal id."""
    rows = {(p.step, p.agency_kind, p.is_complex): p for p in DeadlinePolicy.objects.all()}
    nature = {key: (p.nature, p.article) for key, p in rows.items()}
    assert nature == {
        (Step.TRIAGE, "ioc", False): (STATUTORY, "Điểm a khoản 2 Điều 7"),
        (Step.SUPPLEMENT, "ioc", False): (STATUTORY, "Điểm b khoản 2 Điều 7"),
        (Step.ASSIGN, "", False): (STATUTORY, "Điểm a khoản 3, điểm a khoản 4 Điều 7"),
        (Step.HANDLE, "", False): (STATUTORY, "Điểm a khoản 3, điểm a khoản 4 Điều 7"),
        (Step.APPROVE, "", False): (TARGET, ""),
        (Step.ESCALATE, "", False): (TARGET, ""),
        (Step.ESCALATE, "commune", False): (STATUTORY, "Điểm b khoản 3 Điều 7"),
        (Step.ESCALATE, "district", False): (STATUTORY, "Điểm b khoản 4 Điều 7"),
        (Step.ESCALATE, "district", True): (STATUTORY, "Điểm b khoản 4 Điều 7"),
        (Step.COORDINATE, "", False): (STATUTORY, "Khoản 5 Điều 7"),
        (Step.OPINION, "", False): (TARGET, ""),
        (Step.CLARIFY, "", False): (TARGET, ""),
    }
    assert not any("R-" in p.basis for p in rows.values())


def test_a_statutory_row_needs_its_article(db):
    policy = DeadlinePolicy(step=Step.APPROVE, agency_kind="commune", amount=4, unit="working_hours")
    policy.nature = STATUTORY
    with pytest.raises(ValidationError) as e:
        policy.full_clean()
    assert "article" in e.value.message_dict
    policy.article = "Điểm a khoản 3 Điều 7"
    policy.full_clean()


def _awaiting_approval(org: Org, submit) -> Report:
    """Submitted Thursday 12 February 2026 08:00, the result reported on Friday 13 February at 08:30, the
    last working day before Tết: the 1-working-day approval target falls on Monday 23 February at 08:30."""
    report = submit(now=at("2026-02-12 08:00")).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-02-12 08:30"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-02-12 09:00")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã dọn sạch.", now=at("2026-02-13 08:30")
    )
    return report


def test_a_late_approval_is_a_warning_not_a_late_case(org, submit):
    """Approval has no time in Điều 7: approving on Wednesday 25 February (two working days after its target)
    warns the leader, but the case met every deadline of Decision 826: on time in the figures, the late
    list, the ranking and the open data; never overdue."""
    report = _awaiting_approval(org, submit)
    assert (report.due_at, report.step_statutory, report.overdue_at) == (at("2026-02-23 08:30"), False, None)
    assert sweeps.deadlines_sweep(now=at("2026-02-23 08:31")).overdue == 1
    noted = report.events.get(action="note_overdue")
    assert noted.data["statutory"] is False
    assert not report.is_overdue(at("2026-02-24 09:00"))
    assert F.totals(PROVINCE, month(2026, 2), at("2026-02-24 09:00")).overdue == 0
    assert series.overdue_now(PROVINCE, at("2026-02-24 09:00")).count() == 0
    assert OutboxMessage.objects.filter(report=report, kind="overdue").count() == 1  # the leader's reminder

    report.refresh_from_db()
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-02-25 09:00"))
    approved = report.events.get(action="approve")
    assert (approved.step, approved.on_time, approved.statutory) == (Step.APPROVE, False, False)
    assert list(quality.late_done(PROVINCE, month(2026, 2))) == []
    totals = F.totals(PROVINCE, month(2026, 2), at("2026-03-01 00:00"))
    assert (totals.handled, totals.on_time, totals.late) == (1, 1, 0)
    flag = Report.objects.annotate(ok=quality.on_time_expression()).get(pk=report.pk).ok
    assert flag is True
    assert Step.APPROVE not in {s.step for s in quality.steps_on_time(PROVINCE, month(2026, 2))}


def test_a_late_clarification_is_a_warning_only(org, submit):
    """R-8.2 sets no time to clarify: answered three working days after the reporter's question (asked on
    Friday 6 March 2026 at 16:00, target Monday 9 March 16:00), it is not a late step."""
    report = submit(now=at("2026-03-06 08:00")).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-06 08:10"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-06 08:20")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Xong.", now=at("2026-03-06 10:00")
    )
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-06 11:00"))
    services.report_reply(
        report=report, actor=ReporterActor(report.pk), note="Rõ hơn?", now=at("2026-03-06 16:00")
    )
    assert report.due_at == at("2026-03-09 16:00") and report.overdue_at is None
    services.report_clarify(
        report=report, actor=org.commune_leader, note="Đã rõ.", now=at("2026-03-11 16:00")
    )
    clarified = report.events.get(action="clarify")
    assert (clarified.on_time, clarified.statutory) == (False, False)
    assert list(quality.late_done(PROVINCE, month(2026, 3))) == []


def test_an_administrator_can_make_a_step_statutory_from_now_on(org, submit):
    """A province that adopts its own rule marks the row statutory, with its article: cases from then on
    count; steps already recorded keep the nature they were recorded with (figures never change after)."""
    first = _awaiting_approval(org, submit)
    policy = DeadlinePolicy.objects.get(step=Step.APPROVE, agency_kind="", is_complex=False)
    policy.nature, policy.article = STATUTORY, "Quyết định của UBND tỉnh (ví dụ)"
    policy.full_clean()
    policy.save()
    second = submit(now=at("2026-03-02 08:00")).report
    services.report_forward(report=second, actor=org.operator, now=at("2026-03-02 08:10"))
    services.report_assign(
        report=second, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 08:20")
    )
    services.report_submit_result(
        report=second, actor=org.officer, result_text="Xong.", now=at("2026-03-02 10:00")
    )
    assert (second.step_statutory, second.overdue_at) == (True, at("2026-03-03 10:00"))
    services.report_approve(report=second, actor=org.commune_leader, now=at("2026-03-04 10:00"))
    services.report_approve(report=first, actor=org.commune_leader, now=at("2026-03-04 10:00"))
    late = [(e.report_id, e.step) for e in quality.late_done(PROVINCE, month(2026, 3))]
    assert late == [(second.pk, Step.APPROVE)]


def test_deleting_a_row_brings_no_built_in_back(org, submit):
    """The table is the only source: without an approval row, approval has no deadline and no warning."""
    DeadlinePolicy.objects.filter(step=Step.APPROVE).delete()
    report = _awaiting_approval(org, submit)
    assert (report.due_at, report.overdue_at, report.step_statutory) == (None, None, False)
    assert sweeps.deadlines_sweep(now=at("2026-03-30 09:00")).overdue == 0
