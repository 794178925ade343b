"""The reporter's follow-up with the private secret: own view, supplement, messages, rating (R-7.2b, R-8)."""

from __future__ import annotations

import json

import time_machine

from pakn.reports import services
from pakn.reports.models import Attachment, State
from tests.api.conftest import API, field_errors, jpeg, post_json
from tests.conftest import at


def secret_headers(secret: str) -> dict[str, str]:
    return {"HTTP_X_REPORT_SECRET": secret}


def test_the_reporter_sees_his_report_with_the_notes_addressed_to_him(api, org, submit):
    sub = submit(now=at("2026-03-02 08:00"))
    services.report_request_info(
        report=sub.report, actor=org.operator, note="Cho biết số nhà cụ thể.", now=at("2026-03-02 08:10")
    )
    with time_machine.travel(at("2026-03-02 08:30"), tick=False):  # within the hour to supplement (R-7.2b)
        response = api.get(f"{API}/my/report", **secret_headers(sub.secret))
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_code"] == sub.report.tracking_code and body["state"] == "awaiting_info"
    assert body["requested_info"] == "Cho biết số nhà cụ thể."
    assert body["allowed_actions"] == ["supplement"]
    assert [(e["action"], e["visibility"]) for e in body["timeline"]] == [
        ("submit", "public"),
        ("request_info", "reporter"),
    ]
    text = json.dumps(body, ensure_ascii=False)
    assert "Nguyễn Văn An" not in text and "0912345678" not in text  # not even to the secret's holder


def test_a_wrong_or_missing_secret_is_401(api, org, submit):
    submit(now=at("2026-03-02 08:00"))
    assert api.get(f"{API}/my/report").status_code == 401
    assert api.get(f"{API}/my/report", **secret_headers("not-the-secret")).status_code == 401


def test_the_reporter_supplements_with_fields_and_a_photo_and_the_report_returns_to_triage(api, org, submit):
    """R-7.2b: within the hour, the supplement moves it back to the IOC."""
    sub = submit(area=None, address_text="", reporter_address="", allow_incomplete=True)
    services.report_request_info(report=sub.report, actor=org.operator, note="Địa chỉ ở đâu?")
    response = api.post(
        f"{API}/my/report/supplement",
        {
            "note": "Cạnh cột điện số 12",
            "reporter_address": "Số 5 Bà Triệu",
            "area": "5977",
            "media": [jpeg()],
        },
        **secret_headers(sub.secret),
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "received" and response.json()["allowed_actions"] == []
    sub.report.refresh_from_db()
    assert sub.report.reporter_address == "Số 5 Bà Triệu" and sub.report.area == org.commune_area
    supplement = Attachment.objects.get(report=sub.report).event
    assert supplement.action == "supplement" and "Cạnh cột điện số 12" in supplement.note
    assert "Cạnh cột điện số 12" not in sub.report.content  # the supplement stays off the public content


def test_an_empty_supplement_names_the_note_field(api, org, submit):
    sub = submit()
    services.report_request_info(report=sub.report, actor=org.operator, note="Thiếu vị trí.")
    response = api.post(f"{API}/my/report/supplement", {}, **secret_headers(sub.secret))
    assert response.status_code == 422 and field_errors(response) == {
        "note": "Vui lòng nhập thông tin bổ sung."
    }


def test_supplementing_when_nothing_was_asked_is_a_409(api, org, submit):
    sub = submit()
    response = api.post(f"{API}/my/report/supplement", {"note": "Thêm"}, **secret_headers(sub.secret))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert "Chờ tiếp nhận" in response.json()["detail"]


def _resolved(org, submit):
    sub = submit(now=at("2026-03-02 08:00"))
    report = sub.report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:10"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 08:20")
    )
    services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã thu gom rác.", now=at("2026-03-02 10:00")
    )
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-02 10:30"))
    return sub


def test_after_the_result_the_reporter_asks_for_clarification_and_reads_the_answer(api, org, submit):
    """R-8.1, R-8.2: the thread of messages."""
    sub = _resolved(org, submit)
    asked = post_json(
        api, "/my/report/messages", {"text": "Khi nào thu gom định kỳ?"}, **secret_headers(sub.secret)
    )
    assert asked.status_code == 201 and asked.json()["sender"] == "reporter"
    sub.report.refresh_from_db()
    services.report_clarify(report=sub.report, actor=org.commune_leader, note="Hằng ngày lúc 6 giờ.")
    thread = api.get(f"{API}/my/report/messages", **secret_headers(sub.secret)).json()
    assert [(m["sender"], m["action"], m["text"]) for m in thread] == [
        ("agency", "approve", "Đã thu gom rác."),
        ("reporter", "reply", "Khi nào thu gom định kỳ?"),
        ("agency", "clarify", "Hằng ngày lúc 6 giờ."),
    ]


def test_a_message_before_the_result_is_refused(api, org, submit):
    sub = submit()
    response = post_json(api, "/my/report/messages", {"text": "Sao lâu thế?"}, **secret_headers(sub.secret))
    assert response.status_code == 409


def test_the_reporter_rates_the_result_once(api, org, submit):
    """R-8.3: satisfied, acceptable or unsatisfied — once."""
    sub = _resolved(org, submit)
    rated = post_json(api, "/my/report/rating", {"rating": "acceptable"}, **secret_headers(sub.secret))
    assert rated.status_code == 200 and rated.json()["rating"] == "acceptable"
    assert rated.json()["allowed_actions"] == ["reply"]
    again = post_json(api, "/my/report/rating", {"rating": "satisfied"}, **secret_headers(sub.secret))
    assert again.status_code == 409 and again.json()["detail"] == "Phản ánh này đã được đánh giá."
    invalid = post_json(api, "/my/report/rating", {"rating": "great"}, **secret_headers(sub.secret))
    assert invalid.status_code == 422 and "rating" in field_errors(invalid)
    sub.report.refresh_from_db()
    assert sub.report.rating == "acceptable" and sub.report.state == State.RESOLVED
