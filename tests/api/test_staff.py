"""The officials' side of the API: inbox, case, actions, personal data, uploads, notifications (R-6.3, R-3.2)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from pakn.reports import services
from pakn.reports.models import Attachment, PersonalDataAccess, State
from tests.api.conftest import API, PROBLEM, bearer, field_errors, jpeg, post_json
from tests.conftest import VALID, at


def case_url(report, suffix=""):
    return f"{API}/staff/cases/{report.pk}{suffix}"


def test_the_operators_inbox_shows_new_reports_with_counts(api, org, journey):
    """R-7.2: the IOC's "mine" tab holds the reports waiting to be checked, by deadline."""
    first, second = journey.received(), journey.received()  # Monday 2 March 2026, 08:00
    routed = journey.routed()
    headers = bearer(org.operator)
    with time_machine.travel(at("2026-03-02 08:20"), tick=False):
        body = api.get(f"{API}/staff/inbox", **headers).json()
    assert [c["id"] for c in body["items"]] == [first.pk, second.pk]
    assert routed.pk not in [c["id"] for c in body["items"]]
    counts = {c["tab"]: c["count"] for c in body["counts"]}
    assert counts["mine"] == 2 and counts["agency"] >= 2
    item = body["items"][0]
    assert item["state"] == "received" and item["agency"]["code"] == "ioc"
    # Triage within 1 clock hour (R-7.2a): due 09:00, 40 minutes left at 08:20, the console's countdown.
    assert datetime.fromisoformat(item["due_at"]) == at("2026-03-02 09:00")
    assert (item["countdown"], item["is_overdue"]) == ("Còn 40 phút", False)
    assert "reporter_name" not in item and VALID["reporter_name"] not in json.dumps(body, ensure_ascii=False)


def test_a_commune_leader_sees_his_routed_cases_and_not_another_communes(api, org, journey):
    mine = journey.routed()
    elsewhere = journey.routed()
    services.report_escalate(report=elsewhere, actor=org.commune_leader, note="Vượt thẩm quyền")
    other = journey.received()
    services.report_forward(report=other, actor=org.operator, agency=org.other_commune)
    body = api.get(f"{API}/staff/inbox", **bearer(org.commune_leader)).json()
    assert [c["id"] for c in body["items"]] == [mine.pk]
    other_leader = api.get(f"{API}/staff/inbox", {"tab": "agency"}, **bearer(org.other_leader)).json()
    assert [c["id"] for c in other_leader["items"]] == [other.pk]


def test_the_inbox_pages_with_a_cursor_and_filters_like_the_console(api, org, journey):
    made = [journey.received() for _ in range(3)]
    headers = bearer(org.operator)
    first = api.get(f"{API}/staff/inbox", {"page_size": 2}, **headers).json()
    second = api.get(f"{API}/staff/inbox", {"page_size": 2, "cursor": first["next_cursor"]}, **headers).json()
    assert [c["id"] for c in first["items"] + second["items"]] == [r.pk for r in made]
    assert second["next_cursor"] is None
    none = api.get(f"{API}/staff/inbox", {"channel": "open311"}, **headers).json()
    assert none["items"] == [] and all(c["count"] == 0 for c in none["counts"])
    bad = api.get(f"{API}/staff/inbox", {"category": "khong-co"}, **headers)
    assert bad.status_code == 422 and field_errors(bad) == {"category": "Lĩnh vực không tồn tại."}


def test_searching_by_phone_is_exact_and_recorded(api, org, journey):
    """R-3.2: a search by phone goes through the keyed hash and is recorded; the number is not stored."""
    report = journey.received()
    journey.received(reporter_phone="0987000111")
    body = api.get(f"{API}/staff/inbox", {"q": "0912 345 678"}, **bearer(org.operator)).json()
    assert [c["id"] for c in body["items"]] == [report.pk]
    access = PersonalDataAccess.objects.get(kind=PersonalDataAccess.Kind.SEARCH)
    assert access.user == org.operator and "0912345678" not in access.detail
    by_code = api.get(
        f"{API}/staff/inbox", {"q": report.tracking_code.lower()}, **bearer(org.operator)
    ).json()
    assert [c["id"] for c in by_code["items"]] == [report.pk]


def test_a_specialist_may_not_search_by_phone(api, org, journey):
    journey.received()
    body = api.get(f"{API}/staff/inbox", {"q": "0912345678"}, **bearer(org.specialist(0))).json()
    assert body["items"] == [] and "không được tra cứu" in body["message"]
    assert not PersonalDataAccess.objects.exists()


def test_the_case_lists_only_the_actions_this_user_may_take(api, org, journey):
    """The workflow decides: the operator may forward, ask, reject and mark; the commune leader nothing yet."""
    report = journey.received()
    body = api.get(case_url(report), **bearer(org.operator)).json()
    actions = {a["action"] for a in body["allowed_actions"]}
    assert {"forward", "request_info", "reject", "mark_valuable"} <= actions
    assert "assign" not in actions and "approve" not in actions
    forward = next(a for a in body["allowed_actions"] if a["action"] == "forward")
    assert forward["path"] == f"/api/v1/staff/cases/{report.pk}/forward"
    assert body["suggested_agency"]["id"] == org.commune.pk
    assert body["version"] == report.version and body["can_see_personal_data"] is True
    assert [e["action"] for e in body["timeline"]] == ["submit"]


def test_a_case_outside_the_users_scope_is_404(api, org, journey):
    report = journey.routed()
    response = api.get(case_url(report), **bearer(org.other_leader))
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM


def test_personal_data_goes_only_to_roles_that_need_it_and_each_view_is_recorded(api, org, journey):
    """R-3.2: the IOC desk, the holding agency's leader and the assigned officer; never a department."""
    report = journey.in_progress()
    services.report_escalate(report=report, actor=org.commune_leader, note="Vượt thẩm quyền")
    services.report_request_opinions(
        report=report, actor=org.operator, departments=[org.departments[0]], question="Ý kiến?"
    )
    seen = api.get(case_url(report, "/reporter"), {"purpose": "Gọi xác minh"}, **bearer(org.operator))
    assert seen.status_code == 200 and seen.json()["phone"] == "+84912345678"
    assert PersonalDataAccess.objects.get(kind="view").detail == "Gọi xác minh"
    specialist = bearer(org.specialist(0))
    case = api.get(case_url(report), **specialist)
    assert case.status_code == 200 and case.json()["can_see_personal_data"] is False
    assert VALID["reporter_name"] not in case.content.decode()
    refused = api.get(case_url(report, "/reporter"), **specialist)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert PersonalDataAccess.objects.count() == 1


def test_an_action_by_a_role_the_table_refuses_is_403(api, org, journey):
    report = journey.routed()
    response = post_json(
        api, f"/staff/cases/{report.pk}/assign", {"officer": org.officer.pk}, **bearer(org.officer)
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert "Phân công xử lý" in response.json()["detail"]


def test_an_action_in_the_wrong_state_is_409(api, org, journey):
    report = journey.received()
    response = post_json(api, f"/staff/cases/{report.pk}/approve", {}, **bearer(org.operator))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_acting_on_a_stale_version_is_a_409_conflict(api, org, journey):
    """Two officials on one case: the one whose view is stale is told to reload."""
    report = journey.routed()
    seen = api.get(case_url(report), **bearer(org.commune_leader)).json()["version"]
    services.report_mark(report=report, actor=org.operator, mark="complex")
    response = post_json(
        api,
        f"/staff/cases/{report.pk}/assign",
        {"officer": org.officer.pk, "version": seen},
        **bearer(org.commune_leader),
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    report.refresh_from_db()
    assert report.state == State.ROUTED


def test_a_missing_note_is_a_field_error_from_the_workflow(api, org, journey):
    report = journey.received()
    response = post_json(
        api, f"/staff/cases/{report.pk}/reject", {"reason_code": "other"}, **bearer(org.operator)
    )
    assert response.status_code == 422
    assert field_errors(response) == {"note": "Vui lòng nêu lý do từ chối."}


def test_assigning_an_officer_of_another_agency_names_the_officer_field(api, org, journey):
    report = journey.routed()
    stranger = org.person("stranger", org.other_commune, "officer")
    response = post_json(
        api, f"/staff/cases/{report.pk}/assign", {"officer": stranger.pk}, **bearer(org.commune_leader)
    )
    assert response.status_code == 422 and "officer" in field_errors(response)


def test_officers_and_agencies_give_the_choices_for_actions(api, org, journey):
    assert org.officer and org.commune_leader
    officers = api.get(f"{API}/staff/officers", **bearer(org.commune_leader)).json()
    assert {o["id"] for o in officers} >= {org.officer.pk, org.commune_leader.pk}
    departments = api.get(f"{API}/staff/agencies", {"kind": "department"}, **bearer(org.operator)).json()
    assert {d["code"] for d in departments} == {d.code for d in org.departments}


def test_the_holding_agency_uploads_result_photos_and_staff_download_the_original(api, org, journey):
    report = journey.in_progress()
    headers = bearer(org.officer)
    response = api.post(case_url(report, "/attachments"), {"media": [jpeg("ket-qua.jpg")]}, **headers)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(report=report)
    assert not attachment.uploaded_by_reporter
    listed = response.json()["attachments"][0]
    assert listed["public_url"] is None  # public only with the approved result
    original = api.get(listed["url"].replace("http://testserver", ""), **headers)
    assert original.status_code == 200 and original["Content-Type"] == "image/jpeg"
    assert original["Cache-Control"] == "private, no-store"
    assert api.get(listed["url"].replace("http://testserver", "")).status_code == 401


def test_another_agency_cannot_upload_to_a_case(api, org, journey):
    report = journey.in_progress()
    response = api.post(case_url(report, "/attachments"), {"media": [jpeg()]}, **bearer(org.operator))
    assert response.status_code == 403 and not Attachment.objects.exists()


@pytest.mark.parametrize("path", ["/staff/inbox", "/staff/officers", "/staff/notifications", "/auth/tokens"])
def test_every_staff_read_needs_a_token(api, org, path):
    assert api.get(f"{API}{path}").status_code == 401


def test_the_inbox_takes_the_same_number_of_queries_for_more_cases(api, org, journey):
    """No N+1 on the officials' hot path: the page and its counts do not grow with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = bearer(org.operator)
    journey.received()
    # The clock stands still: a token's use is recorded again after a minute (LAST_USED_RESOLUTION), which a
    # loaded machine could spend between the two measures.
    with time_machine.travel(timezone.now(), tick=False):
        api.get(f"{API}/staff/inbox", **headers)  # the token's first use is recorded once
        with CaptureQueriesContext(connection) as few:
            api.get(f"{API}/staff/inbox", **headers)
        for _ in range(5):
            journey.received()
        with CaptureQueriesContext(connection) as more:
            assert len(api.get(f"{API}/staff/inbox", **headers).json()["items"]) == 6
    assert len(more) == len(few)


def test_reassign_take_over_and_bar_reporter_through_the_api(api, org, journey, settings):
    """R-4.4, R-14.1, R-15.2: the remaining actions, each through its own endpoint."""
    report = journey.in_progress()
    leader = bearer(org.commune_leader)
    moved = post_json(api, f"/staff/cases/{report.pk}/reassign", {"officer": org.officer2.pk}, **leader)
    assert moved.status_code == 200 and moved.json()["assignee"]["id"] == org.officer2.pk
    taken = post_json(
        api,
        f"/staff/cases/{report.pk}/take-over",
        {"note": "Nhiều cơ quan chưa thống nhất."},
        **bearer(org.supervisor),
    )
    assert taken.status_code == 200 and taken.json()["state"] == "coordinating"
    assert taken.json()["agency"]["id"] == org.supervisor_agency.pk

    settings.PAKN_ABUSE_BAN_THRESHOLD = 1
    abusive = journey.received()
    operator = bearer(org.operator)
    early = post_json(api, f"/staff/cases/{abusive.pk}/bar-reporter", {"note": "Lợi dụng"}, **operator)
    assert early.status_code == 409  # not yet marked abusive
    assert (
        post_json(api, f"/staff/cases/{abusive.pk}/marks", {"mark": "abusive"}, **operator).status_code == 200
    )
    barred = post_json(api, f"/staff/cases/{abusive.pk}/bar-reporter", {"note": "Lợi dụng"}, **operator)
    assert barred.status_code == 200
    from tests.api.conftest import submission_form

    again = api.post(f"{API}/reports", submission_form())
    assert again.status_code == 403 and again.json()["code"] == "reporter_barred"
