"""A printed period's figures never change (R-10.3, R-12.1, R-14.4; docs/statistics.md).

Ratings are events (Điều 8 khoản 3, R-8.3): a period counts the ratings given in it, with the value given
then, so a reopening (Điều 4 khoản 6, R-4.4) that clears a rating, or a new rating given later, leaves the
period alone. The test prints June 2026 (the periodic report, the ranking and the late list, as workbooks),
acts in July — reopens and re-rates a case, rates another, finishes an overdue one late, edits and deletes
deadline policies — and prints June again: every sheet is identical.
"""

from __future__ import annotations

import io
from typing import Any

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from pakn.reports import services, sweeps
from pakn.reports.models import DeadlinePolicy, Report, Step
from pakn.reports.workflow import ReporterActor
from pakn.stats import figures as F
from pakn.stats import quality
from pakn.stats.periods import month
from pakn.stats.ranking import ranking
from pakn.stats.scope import PROVINCE
from tests.conftest import Org, at

JUNE, JULY = month(2026, 6), month(2026, 7)
JUNE_PARAMS = {"period": "month", "year": "2026", "month": "6"}


def _resolved(org: Org, submit: Any, day: str) -> Report:
    """Submitted at 08:00 on `day`, handled and approved the same morning, in time."""
    report: Report = submit(now=at(f"{day} 08:00")).report
    services.report_forward(report=report, actor=org.operator, now=at(f"{day} 08:10"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at(f"{day} 08:20")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã xử lý.", now=at(f"{day} 10:00")
    )
    services.report_approve(report=report, actor=org.commune_leader, now=at(f"{day} 10:30"))
    return report


def june(org: Org, submit: Any) -> dict[str, Report]:
    """A: resolved Friday 5 June, rated satisfied on Monday 8 June (after the weekend).
    B: resolved Thursday 25 June, not rated in June.
    C: submitted Friday 26 June 15:30 and forwarded at 16:30 (assignment due Monday 29 June 08:00), assigned
    on Monday at 09:00 (one hour late); its verification, due Tuesday 30 June 09:00, is not done by the end
    of June (overdue at the cut-off)."""
    a = _resolved(org, submit, "2026-06-05")
    services.report_rate(report=a, actor=ReporterActor(a.pk), rating="satisfied", now=at("2026-06-08 09:00"))
    b = _resolved(org, submit, "2026-06-25")
    c: Report = submit(now=at("2026-06-26 15:30")).report
    services.report_forward(report=c, actor=org.operator, now=at("2026-06-26 16:30"))
    services.report_assign(
        report=c, actor=org.commune_leader, officer=org.officer, now=at("2026-06-29 09:00")
    )
    return {"A": a, "B": b, "C": c}


def july(org: Org, r: dict[str, Report]) -> None:
    """The supervisor reopens A (R-4.4), which clears its rating, and publishes a new result; the reporter
    rates it unsatisfied. B is rated in July. C's verification is done late and approved. An administrator
    makes approval statutory and deletes the clarification row."""
    a, b, c = r["A"], r["B"], r["C"]
    services.report_take_over(
        report=a, actor=org.supervisor, note="Xử lý chưa triệt để.", now=at("2026-07-01 09:00")
    )
    a.refresh_from_db()
    assert (a.rating, a.rated_at) == ("", None)
    services.report_publish_result(
        report=a, actor=org.supervisor, result_text="Đã chỉ đạo xử lý dứt điểm.", now=at("2026-07-02 09:00")
    )
    services.report_rate(
        report=a,
        actor=ReporterActor(a.pk),
        rating="unsatisfied",
        note="Chưa xong.",
        now=at("2026-07-03 09:00"),
    )
    services.report_rate(report=b, actor=ReporterActor(b.pk), rating="acceptable", now=at("2026-07-03 10:00"))
    c.refresh_from_db()
    services.report_submit_result(
        report=c, actor=org.officer, result_text="Đã xử lý.", now=at("2026-07-01 14:00")
    )
    services.report_approve(report=c, actor=org.commune_leader, now=at("2026-07-06 09:00"))
    DeadlinePolicy.objects.filter(step=Step.APPROVE).update(
        nature=DeadlinePolicy.Nature.STATUTORY, article="Quy định của tỉnh (ví dụ)", amount=1, unit="hours"
    )
    DeadlinePolicy.objects.filter(step=Step.CLARIFY).delete()
    sweeps.deadlines_sweep(now=at("2026-07-06 10:00"))


def printed(client: Any, user: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet of June's workbooks, except the cover sheet that says when it was made."""
    client.force_login(user)
    sheets: dict[str, list[tuple[Any, ...]]] = {}
    for name in ("periodic", "ranking", "late"):
        response = client.get(reverse(f"stats:{name}"), {**JUNE_PARAMS, "format": "xlsx"})
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        for sheet in book.worksheets:
            if sheet.title != "Thông tin":
                sheets[f"{name}/{sheet.title}"] = list(sheet.iter_rows(values_only=True))
    return sheets


def test_june_printed_in_july_and_again_in_august_is_identical(client, org, submit):
    r = june(org, submit)
    with time_machine.travel(at("2026-07-01 08:00"), tick=False):
        before = printed(client, org.supervisor)
        june_ranking = [(x.agency.pk, x.score) for x in ranking(PROVINCE, JUNE)]
    # The figures printed are the ones of the story: 2 handled in time, C open and overdue, 1 satisfied.
    totals = F.totals(PROVINCE, JUNE)
    assert (totals.received, totals.handled, totals.late, totals.open, totals.overdue) == (3, 2, 0, 1, 1)
    assert [e.step for e in quality.late_done(PROVINCE, JUNE)] == [Step.ASSIGN]
    satisfaction = quality.satisfaction(PROVINCE, JUNE)
    assert (satisfaction.satisfied, satisfaction.acceptable, satisfaction.unsatisfied) == (1, 0, 0)

    july(org, r)

    with time_machine.travel(at("2026-08-03 08:00"), tick=False):
        after = printed(client, org.supervisor)
        assert [(x.agency.pk, x.score) for x in ranking(PROVINCE, JUNE)] == june_ranking
    assert after == before
    # July counts what happened in July: A's new rating and B's first.
    july_satisfaction = quality.satisfaction(PROVINCE, JULY)
    assert (july_satisfaction.satisfied, july_satisfaction.acceptable, july_satisfaction.unsatisfied) == (
        0,
        1,
        1,
    )


def test_a_case_reopened_and_rated_again_in_the_same_month_counts_both_ratings(org, submit):
    """R-8.3: two ratings given in one period are two ratings of that period (satisfied on Friday 5 June
    afternoon, then, after the supervisor reopened it on Monday 8 June, unsatisfied on Tuesday 9 June)."""
    a = _resolved(org, submit, "2026-06-05")
    services.report_rate(report=a, actor=ReporterActor(a.pk), rating="satisfied", now=at("2026-06-05 15:00"))
    services.report_take_over(
        report=a, actor=org.supervisor, note="Chưa triệt để.", now=at("2026-06-08 09:00")
    )
    services.report_publish_result(
        report=a, actor=org.supervisor, result_text="Xong.", now=at("2026-06-08 15:00")
    )
    services.report_rate(
        report=a,
        actor=ReporterActor(a.pk),
        rating="unsatisfied",
        note="Chưa xong.",
        now=at("2026-06-09 09:00"),
    )
    s = quality.satisfaction(PROVINCE, JUNE)
    assert (s.satisfied, s.acceptable, s.unsatisfied, s.rated) == (1, 0, 1, 2)
    rows = F.per_agency(PROVINCE, JUNE, at("2026-07-01 00:00"))
    commune, supervisor = rows[org.commune.pk], rows[org.supervisor_agency.pk]
    assert (commune.rated, commune.satisfied) == (1, 1)  # the commune's result was rated satisfied
    assert (supervisor.rated, supervisor.unsatisfied) == (1, 1)  # the supervisor's, unsatisfied
