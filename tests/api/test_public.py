"""The citizens' side of the API: reference data, submission with media, the public record (R-6.2, R-9.2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine

from pakn.reports import services
from pakn.reports.models import Attachment, Channel, Report, State
from tests.api.conftest import API, PROBLEM, field_errors, jpeg, submission_form
from tests.conftest import at


def test_categories_lists_the_active_categories_in_order(api, org):
    """R-6.1: the seven categories, as data."""
    response = api.get(f"{API}/categories")
    assert response.status_code == 200
    codes = [c["code"] for c in response.json()]
    assert "ve-sinh-moi-truong" in codes and len(codes) == 7


def test_areas_can_be_filtered_to_communes(api, org):
    """R-7.6: the 2025 data has 65 communes and wards under the province."""
    communes = api.get(f"{API}/areas", {"kind": "commune"}).json()
    assert len(communes) == 65
    assert {"code": "5977", "name": "Phường Đông Kinh"}.items() <= next(
        a for a in communes if a["code"] == "5977"
    ).items()
    province = api.get(f"{API}/areas", {"kind": "province"}).json()[0]
    assert len(api.get(f"{API}/areas", {"parent": province["code"]}).json()) == 65


def test_submitting_a_complete_report_with_a_photo_creates_it_on_the_app_channel(api, org):
    """R-5.1, R-7.1: the report enters triage at the IOC; the secret is returned once; media stored."""
    response = api.post(f"{API}/reports", {**submission_form(), "media": [jpeg()]})
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(tracking_code=body["tracking_code"])
    assert report.channel == Channel.APP and report.state == State.RECEIVED and report.agency == org.ioc
    assert report.reporter_name == "Nguyễn Văn An" and report.area == org.commune_area
    assert services.report_for_secret(body["secret"]) == report
    assert body["attachments"] == 1 and body["state_label"] == "Chờ tiếp nhận"
    attachment = Attachment.objects.get(report=report)
    assert attachment.kind == "image" and attachment.public_file and attachment.uploaded_by_reporter


def test_an_integration_may_submit_on_the_api_channel(api, org):
    response = api.post(f"{API}/reports", submission_form(channel="api"))
    assert Report.objects.get(tracking_code=response.json()["tracking_code"]).channel == Channel.API


def test_missing_r51_fields_are_refused_with_vietnamese_messages_naming_each_field(api, org):
    """R-5.1, R-5.2: every missing field is named; nothing is created."""
    form = submission_form(reporter_phone="", reporter_id_number="123", declared_truthful=False)
    response = api.post(f"{API}/reports", form)
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_error" and body["title"] == "Dữ liệu không hợp lệ"
    errors = field_errors(response)
    assert errors["reporter_phone"] == "Vui lòng nhập số điện thoại."
    assert errors["reporter_id_number"] == "Số định danh cá nhân gồm 12 chữ số."
    assert "Điều 5 Quy chế" in errors["declared_truthful"]  # the regulation's words, not an internal id
    assert not Report.objects.exists()


def test_schema_errors_are_in_vietnamese_and_name_the_field(api, org):
    response = api.post(f"{API}/reports", submission_form(latitude="bắc", content=""))
    assert response.status_code == 422
    errors = field_errors(response)
    assert errors["latitude"] == "Phải là số."
    assert errors["content"] == "Vui lòng nhập nội dung."


def test_an_unknown_category_or_commune_is_a_field_error(api, org):
    response = api.post(f"{API}/reports", submission_form(category="khong-co", area="0000"))
    assert response.status_code == 422
    assert set(field_errors(response)) == {"category"}
    response = api.post(f"{API}/reports", submission_form(area="0000"))
    assert field_errors(response) == {"area": "Không có xã, phường đang dùng với mã này."}


def test_a_file_that_is_not_media_refuses_the_whole_submission(api, org):
    """Type from the bytes, not the name: nothing is stored, the client can correct and resend."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not an image at all", content_type="image/jpeg")
    response = api.post(f"{API}/reports", {**submission_form(), "media": [jpeg(), fake]})
    assert response.status_code == 422
    assert "không phải ảnh, video hoặc ghi âm" in field_errors(response)["media"]
    assert not Report.objects.exists() and not Attachment.objects.exists()


def test_a_barred_reporter_is_refused_with_403(api, org, submit):
    """R-15.2: the reporter's phone was barred after repeated abusive reports."""
    from pakn.reports.models import ReporterBan

    sub = submit(now=at("2026-03-02 08:00"))
    ReporterBan.objects.create(phone_hash=sub.report.phone_hash, reason="Lợi dụng", created_by=org.operator)
    response = api.post(f"{API}/reports", submission_form())
    assert response.status_code == 403 and response.json()["code"] == "reporter_barred"


def _public_texts(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


PLANTED = {
    "reporter_name": "Vi Thị Đặcbiệt",
    "reporter_address": "Số 999 ngõ Bímật",
    "reporter_phone": "0987654321",
    "reporter_id_number": "020987654321",
    "reporter_email": "dacbiet@example.vn",
}


def test_public_list_and_detail_never_carry_personal_data(api, org, submit):
    """R-3.2, R-9.2: planted names, addresses, phones, ID numbers and e-mails appear nowhere."""
    report = submit(now=at("2026-03-02 08:00"), **PLANTED).report
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 08:10"))
    listing = api.get(f"{API}/reports")
    detail = api.get(f"{API}/reports/{report.tracking_code}")
    assert listing.status_code == detail.status_code == 200
    for text in (_public_texts(listing), _public_texts(detail)):
        assert report.tracking_code in text
        for value in ("Đặcbiệt", "Bímật", "987654321", "020987654321", "dacbiet@"):
            assert value not in text
    assert [e["action"] for e in detail.json()["timeline"]] == ["submit", "forward"]


def test_state_secret_and_abusive_reports_are_not_public(api, org, submit):
    """R-9.2: a state secret is absent from the list and its detail is 404 (same as not existing)."""
    secret = submit(now=at("2026-03-02 08:00")).report
    abusive = submit(now=at("2026-03-02 08:05")).report
    shown = submit(now=at("2026-03-02 08:10")).report
    services.report_mark(report=secret, actor=org.operator, mark="state_secret", now=at("2026-03-02 09:00"))
    services.report_mark(report=abusive, actor=org.operator, mark="abusive", now=at("2026-03-02 09:00"))
    codes = [r["tracking_code"] for r in api.get(f"{API}/reports").json()["items"]]
    assert codes == [shown.tracking_code]
    response = api.get(f"{API}/reports/{secret.tracking_code}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_public_list_pages_by_cursor_without_gaps_or_repeats(api, org, submit):
    """Keyset pagination: newest first; a report arriving meanwhile does not shift the pages."""
    made = [submit(now=at(f"2026-03-02 08:0{i}")).report.tracking_code for i in range(5)]
    first = api.get(f"{API}/reports", {"limit": 2}).json()
    assert [r["tracking_code"] for r in first["items"]] == made[::-1][:2]
    submit(now=at("2026-03-02 09:00"))  # newer: must not appear on later pages
    seen = [r["tracking_code"] for r in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"{API}/reports", {"limit": 2, "cursor": cursor}).json()
        seen += [r["tracking_code"] for r in page["items"]]
        cursor = page["next_cursor"]
    assert seen == made[::-1]


def test_a_broken_cursor_is_a_field_error(api, org):
    response = api.get(f"{API}/reports", {"cursor": "not-a-cursor"})
    assert response.status_code == 422 and field_errors(response) == {
        "cursor": "Con trỏ phân trang không hợp lệ."
    }


def test_the_public_list_filters_by_category_area_status_and_words(api, org, submit):
    a = submit(now=at("2026-03-02 08:00"), content="Cống thoát nước bị tắc ở chợ").report
    services.report_forward(
        report=a, actor=org.operator, now=at("2026-03-02 08:15")
    )  # its text is public now
    b = submit(
        now=at("2026-03-02 08:05"), category=org.departments[0].categories.first() or org.category
    ).report
    c = submit(now=at("2026-03-02 08:10"), area=None, address_text="Ngõ 3").report
    services.report_reject(report=c, actor=org.operator, reason_code="duplicate", now=at("2026-03-02 08:20"))

    def codes(**params):
        return {r["tracking_code"] for r in api.get(f"{API}/reports", params).json()["items"]}

    assert codes(q="cống tắc") == {a.tracking_code}
    assert codes(q="cong TAC") == {a.tracking_code}  # the one public search: any case, no diacritics needed
    assert codes(area="5977") == {a.tracking_code, b.tracking_code}
    assert codes(status="closed") == {c.tracking_code} == codes(state="rejected")
    assert codes(category=a.category.code) >= {a.tracking_code}


def test_public_reads_are_rate_limited_per_address_with_retry_after(api, org, settings):
    """R-6.4 open to all, but not to floods: 429 with Retry-After."""
    settings.PAKN_API_RATES = {"read": (3, 60)}
    for _ in range(3):
        assert api.get(f"{API}/categories").status_code == 200
    response = api.get(f"{API}/categories")
    assert response.status_code == 429 and response["Content-Type"] == PROBLEM
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["code"] == "rate_limited"
    other = api.get(f"{API}/categories", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_submissions_have_their_own_tighter_limit(api, org, settings):
    settings.PAKN_API_RATES = {"submit": (1, 600)}
    # At the start of a 10-minute window, so Retry-After is the whole window whatever the real clock says.
    with time_machine.travel(datetime(2026, 3, 2, 1, 0, 5, tzinfo=UTC), tick=False):
        assert api.post(f"{API}/reports", submission_form()).status_code == 201
        response = api.post(f"{API}/reports", submission_form())
    assert response.status_code == 429 and int(response["Retry-After"]) > 60
    assert Report.objects.count() == 1


@pytest.mark.parametrize("code", ["k7mp4qx9", "K7MP 4QX9"])
def test_an_unknown_tracking_code_is_404_in_any_spelling(api, org, code):
    response = api.get(f"{API}/reports/{code}")
    assert response.status_code == 404 and response.json()["title"] == "Không tìm thấy"


def test_the_public_list_takes_a_fixed_number_of_queries(api, org, submit, django_assert_max_num_queries):
    """No N+1: reports with their category, area, agency and public media in a few queries."""
    for i in range(6):
        submit(now=at(f"2026-03-02 08:0{i}"))
    with django_assert_max_num_queries(4):
        assert len(api.get(f"{API}/reports").json()["items"]) == 6
