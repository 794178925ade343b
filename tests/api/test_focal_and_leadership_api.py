"""The API endpoints of the new actions, generated from their specs: a focal official's progress update
(POST …/progress, Điều 14 khoản 1), and the province's leadership consulted through its office
(POST …/request-leadership-opinion and …/leadership-opinion, Điều 7 khoản 5)."""

from __future__ import annotations

from datetime import datetime

import time_machine
from django.test import Client

from pakn.org.models import User
from tests.api.conftest import API, field_errors, post_json
from tests.api.test_journey import App, Citizen, _case_id
from tests.conftest import at, make_user


def test_a_focal_official_updates_progress_through_the_api(org):
    citizen = Citizen()
    submitted = citizen.submit()
    operator, leader = App(org.operator), App(org.commune_leader)
    focal_user = make_user(org.commune, User.Role.OFFICER, is_focal=True)
    focal = App(focal_user)
    case_id = _case_id(operator, submitted["tracking_code"])
    operator.act(case_id, "forward")
    leader.act(case_id, "assign", officer=org.officer.pk)

    case = focal.get(f"/staff/cases/{case_id}")
    paths = {a["action"]: a["path"] for a in case["allowed_actions"]}
    assert paths["update_progress"].endswith(f"/staff/cases/{case_id}/progress")
    empty = post_json(
        focal.client,
        f"/staff/cases/{case_id}/progress",
        {"version": case["version"], "note": ""},
        **focal.headers,
    )
    assert empty.status_code == 422 and "note" in field_errors(empty)
    case = focal.act(case_id, "update_progress", note="Đã khảo sát hiện trường, gọi 0912345678.")
    assert case["state"] == "in_progress"

    public = Client().get(f"{API}/reports/{submitted['tracking_code']}").json()
    entry = next(e for e in public["timeline"] if e["action"] == "update_progress")
    assert "Đã khảo sát hiện trường" in entry["note"] and "0912345678" not in entry["note"]

    # An officer who is not a focal official is not offered it, and the endpoint refuses him.
    plain = App(org.officer)
    case = plain.get(f"/staff/cases/{case_id}")
    assert "update_progress" not in [a["action"] for a in case["allowed_actions"]]
    refused = post_json(
        plain.client,
        f"/staff/cases/{case_id}/progress",
        {"version": case["version"], "note": "Tiến độ."},
        **plain.headers,
    )
    assert refused.status_code == 403


def test_the_ioc_consults_the_provincial_leadership_through_the_api(org):
    """Asked on Friday 13 February 2026 at 15:00, the office answers within 1 working day (the `opinion`
    row, a target): Monday 23 February at 15:00, after the Tết break (docs/deadlines.md)."""
    citizen = Citizen()
    operator, leader, office = App(org.operator), App(org.commune_leader), App(org.supervisor)
    with time_machine.travel(at("2026-02-13 15:00"), tick=False):
        submitted = citizen.submit()
        case_id = _case_id(operator, submitted["tracking_code"])
        operator.act(case_id, "forward")
        leader.act(case_id, "escalate", note="Vượt thẩm quyền của phường.")
        case = operator.act(
            case_id, "request_leadership_opinion", question="Đề nghị lãnh đạo UBND tỉnh cho ý kiến."
        )
    asked = [o for o in case["opinions"] if o["department"]["code"] == org.supervisor_agency.code]
    assert len(asked) == 1 and asked[0]["answered_at"] is None
    assert datetime.fromisoformat(asked[0]["due_at"]) == at("2026-02-23 15:00")
    assert "request_leadership_opinion" not in [a["action"] for a in case["allowed_actions"]]
    assert case_id in office.inbox()

    case = office.act(case_id, "give_leadership_opinion", answer="Giao Sở Xây dựng chủ trì.")
    answered = [o for o in case["opinions"] if o["department"]["code"] == org.supervisor_agency.code]
    assert answered[0]["answered_at"]
    case = operator.act(case_id, "publish_result", result_text="Sở Xây dựng sửa mặt đường.")
    assert case["state"] == "resolved"


def test_the_leadership_endpoint_refuses_a_commune(org, journey):
    report = journey.coordinating()
    leader = App(org.commune_leader)
    response = post_json(
        leader.client,
        f"/staff/cases/{report.pk}/request-leadership-opinion",
        {"version": report.version, "question": "Xin ý kiến."},
        **leader.headers,
    )
    assert response.status_code == 403
