"""A case in the console (R-7, R-8.2, R-3.2): what it shows, and each action through its form — with errors
beside the fields, nothing typed lost, and a result from the field applied exactly once."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pakn.console.models import ClientSubmission, ResponseTemplate
from pakn.reports import services
from pakn.reports.models import Attachment, Event, OpinionRequest, Report, State
from pakn.reports.workflow import ReporterActor
from tests.console.conftest import Cases, assert_no_personal_data, signed_in

pytestmark = pytest.mark.django_db


def act(client, report: Report, action: str, data: dict | None = None, **extra):
    return client.post(reverse("console:case_action", args=[report.pk, action]), data or {}, **extra)


def jpeg(name: str = "anh.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (20, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def fresh(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


def test_the_case_page_shows_report_timeline_and_allowed_actions_only(org, cases: Cases):
    report = cases.in_progress()
    services.report_mark(report=report, actor=org.commune_leader, mark="complex")
    page = signed_in(org.officer).get(reverse("console:case", args=[report.pk]))
    text = page.content.decode()
    assert report.tracking_code in text and "ổ gà lớn" in text
    for label in ("Gửi phản ánh", "Chuyển xử lý", "Phân công xử lý", "Đánh dấu vụ việc phức tạp"):
        assert label in text  # the whole timeline, the internal entry too
    assert "Nội bộ" in text
    assert 'id="action-report_result"' in text  # the officer in charge reports the result
    assert 'id="action-assign"' not in text and 'id="action-approve"' not in text
    assert 'id="map"' in text and "21.853700" in text
    assert_no_personal_data(page.content)


def test_a_leader_sees_assign_escalate_reject_and_marks(org, cases: Cases):
    report = cases.routed()
    text = signed_in(org.commune_leader).get(reverse("console:case", args=[report.pk])).content.decode()
    for action in ("assign", "escalate", "reject", "mark_valuable", "mark_abusive"):
        assert f'id="action-{action}"' in text
    assert 'id="action-report_result"' not in text


def test_forward_suggests_the_commune_of_the_place(org, cases: Cases):
    """R-7.2a: the form proposes the People's Committee of the commune where it happened."""
    report = cases.received()
    client = signed_in(org.operator)
    text = client.get(reverse("console:case", args=[report.pk])).content.decode()
    assert f"Gợi ý theo địa điểm: {org.commune.name}" in text
    assert re.search(rf'<option value="{org.commune.pk}" selected>', text)
    response = act(
        client, report, "forward", {"forward-agency": org.commune.pk, "forward-note": "Chuyển xã."}
    )
    assert response.status_code == 302 and response["Location"] == f"/console/phan-anh/{report.pk}/"
    report = fresh(report)
    assert report.state == State.ROUTED and report.agency == org.commune
    follow = client.get(response["Location"])
    assert "Đã thực hiện: Chuyển xử lý." in follow.content.decode()


def test_an_error_is_shown_beside_its_field_and_nothing_typed_is_lost(org, cases: Cases):
    report = cases.received()
    response = act(
        signed_in(org.operator),
        report,
        "forward",
        {"forward-agency": "", "forward-note": "Ghi chú dài đã gõ"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_forward-agency_errors"' in text
    assert "Ghi chú dài đã gõ" in text
    assert re.search(r'<details class="c-action" id="action-forward" open>', text)
    assert fresh(report).state == State.RECEIVED


def test_a_service_error_names_its_field(org, cases: Cases):
    """ValidationError dicts from the services land beside the field they name."""
    report = cases.routed()
    response = act(signed_in(org.commune_leader), report, "escalate", {"escalate-note": "   "})
    assert response.status_code == 400
    assert re.search(r'id="id_escalate-note_errors"[^>]*><li>[^<]+</li>', response.content.decode())


def test_reject_needs_a_reason_for_other(org, cases: Cases):
    report = cases.received()
    client = signed_in(org.operator)
    response = act(client, report, "reject", {"reject-reason_code": "other", "reject-note": ""})
    assert response.status_code == 400 and "Vui lòng nêu lý do từ chối" in response.content.decode()
    response = act(client, report, "reject", {"reject-reason_code": "complaint"})
    assert response.status_code == 302
    assert fresh(report).state == State.REJECTED and "Luật Khiếu nại" in fresh(report).closed_reason


def test_assign_lists_officers_with_their_load(org, cases: Cases):
    cases.in_progress()  # officer has one case
    second_officer = org.officer2
    report = cases.routed()
    text = signed_in(org.commune_leader).get(reverse("console:case", args=[report.pk])).content.decode()
    assert f"{org.officer} — Cán bộ, 1 việc đang xử lý" in text
    assert f"{second_officer} — Cán bộ, 0 việc đang xử lý" in text
    response = act(signed_in(org.commune_leader), report, "assign", {"assign-officer": org.officer2.pk})
    assert response.status_code == 302 and fresh(report).assignee == org.officer2


def test_the_officer_reports_a_result_with_photos_and_the_leader_approves(org, cases: Cases):
    report = cases.in_progress()
    officer = signed_in(org.officer)
    response = act(
        officer,
        report,
        "report_result",
        {"report_result-result_text": "Đã vá ổ gà.", "report_result-photos": [jpeg("1.jpg"), jpeg("2.jpg")]},
    )
    assert response.status_code == 302
    report = fresh(report)
    assert report.state == State.AWAITING_APPROVAL
    event = Event.objects.get(report=report, action="report_result")
    photos = Attachment.objects.filter(report=report, event=event, uploaded_by_reporter=False)
    assert photos.count() == 2 and all(p.public_file for p in photos)
    leader = signed_in(org.commune_leader)
    page = leader.get(reverse("console:case", args=[report.pk])).content.decode()
    assert "Kết quả đang chờ duyệt" in page and "Đã vá ổ gà." in page
    assert (
        act(leader, report, "approve", {"approve-result_text": "Đã vá ổ gà, mặt đường an toàn."}).status_code
        == 302
    )
    report = fresh(report)
    assert report.state == State.RESOLVED and report.result_text == "Đã vá ổ gà, mặt đường an toàn."


def test_a_file_that_is_not_media_is_refused_beside_the_field(org, cases: Cases):
    report = cases.in_progress()
    bad = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = act(
        signed_in(org.officer),
        report,
        "report_result",
        {"report_result-result_text": "Kết quả đã gõ", "report_result-photos": [bad]},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "không phải ảnh, video hoặc ghi âm" in text and "Kết quả đã gõ" in text
    assert fresh(report).state == State.IN_PROGRESS and not Attachment.objects.exists()


def test_the_leader_returns_a_result_with_a_comment(org, cases: Cases):
    report = cases.awaiting_approval()
    leader = signed_in(org.commune_leader)
    assert act(leader, report, "return_result", {"return_result-note": ""}).status_code == 400
    assert act(leader, report, "return_result", {"return_result-note": "Bổ sung ảnh."}).status_code == 302
    assert fresh(report).state == State.IN_PROGRESS


def test_a_district_escalates_a_complex_case(org2022, cases2022: Cases):
    """R-7.4b: the district leader escalates with the complex mark; the commune's form has no such box."""
    report = cases2022.routed()
    commune_page = (
        signed_in(org2022.commune_leader).get(reverse("console:case", args=[report.pk])).content.decode()
    )
    assert "escalate-is_complex" not in commune_page
    act(signed_in(org2022.commune_leader), report, "escalate", {"escalate-note": "Vượt thẩm quyền xã."})
    report = fresh(report)
    assert report.agency == org2022.district and report.state == State.ROUTED
    district = signed_in(org2022.district_leader)
    assert "escalate-is_complex" in district.get(reverse("console:case", args=[report.pk])).content.decode()
    response = act(
        district, report, "escalate", {"escalate-note": "Cần sở phối hợp.", "escalate-is_complex": "on"}
    )
    assert response.status_code == 302
    report = fresh(report)
    assert report.agency == org2022.ioc and report.state == State.COORDINATING and report.is_complex


def test_the_province_asks_departments_collects_opinions_and_publishes(org, cases: Cases):
    report = cases.coordinating(ask=False)
    operator = signed_in(org.operator)
    d1, d2 = org.departments[0], org.departments[1]
    assert (
        act(operator, report, "request_opinions", {"request_opinions-question": "Cho ý kiến."}).status_code
        == 400
    )
    response = act(
        operator,
        report,
        "request_opinions",
        {"request_opinions-departments": [d1.pk, d2.pk], "request_opinions-question": "Đề nghị cho ý kiến."},
    )
    assert response.status_code == 302
    assert OpinionRequest.objects.filter(report=report).count() == 2
    for i in (0, 1):
        dept = signed_in(org.specialist(i))
        assert (
            act(dept, report, "give_opinion", {"give_opinion-answer": f"Ý kiến của sở {i}."}).status_code
            == 302
        )
    page = operator.get(reverse("console:case", args=[report.pk])).content.decode()
    assert "Ý kiến của sở 0." in page and "Ý kiến của sở 1." in page
    response = act(
        operator, report, "publish_result", {"publish_result-result_text": "Đã thống nhất khắc phục."}
    )
    assert response.status_code == 302 and fresh(report).state == State.RESOLVED


def test_a_department_answers_once(org, cases: Cases):
    report = cases.coordinating()
    dept = signed_in(org.specialist(0))
    assert act(dept, report, "give_opinion", {"give_opinion-answer": "Đồng ý."}).status_code == 302
    again = act(dept, report, "give_opinion", {"give_opinion-answer": "Lần hai."})
    assert again.status_code == 403
    assert OpinionRequest.objects.get(report=report).answer == "Đồng ý."


def test_the_agency_answers_a_clarification_request(org, cases: Cases):
    """R-8.2: the reply appears in the exchange with the reporter; templates are offered."""
    ResponseTemplate.objects.create(
        purpose="clarify", title="Mẫu làm rõ", body="Xin trả lời: sẽ xong tuần sau."
    )
    report = cases.resolved()
    services.report_reply(report=report, actor=ReporterActor(report.pk), note="Bao giờ xong?")
    leader = signed_in(org.commune_leader)
    page = leader.get(reverse("console:case", args=[report.pk])).content.decode()
    assert "Trao đổi với người phản ánh" in page and "Bao giờ xong?" in page
    assert "Mẫu làm rõ" in page and 'data-template-target="id_clarify-note"' in page
    assert (
        act(leader, report, "clarify", {"clarify-note": "Xin trả lời: sẽ xong tuần sau."}).status_code == 302
    )
    report = fresh(report)
    assert not report.clarification_pending
    page = leader.get(reverse("console:case", args=[report.pk])).content.decode()
    assert "Xin trả lời: sẽ xong tuần sau." in page and 'id="action-clarify"' not in page


def test_response_templates_follow_the_category(org, cases: Cases):
    from pakn.org.models import Category

    other = Category.objects.exclude(pk=org.category.pk).first()
    ResponseTemplate.objects.create(purpose="result", title="Mẫu chung", body="Chung.")
    ResponseTemplate.objects.create(
        purpose="result", title="Mẫu môi trường", body="MT.", category=org.category
    )
    ResponseTemplate.objects.create(purpose="result", title="Mẫu lĩnh vực khác", body="Khác.", category=other)
    ResponseTemplate.objects.create(purpose="result", title="Mẫu đã tắt", body="Tắt.", is_active=False)
    report = cases.in_progress()
    page = signed_in(org.officer).get(reverse("console:case", args=[report.pk])).content.decode()
    assert "Mẫu chung" in page and "Mẫu môi trường" in page
    assert "Mẫu lĩnh vực khác" not in page and "Mẫu đã tắt" not in page


def test_marks_toggle_and_a_reporter_is_barred_after_repeated_abuse(org, cases: Cases, settings):
    """R-15.1, R-15.2: valuable and abusive marks; barring needs the threshold of abusive reports."""
    settings.PAKN_ABUSE_BAN_THRESHOLD = 2
    first = cases.routed()
    leader = signed_in(org.commune_leader)
    assert act(leader, first, "mark_valuable").status_code == 302 and fresh(first).is_valuable
    page = leader.get(reverse("console:case", args=[first.pk])).content.decode()
    assert "Bỏ đánh dấu có giá trị" in page
    assert act(leader, first, "mark_valuable").status_code == 302 and not fresh(first).is_valuable
    operator = signed_in(org.operator)
    assert act(operator, first, "mark_abusive").status_code == 302
    refused = act(operator, first, "bar_reporter", {"bar_reporter-note": "Nhiều lần sai sự thật."})
    assert refused.status_code == 400 and "hiện có 1" in refused.content.decode()
    second = cases.routed()
    act(operator, second, "mark_abusive")
    assert (
        act(operator, second, "bar_reporter", {"bar_reporter-note": "Nhiều lần sai sự thật."}).status_code
        == 302
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        cases.received()  # the same phone and ID may no longer submit


def test_a_case_changed_meanwhile_is_refused_with_a_message(org, cases: Cases):
    report = cases.routed()
    leader = signed_in(org.commune_leader)
    services.report_assign(report=fresh(report), actor=org.commune_leader, officer=org.officer)
    response = act(leader, report, "assign", {"assign-officer": org.officer2.pk})
    assert response.status_code == 409
    assert "Không thể «Phân công xử lý»" in response.content.decode()
    assert fresh(report).assignee == org.officer


# --- The field: a result sent again after the connection returned is applied once ---------------------


def test_a_result_sent_twice_with_the_same_client_key_is_applied_once(org, cases: Cases):
    report = cases.in_progress()
    officer = signed_in(org.officer)
    data = {
        "report_result-result_text": "Đã xử lý tại hiện trường.",
        "report_result-client_key": "7f9c2f4e-3a1b-4c55-9d1e-000000000001",
    }
    first = act(
        officer,
        report,
        "report_result",
        {**data, "report_result-photos": [jpeg()]},
        HTTP_ACCEPT="application/json",
    )
    assert first.status_code == 200
    body = json.loads(first.content)
    assert (
        body["ok"] is True and body["duplicate"] is False and body["url"] == f"/console/phan-anh/{report.pk}/"
    )
    again = act(
        officer,
        report,
        "report_result",
        {**data, "report_result-photos": [jpeg()]},
        HTTP_ACCEPT="application/json",
    )
    # The case has moved on (awaiting approval), but the same key is recognised before anything else:
    # the browser that lost the first answer is told it is done, not refused.
    assert again.status_code == 200
    assert json.loads(again.content) == {
        **body,
        "duplicate": True,
        "message": "Kết quả này đã được gửi trước đó; không gửi lại.",
    }
    assert Event.objects.filter(report=report, action="report_result").count() == 1
    assert Attachment.objects.filter(report=report).count() == 1
    assert ClientSubmission.objects.filter(key=data["report_result-client_key"]).count() == 1


def test_the_client_key_is_checked_before_the_state(org, cases: Cases):
    """A queued result arriving twice gets a success answer the second time, not an error."""
    from pakn.console.services import action_once

    report = cases.in_progress()
    calls = []

    def perform():
        calls.append(1)
        return services.report_submit_result(report=fresh(report), actor=org.officer, result_text="Xong.")

    one = action_once(key="k-1", user=org.officer, report=report, action="report_result", perform=perform)
    two = action_once(key="k-1", user=org.officer, report=report, action="report_result", perform=perform)
    assert len(calls) == 1 and not one.duplicate and two.duplicate and two.event == one.event


def test_json_answers_carry_field_errors(org, cases: Cases):
    report = cases.in_progress()
    response = act(
        signed_in(org.officer),
        report,
        "report_result",
        {"report_result-result_text": ""},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["ok"] is False and "result_text" in body["errors"]


def test_personal_data_reveal_through_htmx_returns_the_fragment(org, cases: Cases):
    from pakn.reports.models import PersonalDataAccess

    report = cases.in_progress()
    response = signed_in(org.officer).post(
        reverse("console:case_personal", args=[report.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text and "Trương Thị Kín Đáo" in text and "+84987654321" in text
    assert PersonalDataAccess.objects.filter(user=org.officer, report=report).count() == 1


def test_an_officer_on_a_phone_gets_directions_to_the_place(org, cases: Cases):
    """Issue 14.12: a directions link opens the phone's own map application at the report's point."""
    report = cases.in_progress()
    html = signed_in(org.officer).get(reverse("console:case", args=[report.pk])).content.decode()
    stored = fresh(report)
    lat, lng = str(stored.latitude), str(stored.longitude)
    assert f'href="geo:{lat},{lng}?q={lat},{lng}"' in html
    assert "Chỉ đường đến nơi xảy ra" in html
