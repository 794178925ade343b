"""Leaders and the supervisor (R-4.4, R-10.1, R-14.1, R-14.2): the agencies below, the hand-over of a
departing focal official's cases, the province's overdue board, taking over a disputed case."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from pakn.org.models import User
from pakn.reports.models import Event, Report, State
from tests.conftest import at, make_user, page_text
from tests.console.conftest import Cases, signed_in

pytestmark = pytest.mark.django_db


def test_a_district_leader_sees_the_communes_below_in_his_agency_tab(org2022, cases2022: Cases):
    """R-14.2: the leader's agency work includes the agencies below; an officer's does not."""
    report = cases2022.routed()  # at commune A, below the district
    leader = signed_in(org2022.district_leader)
    text = leader.get("/console/", {"tab": "agency"}).content.decode()
    assert report.tracking_code in text
    assert report.tracking_code not in page_text(leader.get("/console/"))  # not waiting for him
    # He may filter by the agencies below.
    options = leader.get("/console/", {"tab": "agency"}).content.decode()
    assert f'<option value="{org2022.commune.pk}">' in options
    officer = signed_in(org2022.district_officer)
    assert report.tracking_code not in page_text(officer.get("/console/", {"tab": "agency"}))


def test_a_leader_hands_a_departing_focal_officials_cases_to_a_successor(org, cases: Cases):
    """R-14.1: one step moves every open case and the focal role; each case records the hand-over."""
    departing = make_user(org.commune, User.Role.OFFICER, is_focal=True)
    successor = org.officer2
    reports = []
    for _ in range(3):
        report = cases.routed()
        from pakn.reports import services

        services.report_assign(report=report, actor=org.commune_leader, officer=departing)
        reports.append(report)
    leader = signed_in(org.commune_leader)
    page = leader.get(reverse("console:staff")).content.decode()
    assert str(departing) in page and "đầu mối" in page
    response = leader.post(reverse("console:staff"), {"from_user": departing.pk, "to_user": successor.pk})
    assert response.status_code == 302
    assert "Đã bàn giao 3 phản ánh" in leader.get(response["Location"]).content.decode()
    assert set(Report.objects.filter(assignee=successor).values_list("pk", flat=True)) == {
        r.pk for r in reports
    }
    departing.refresh_from_db()
    successor.refresh_from_db()
    assert not departing.is_focal and successor.is_focal
    assert Event.objects.filter(action="reassign", report__in=reports).count() == 3


def test_the_hand_over_form_refuses_the_same_person(org):
    leader = signed_in(org.commune_leader)
    response = leader.post(reverse("console:staff"), {"from_user": org.officer.pk, "to_user": org.officer.pk})
    assert response.status_code == 400 and "phải khác người bàn giao" in response.content.decode()


def test_a_leader_cannot_hand_over_another_agencys_staff(org):
    other_officer = make_user(org.other_commune, User.Role.OFFICER)
    leader = signed_in(org.commune_leader)
    response = leader.post(
        reverse("console:staff"), {"from_user": other_officer.pk, "to_user": org.officer.pk}
    )
    assert response.status_code == 400  # not a choice of his form


def test_the_supervisor_sees_the_overdue_board_across_the_province(org, cases: Cases):
    """R-10.1: overdue cases grouped by the agency holding them, most first."""
    a1 = cases.routed(start=at("2026-03-02 08:00"))
    a2 = cases.routed(start=at("2026-03-02 08:30"))
    b1 = cases.routed(start=at("2026-03-02 09:00"), area=org.other_commune.area)
    on_time = cases.routed(start=at("2026-03-02 11:00"))
    with time_machine.travel(at("2026-03-02 11:30"), tick=False):
        page = signed_in(org.supervisor).get(reverse("console:overdue")).content.decode()
    assert "3 phản ánh quá hạn" in page
    first, second = re.findall(r'<a href="#agency-(\d+)">', page)[:2]
    assert (int(first), int(second)) == (org.commune.pk, org.other_commune.pk)
    for r in (a1, a2, b1):
        assert r.tracking_code in page
    assert on_time.tracking_code not in page


def test_a_commune_leader_sees_only_his_own_overdue(org, cases: Cases):
    mine = cases.routed(start=at("2026-03-02 08:00"))
    other = cases.routed(start=at("2026-03-02 08:00"), area=org.other_commune.area)
    with time_machine.travel(at("2026-03-02 11:30"), tick=False):
        page = signed_in(org.commune_leader).get(reverse("console:overdue")).content.decode()
    assert mine.tracking_code in page and other.tracking_code not in page


def test_the_overdue_board_has_an_empty_state(org):
    page = signed_in(org.supervisor).get(reverse("console:overdue")).content.decode()
    assert "Không có phản ánh quá hạn" in page


def test_the_supervisor_takes_over_a_disputed_case(org, cases: Cases):
    """R-4.4: the supervisor's office coordinates a case the agencies dispute."""
    report = cases.in_progress()
    supervisor = signed_in(org.supervisor)
    page = supervisor.get(reverse("console:case", args=[report.pk])).content.decode()
    assert 'id="action-take_over"' in page
    response = supervisor.post(
        reverse("console:case_action", args=[report.pk, "take_over"]),
        {"take_over-note": "Hai xã chưa thống nhất."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.COORDINATING and report.agency == org.supervisor_agency
    assert report.tracking_code in signed_in(org.supervisor).get("/console/").content.decode()


def test_the_overdue_board_reads_in_a_fixed_number_of_queries(org, cases: Cases):
    """No query per agency: the first cases of every agency come from one ranked query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pakn.reports.inbox import overdue_board

    cases.routed(start=at("2026-03-02 08:00"))
    supervisor = org.supervisor
    with time_machine.travel(at("2026-03-03 11:30"), tick=False):
        with CaptureQueriesContext(connection) as one:
            rows = overdue_board(viewer=supervisor, now=at("2026-03-03 11:30"))
        assert len(rows) == 1
        for _ in range(3):
            cases.routed(start=at("2026-03-02 08:00"), area=org.other_commune.area)
            cases.routed(start=at("2026-03-02 08:00"))
        with CaptureQueriesContext(connection) as many:
            rows = overdue_board(viewer=supervisor, now=at("2026-03-03 11:30"), per_agency=2)
    assert [r.count for r in rows] == [4, 3] and [len(r.cases) for r in rows] == [2, 2]
    assert len(many.captured_queries) == len(one.captured_queries)
