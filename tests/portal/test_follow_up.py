"""The reporter's private page (R-7.2b supplement, R-8.1 clarification, R-8.3 rating)."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from pakn.reports import services
from pakn.reports.models import Event, State
from tests.conftest import VALID, at, page_text
from tests.portal.conftest import jpeg_upload


def url(name, secret):
    return reverse(f"portal:{name}", args=[secret])


def test_the_private_page_shows_the_report_and_its_timeline_but_no_personal_values(client, reports):
    report, secret = reports.awaiting_info(now=at("2026-03-02 08:00"))
    with time_machine.travel(at("2026-03-02 08:20"), tick=False):
        response = client.get(url("follow_up", secret))
    assert response.status_code == 200
    html = response.content.decode()
    assert report.tracking_code in html and VALID["content"] in html
    assert "Chờ bổ sung thông tin" in html
    assert "Đề nghị bổ sung số nhà cụ thể." in html  # the IOC's request, addressed to the reporter
    assert "Bạn còn <strong>50 phút</strong>" in html  # 1 hour from the request at 08:10
    for value in (
        VALID["reporter_name"],
        VALID["reporter_phone"],
        "+84912345678",
        VALID["reporter_id_number"],
        VALID["reporter_address"],
    ):
        assert value not in html
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_wrong_secret_is_not_found(client, db):
    response = client.get(url("follow_up", "x" * 32))
    assert response.status_code == 404 and "Liên kết không đúng" in response.content.decode()
    assert response["Cache-Control"] == "no-store, private"
    assert client.get(url("follow_up", "short")).status_code == 404
    assert client.post(url("follow_up_rate", "x" * 32), {"rating": "satisfied"}).status_code == 404


def test_internal_notes_never_reach_the_private_page(client, org, reports):
    report, secret = reports.routed()
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 09:00")
    )
    services.report_mark(report=report, actor=org.operator, mark="valuable", note="Ghi chú nội bộ XYZ")
    response = client.get(url("follow_up", secret))
    assert "Ghi chú nội bộ XYZ" not in response.content.decode()


def test_the_reporter_supplements_with_a_note_a_field_and_a_photo(client, org, reports):
    """R-7.2b: within the hour, the supplement returns the report to the IOC's triage."""
    report, secret = reports.awaiting_info(now=at("2026-03-02 08:00"))
    with time_machine.travel(at("2026-03-02 08:30"), tick=False):
        response = client.post(
            url("follow_up_supplement", secret),
            {
                "note": "Trước số nhà 25, cạnh cột điện.",
                "address_text": "Số 25 Trần Đăng Ninh",
                "attachments": [jpeg_upload("so-nha.jpg")],
            },
        )
    assert response.status_code == 302 and response["Location"] == url("follow_up", secret)
    report.refresh_from_db()
    assert report.state == State.RECEIVED and report.address_text == "Số 25 Trần Đăng Ninh"
    supplement = report.events.get(action="supplement")
    assert supplement.note == "Trước số nhà 25, cạnh cột điện."  # on the timeline, not in the public content
    assert supplement.actor_kind == Event.ActorKind.REPORTER
    assert report.attachments.get().event == supplement
    with time_machine.travel(at("2026-03-02 08:31"), tick=False):
        page = client.get(url("follow_up", secret)).content.decode()
        public = client.get(reverse("portal:detail", args=[report.tracking_code])).content.decode()
    assert "Đã gửi thông tin bổ sung" in page and "Trước số nhà 25, cạnh cột điện." in page
    assert "Trước số nhà 25, cạnh cột điện." not in public


def test_a_supplement_with_nothing_in_it_is_refused_beside_the_note(client, reports):
    _report, secret = reports.awaiting_info(now=at("2026-03-02 08:00"))
    with time_machine.travel(at("2026-03-02 08:30"), tick=False):
        response = client.post(url("follow_up_supplement", secret), {"note": "  "})
    assert response.status_code == 400
    assert response.context["supplement_form"].errors["note"] == ["Vui lòng nhập thông tin bổ sung."]


def test_a_bad_phone_in_the_supplement_is_refused_and_the_note_kept(client, reports):
    report, secret = reports.awaiting_info(now=at("2026-03-02 08:00"))
    with time_machine.travel(at("2026-03-02 08:30"), tick=False):
        response = client.post(
            url("follow_up_supplement", secret), {"note": "Ghi chú giữ lại", "reporter_phone": "123"}
        )
    assert response.status_code == 400
    assert "Số điện thoại không hợp lệ" in response.context["supplement_form"].errors["reporter_phone"][0]
    assert "Ghi chú giữ lại" in response.content.decode()
    report.refresh_from_db()
    assert report.state == State.AWAITING_INFO


def test_a_supplement_after_the_hour_is_refused_with_the_reason(client, reports):
    _report, secret = reports.awaiting_info(now=at("2026-03-02 08:00"))
    with time_machine.travel(at("2026-03-02 09:30"), tick=False):
        page = client.get(url("follow_up", secret)).content.decode()
        response = client.post(url("follow_up_supplement", secret), {"note": "Muộn"})
    assert "Đã hết thời hạn bổ sung" in page
    assert response.status_code == 409
    assert "quá thời hạn 01 giờ" in response.context["action_error"]


def test_no_supplement_form_unless_the_report_awaits_information(client, reports):
    _report, secret = reports.routed()
    assert 'action="' + url("follow_up_supplement", secret) not in page_text(
        client.get(url("follow_up", secret))
    )
    response = client.post(url("follow_up_supplement", secret), {"note": "Thêm"})
    assert response.status_code == 409
    assert "Không thể «Bổ sung thông tin»" in response.context["action_error"]


def test_the_reporter_asks_for_clarification_and_sees_the_answer(client, org, reports):
    """R-8.1, R-8.2: the thread of questions and answers on the private page."""
    report, secret = reports.resolved()
    response = client.post(url("follow_up_reply", secret), {"note": "Khi nào lắp biển?"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.clarification_pending
    services.report_clarify(report=report, actor=org.commune_leader, note="Trong tuần này.")
    html = client.get(url("follow_up", secret)).content.decode()
    assert "Khi nào lắp biển?" in html and "Trong tuần này." in html
    assert "Đã dọn sạch rác" in html  # the result


def test_an_empty_clarification_request_is_refused_beside_the_field(client, reports):
    _report, secret = reports.resolved()
    response = client.post(url("follow_up_reply", secret), {"note": ""})
    assert response.status_code == 400
    assert response.context["reply_form"].errors["note"] == ["Vui lòng nhập nội dung cần làm rõ."]


def test_the_reporter_rates_the_result_once(client, reports):
    """R-8.3: satisfied, acceptable or unsatisfied; a second rating is refused."""
    report, secret = reports.resolved()
    html = client.get(url("follow_up", secret)).content.decode()
    assert 'value="satisfied"' in html and 'value="acceptable"' in html and 'value="unsatisfied"' in html
    assert client.post(url("follow_up_rate", secret), {"rating": "acceptable"}).status_code == 302
    report.refresh_from_db()
    assert report.rating == "acceptable"
    html = client.get(url("follow_up", secret)).content.decode()
    assert "Bạn đã đánh giá: <strong>Chấp nhận được</strong>" in html
    again = client.post(url("follow_up_rate", secret), {"rating": "satisfied"})
    assert again.status_code == 409 and "đã được đánh giá" in again.context["action_error"]


def test_a_rating_must_be_one_of_the_three(client, reports):
    _report, secret = reports.resolved()
    response = client.post(url("follow_up_rate", secret), {"rating": "great"})
    assert response.status_code == 400
    assert "rating" in response.context["rating_form"].errors


def test_rating_before_the_result_is_refused(client, reports):
    _report, secret = reports.routed()
    response = client.post(url("follow_up_rate", secret), {"rating": "satisfied"})
    assert response.status_code == 409


def test_the_reporters_own_photo_is_served_as_its_clean_copy_on_the_private_page(client, reports):
    from tests.portal.conftest import add_photo, jpeg_bytes

    report, secret = reports.received()
    photo = add_photo(report, jpeg_bytes(artist="Le Van Privat", gps=True))
    response = client.get(reverse("portal:follow_up_photo", args=[secret, photo.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert b"Le Van Privat" not in body and b"Exif" not in body
    assert response["Cache-Control"] == "no-store, private"
    # Not yet public: the IOC has not accepted the report.
    assert (
        client.get(reverse("portal:public_media", args=[report.tracking_code, photo.pk])).status_code == 404
    )


def test_a_rejected_report_shows_the_reason_to_the_reporter(client, org, reports):
    """R-5.3: the reporter is told why."""
    report, secret = reports.received()
    services.report_reject(report=report, actor=org.operator, reason_code="complaint")
    html = client.get(url("follow_up", secret)).content.decode()
    assert "không được tiếp nhận" in html and "Luật Khiếu nại" in html
