"""«Không hài lòng» asks why and offers to ask for clarification in the same flow (issue 14, item 10; R-8.1,
R-8.3). The rating stays an event (`rate`); the reason is read by the agency, never published."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pakn.notify.models import Kind, OutboxMessage
from pakn.reports import services
from pakn.reports.action_spec import Readers
from pakn.reports.models import Event, Rating, Report
from pakn.reports.selectors import note_readers, public_events
from pakn.reports.workflow import ReporterActor
from tests.api.conftest import API, bearer
from tests.conftest import page_text

WHY = "Ổ gà vá xong đã bong lại sau hai ngày mưa."


def url(name: str, secret: str) -> str:
    return reverse(f"portal:{name}", args=[secret])


def test_unsatisfied_without_a_reason_is_refused_and_nothing_is_recorded(reports):
    report, _secret = reports.resolved()
    with pytest.raises(ValidationError) as refused:
        services.report_rate(report=report, actor=ReporterActor(report.pk), rating=Rating.UNSATISFIED)
    assert refused.value.message_dict == {"note": ["Vui lòng cho biết vì sao bạn không hài lòng."]}
    report.refresh_from_db()
    assert report.rating == "" and not report.events.filter(action="rate").exists()


def test_the_reason_is_the_agencys_to_read_never_public(client, org, reports):
    report, secret = reports.resolved()
    event = services.report_rate(
        report=report, actor=ReporterActor(report.pk), rating=Rating.UNSATISFIED, note=WHY
    )
    assert event.action == "rate" and event.data == {"rating": "unsatisfied"} and event.note == WHY
    assert note_readers(event) == Readers.AGENCY
    report.refresh_from_db()
    assert report.rating == "unsatisfied" and not report.clarification_pending
    assert [e.note for e in public_events(report) if e.action == "rate"] == [""]
    public_page = page_text(client.get(f"/phan-anh/{report.tracking_code}/"))
    assert report.tracking_code in public_page and WHY not in public_page
    api_text = json.dumps(client.get(f"{API}/reports/{report.tracking_code}").json(), ensure_ascii=False)
    assert "Không hài lòng" in api_text or "unsatisfied" in api_text
    assert WHY not in api_text
    assert WHY in client.get(url("follow_up", secret)).content.decode()  # the reporter's own words
    case = client.get(f"{API}/staff/cases/{report.pk}", **bearer(org.commune_leader)).json()
    assert [(e["note"], e["note_readers"]) for e in case["timeline"] if e["action"] == "rate"] == [
        (WHY, "agency")
    ]


def test_asking_for_clarification_with_the_rating_opens_the_clarification_step(client, reports):
    """One submission: the `rate` event and the `reply` (R-8.1) with the same text; the agency is told."""
    report, secret = reports.resolved()
    response = client.post(
        url("follow_up_rate", secret),
        {"rating": "unsatisfied", "note": WHY, "ask_clarification": "on"},
    )
    assert response.status_code == 302
    report = Report.objects.get(pk=report.pk)
    assert report.rating == "unsatisfied" and report.clarification_pending and report.step == "clarify"
    rate, reply = report.events.order_by("-seq")[:2][::-1]
    assert (rate.action, reply.action) == ("rate", "reply")
    assert rate.data == {"rating": "unsatisfied", "clarification": True} and reply.note == WHY
    assert OutboxMessage.objects.filter(report=report, kind=Kind.CLARIFICATION_REQUESTED).exists()
    html = client.get(url("follow_up", secret)).content.decode()
    assert "Cơ quan xử lý đang chuẩn bị trả lời" in html and WHY in html


def test_the_form_refuses_unsatisfied_without_a_reason_beside_the_field(client, reports):
    report, secret = reports.resolved()
    html = client.get(url("follow_up", secret)).content.decode()
    assert "Vì sao bạn không hài lòng?" in html and "Đề nghị cơ quan xử lý làm rõ kết quả" in html
    assert "Chỉ cơ quan xử lý xem, không công khai." in html
    response = client.post(url("follow_up_rate", secret), {"rating": "unsatisfied", "note": "  "})
    assert response.status_code == 400
    assert response.context["rating_form"].errors["note"] == ["Vui lòng cho biết vì sao bạn không hài lòng."]
    assert not Event.objects.filter(report=report, action="rate").exists()


def test_other_ratings_need_no_reason(client, reports):
    report, secret = reports.resolved()
    assert client.post(url("follow_up_rate", secret), {"rating": "acceptable"}).status_code == 302
    report.refresh_from_db()
    assert report.rating == "acceptable" and not report.clarification_pending


def test_the_api_takes_the_reason_and_the_request_for_clarification(client, reports):
    _report, secret = reports.resolved()
    headers = {"HTTP_X_REPORT_SECRET": secret}

    def rate(**body: object) -> object:
        return client.post(
            f"{API}/my/report/rating", data=json.dumps(body), content_type="application/json", **headers
        )

    refused = rate(rating="unsatisfied")
    assert refused.status_code == 422
    assert "Vui lòng cho biết vì sao bạn không hài lòng." in refused.content.decode()
    done = rate(rating="unsatisfied", note=WHY, ask_clarification=True)
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["rating"] == "unsatisfied" and body["clarification_pending"] is True
    assert [e["action"] for e in body["timeline"]][-2:] == ["rate", "reply"]
