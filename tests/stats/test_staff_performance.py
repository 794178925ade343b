"""Staff performance (Điều 15 khoản 3 Quy chế, R-15.3): each official's figures for a period, read from the
timeline, on the 2025 and the 2022 data, with dated scenarios:

- report A reaches the commune on Friday 13 February 2026 afternoon, the last afternoon before Tết; its
  officer reports the result on Tuesday 24 February, after his working day ran out on Monday 23 February
  (Tết is off): a late statutory step. The reporter asks a clarification, answered after its internal
  target (not late: a target), and rates the result "unsatisfied".
- report B is forwarded on Friday 6 March 2026 at 16:30; the leader assigns it on Monday 9 March at 09:00,
  after his hour (due Monday 08:00): late. The officer handles it the same day; rated "satisfied".

Re-running February after March's reopening of A (R-4.4), its new rating, a hand-over and the officer's
departure gives the same figures; only deadlines of Decision 826 count as late.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pakn.org.models import User
from pakn.reports import services
from pakn.reports.models import Report
from pakn.reports.workflow import ReporterActor
from pakn.stats.people import Person, people
from pakn.stats.periods import month
from pakn.stats.scope import PROVINCE
from tests.conftest import VALID, Org, at
from tests.console.conftest import signed_in

FEBRUARY, MARCH = month(2026, 2), month(2026, 3)


@pytest.fixture(params=["org", "org2022"])
def any_org(request: Any) -> Org:
    return request.getfixturevalue(request.param)


def _report_a(org: Org) -> Report:
    report = services.report_submit(
        category=org.category, area=org.commune_area, now=at("2026-02-13 15:00"), **VALID
    ).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-02-13 15:20"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-02-13 15:50")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã vá ổ gà.", now=at("2026-02-24 09:00")
    )
    handled = report.events.get(action="report_result")
    assert (handled.step_due_at, handled.on_time, handled.statutory) == (at("2026-02-23 15:50"), False, True)
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-02-24 10:00"))
    reporter = ReporterActor(report.pk)
    services.report_reply(report=report, actor=reporter, note="Còn ổ gà nhỏ.", now=at("2026-02-24 11:00"))
    services.report_clarify(report=report, actor=org.officer, note="Đã vá nốt.", now=at("2026-02-26 09:00"))
    clarified = report.events.get(action="clarify")
    assert (clarified.on_time, clarified.statutory) == (False, False)  # a missed target, not late
    services.report_rate(
        report=report,
        actor=reporter,
        rating="unsatisfied",
        note="Chưa khắc phục triệt để.",
        now=at("2026-02-26 10:00"),
    )
    return report


def _report_b(org: Org) -> Report:
    report = services.report_submit(
        category=org.category, area=org.commune_area, now=at("2026-03-06 16:00"), **VALID
    ).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-06 16:30"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer2, now=at("2026-03-09 09:00")
    )
    assigned = report.events.get(action="assign")
    assert (assigned.step_due_at, assigned.on_time) == (at("2026-03-09 08:00"), False)
    services.report_submit_result(
        report=report, actor=org.officer2, result_text="Đã xử lý.", now=at("2026-03-09 14:00")
    )
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-09 15:00"))
    services.report_rate(
        report=report, actor=ReporterActor(report.pk), rating="satisfied", now=at("2026-03-10 08:00")
    )
    return report


def _figures(rows: list[Person]) -> dict[int, tuple[int, ...]]:
    """user → (handled, steps, on time, late, clarifications, satisfied, acceptable, unsatisfied)."""
    return {
        p.user_id: (
            p.handled,
            p.steps,
            p.on_time,
            p.late,
            p.clarifications,
            p.satisfied,
            p.acceptable,
            p.unsatisfied,
        )
        for p in rows
    }


def test_each_officials_figures_and_a_closed_month_never_changes(any_org):
    """R-15.3, R-8.3, Điều 7: February and March per official; then March's later actions leave February's
    figures (printed again in April) identical."""
    org = any_org
    a = _report_a(org)
    february = _figures(people(PROVINCE, FEBRUARY))
    assert february == {
        org.operator.pk: (0, 1, 1, 0, 0, 0, 0, 0),  # triage within its hour
        org.commune_leader.pk: (1, 1, 1, 0, 0, 0, 0, 1),  # assigned in time; approved (a target); rated
        org.officer.pk: (1, 1, 0, 1, 1, 0, 0, 1),  # verification late across Tết; one clarification
    }

    _report_b(org)
    # March: the supervisor reopens A (the reporter was unsatisfied) and publishes a new result, rated.
    services.report_take_over(
        report=a, actor=org.supervisor, note="Chưa hài lòng.", now=at("2026-03-11 09:00")
    )
    services.report_publish_result(
        report=a, actor=org.supervisor, result_text="Đã thảm lại mặt đường.", now=at("2026-03-12 09:00")
    )
    services.report_rate(report=a, actor=ReporterActor(a.pk), rating="satisfied", now=at("2026-03-12 10:00"))
    services.focal_handover(
        actor=org.commune_leader, from_user=org.officer, to_user=org.officer2, now=at("2026-03-13 09:00")
    )
    User.objects.filter(pk=org.officer.pk).update(is_active=False)

    assert _figures(people(PROVINCE, FEBRUARY)) == february
    march = _figures(people(PROVINCE, MARCH))
    assert march == {
        org.operator.pk: (0, 1, 1, 0, 0, 0, 0, 0),
        org.commune_leader.pk: (1, 1, 0, 1, 0, 1, 0, 0),  # assigned B after his hour; B rated satisfied
        org.officer2.pk: (1, 1, 1, 0, 0, 1, 0, 0),
        # The new result of A is the supervisor's: its rating is his, not the February officer's.
        org.supervisor.pk: (1, 1, 1, 0, 0, 1, 0, 0),
    }
    # The commune's scope (R-14.2) leaves out the IOC's operator and the supervisor.
    commune_march = _figures(people(org_scope(org), MARCH))
    assert set(commune_march) == {org.commune_leader.pk, org.officer2.pk}


def test_a_case_left_unverified_is_overdue_for_its_officer_at_the_cut_off(any_org):
    """R-15.3, Điều 7: assigned to officer2 on Friday 13 February 2026 at 16:00, due Monday 23 February
    16:00 across Tết, never reported: overdue for officer2 at the end of February. Handed over to the
    officer on Monday 9 March: at the end of March it is overdue for the officer; February still says
    officer2. What he did in time is not what he left undone: no step is counted for him."""
    org = any_org
    report = services.report_submit(
        category=org.category, area=org.commune_area, now=at("2026-02-13 15:00"), **VALID
    ).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-02-13 15:20"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer2, now=at("2026-02-13 16:00")
    )
    assert report.due_at == at("2026-02-23 16:00")
    after_march = at("2026-04-02 08:00")

    def overdue(period: Any) -> dict[int, int]:
        return {p.user_id: p.overdue for p in people(PROVINCE, period, now=after_march) if p.overdue}

    # Before its deadline, nothing is overdue (the period read while running, on 20 February).
    assert not any(p.overdue for p in people(PROVINCE, FEBRUARY, now=at("2026-02-20 12:00")))
    assert overdue(FEBRUARY) == {org.officer2.pk: 1}
    officer2 = next(p for p in people(PROVINCE, FEBRUARY, now=after_march) if p.user_id == org.officer2.pk)
    assert (officer2.steps, officer2.late, officer2.agency_id) == (0, 0, org.commune.pk)

    services.focal_handover(
        actor=org.commune_leader, from_user=org.officer2, to_user=org.officer, now=at("2026-03-09 09:00")
    )
    assert overdue(FEBRUARY) == {org.officer2.pk: 1}
    assert overdue(MARCH) == {org.officer.pk: 1}


def org_scope(org: Org) -> Any:
    from pakn.stats.scope import Scope

    return Scope(org.commune, frozenset({org.commune.pk}), exact=True)


def _page(user: User, **params: str) -> Any:
    return signed_in(user).get(
        reverse("stats:staff"), {"period": "month", "year": "2026", "month": "2", **params}
    )


def test_who_sees_whose_figures(any_org):
    """R-15.3 within R-14.2: the official sees his own row; his leaders (the commune's, and on the 2022
    data the district's) see the commune's officials; another commune's leader sees none of them and may
    not ask for that commune; the supervisor sees everyone."""
    org = any_org
    _report_a(org)
    officer_name, leader_name = str(org.officer), str(org.commune_leader)

    own = _page(org.officer)
    assert own.status_code == 200
    text = own.content.decode()
    assert "Kết quả của cán bộ" in text and officer_name in text and leader_name not in text

    for leader in [org.commune_leader, org.supervisor] + ([org.district_leader] if org.district else []):
        seen = _page(leader).content.decode()
        assert officer_name in seen and leader_name in seen, leader

    other = _page(org.other_leader)
    assert other.status_code == 200 and officer_name not in other.content.decode()
    assert _page(org.other_leader, agency=str(org.commune.pk)).status_code == 403


def test_the_staff_sheet_is_in_the_periodic_workbook_for_leaders_only(org):
    """R-15.3, R-10.3: the periodic report's workbook has the sheet "Cán bộ" for the supervisor and the
    leaders; an IOC operator's (who sees the province's figures, not people's) does not."""
    from io import BytesIO

    from openpyxl import load_workbook

    _report_a(org)
    params = {"period": "month", "year": "2026", "month": "2", "format": "xlsx"}
    for user, expected in ((org.supervisor, True), (org.commune_leader, True), (org.operator, False)):
        response = signed_in(user).get(reverse("stats:periodic"), params)
        assert response.status_code == 200
        sheets = load_workbook(BytesIO(response.content)).sheetnames
        assert ("Cán bộ" in sheets) is expected, user.role
    staff_sheet = load_workbook(
        BytesIO(signed_in(org.supervisor).get(reverse("stats:periodic"), params).content)
    )["Cán bộ"]
    body = {r[0]: r[3:8] for r in list(staff_sheet.iter_rows(values_only=True))[1:] if r[0]}
    assert body[str(org.officer)] == (1, 1, 0, 1, 0.0)


def test_the_staff_page_in_english(org):
    _report_a(org)
    client = signed_in(org.officer)
    client.cookies["django_language"] = "en"
    text = client.get(
        reverse("stats:staff"), {"period": "month", "year": "2026", "month": "2"}
    ).content.decode()
    assert "Officials&#x27; results" in text or "Officials' results" in text
    assert "Reports handled" in text


def test_the_staff_page_exports_csv(org):
    _report_a(org)
    response = _page(org.supervisor, format="csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert str(org.officer) in response.content.decode("utf-8-sig")
