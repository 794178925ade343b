"""A report's public page (R-9.2): its public timeline with deadlines met or missed, the result and photos."""

from __future__ import annotations

import io

import time_machine
from django.urls import reverse
from PIL import Image

from pakn.reports import services
from pakn.reports.media import attachment_add
from tests.conftest import at
from tests.portal.conftest import add_photo, jpeg_bytes, jpeg_upload


def page(client, report, when="2026-03-02 16:00"):
    with time_machine.travel(at(when), tick=False):
        return client.get(reverse("portal:detail", args=[report.tracking_code]))


def test_the_public_timeline_shows_who_did_what_with_each_deadline_and_whether_it_was_met(
    client, org, reports
):
    """R-9.2: received, routed, handled (assigned) and approved, by which agency, deadlines and on-time marks."""
    report, _ = reports.resolved(now=at("2026-03-02 08:00"))
    response = page(client, report)
    assert response.status_code == 200
    assert "portal/detail.html" in [t.name for t in response.templates]
    actions = [e["action"] for e in response.context["timeline"]]
    assert actions == ["submit", "forward", "assign", "report_result", "approve"]
    html = response.content.decode()
    assert "Gửi phản ánh" in html and "Chuyển xử lý" in html and "Phân công xử lý" in html
    assert f"Chuyển đến: {org.commune.name}" in html
    assert "Bước «Kiểm tra, chuyển xử lý (IOC)», hạn 09:00 02/03/2026:" in html
    assert html.count("✓ đúng hạn") == 3  # triage, assign, the officer's result (approval: a target only)
    assert "Đã dọn sạch rác và lắp biển cấm đổ rác." in html  # the approved result
    assert "Đã xử lý" in html


def test_a_missed_deadline_is_shown_as_late(client, org, reports):
    report, _ = reports.received(now=at("2026-03-02 08:00"))
    services.report_forward(report=report, actor=org.operator, now=at("2026-03-02 10:00"))  # due 09:00
    html = page(client, report, "2026-03-02 10:30").content.decode()
    assert "✗ trễ hạn" in html


def test_an_open_report_shows_its_current_step_and_whether_it_is_overdue(client, reports):
    report, _ = reports.received(now=at("2026-03-02 08:00"))
    html = page(client, report, "2026-03-02 09:30").content.decode()
    assert "Bước hiện tại" in html and "hạn 09:00 02/03/2026" in html and "Đang quá hạn" in html


def test_internal_entries_and_non_public_notes_never_show(client, org, reports):
    """The officer's unapproved result, reassignments and marks are internal; the IOC's note asking the
    reporter for information is for the reporter only."""
    report, _ = reports.awaiting_info(now=at("2026-03-02 08:00"))
    html = page(client, report, "2026-03-02 08:20").content.decode()
    assert "Đề nghị bổ sung thông tin" in html  # the step is public
    assert "Đề nghị bổ sung số nhà cụ thể." not in html  # its note is not

    done, _ = reports.routed(now=at("2026-03-03 08:00"))
    services.report_assign(
        report=done, actor=org.commune_leader, officer=org.officer, now=at("2026-03-03 09:00")
    )
    services.report_act(
        action="reassign",
        report=done,
        actor=org.commune_leader,
        officer=org.officer2,
        note="Lý do nội bộ QWERTY",
        now=at("2026-03-03 09:10"),
    )
    services.report_submit_result(
        report=done, actor=org.officer2, result_text="Bản nháp kết quả ZXCV", now=at("2026-03-03 10:00")
    )
    services.report_mark(report=done, actor=org.operator, mark="valuable", note="Khen thưởng nội bộ")
    html = page(client, done, "2026-03-03 10:30").content.decode()
    assert "QWERTY" not in html and "ZXCV" not in html and "Khen thưởng nội bộ" not in html
    assert "Phân công lại" not in html and "Báo cáo kết quả" not in html


def test_a_state_secret_or_abusive_report_does_not_exist_publicly(client, org, reports):
    for mark in ("state_secret", "abusive"):
        report, _ = reports.received()
        services.report_mark(report=report, actor=org.operator, mark=mark)
        response = client.get(reverse("portal:detail", args=[report.tracking_code]))
        assert response.status_code == 404
        assert "Không tìm thấy phản ánh" in response.content.decode()


def test_an_unknown_code_is_a_friendly_404(client, db):
    response = client.get(reverse("portal:detail", args=["ZZZZ-ZZZZ"]))
    assert response.status_code == 404 and "portal/not_found.html" in [t.name for t in response.templates]


def test_numbers_that_look_like_phones_or_ids_are_masked_in_public_text(client, reports):
    report, _ = reports.routed(content="Gọi tôi 0987 654 321 hoặc CCCD 020123456789, nhà số 25.")
    html = page(client, report).content.decode()
    assert "0987 654 321" not in html and "020123456789" not in html
    assert html.count("[số đã ẩn]") == 2 and "nhà số 25" in html


def test_scene_photos_are_public_once_the_ioc_accepted_the_report(client, org, reports):
    report, _ = reports.received()
    photo = add_photo(report, jpeg_bytes())
    photo_url = reverse("portal:public_media", args=[report.tracking_code, photo.pk])
    assert client.get(photo_url).status_code == 404
    assert photo_url not in page(client, report).content.decode()
    services.report_forward(report=report, actor=org.operator)
    assert photo_url in page(client, report).content.decode()
    assert client.get(photo_url).status_code == 200


def test_result_photos_are_public_only_with_the_approved_result(client, org, reports):
    report, _ = reports.routed(now=at("2026-03-02 08:00"))
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 09:00")
    )
    event = services.report_submit_result(
        report=report, actor=org.officer, result_text="Đã xử lý xong.", now=at("2026-03-02 14:00")
    )
    photo = attachment_add(
        report=report,
        upload=jpeg_upload("ket-qua.jpg"),
        by_reporter=False,
        event=event,
        uploaded_by=org.officer,
    )
    photo_url = reverse("portal:public_media", args=[report.tracking_code, photo.pk])
    assert client.get(photo_url).status_code == 404  # awaiting the leader's approval
    services.report_approve(report=report, actor=org.commune_leader, now=at("2026-03-02 15:00"))
    response = page(client, report)
    assert [p.pk for p in response.context["result_photos"]] == [photo.pk]
    assert client.get(photo_url).status_code == 200


def test_the_small_copy_is_smaller_and_clean_and_other_sizes_do_not_exist(client, org, reports):
    report, _ = reports.routed()
    photo = add_photo(report, jpeg_bytes(artist="Nguyen Thumb", gps=True, size=(1600, 1200)))
    small = client.get(reverse("portal:photo_sized", args=[report.tracking_code, photo.pk, "nho"]))
    assert small.status_code == 200
    body = b"".join(small.streaming_content)
    with Image.open(io.BytesIO(body)) as img:
        assert max(img.size) == 480 and not img.getexif()
    assert b"Nguyen Thumb" not in body
    again = client.get(reverse("portal:photo_sized", args=[report.tracking_code, photo.pk, "nho"]))
    assert b"".join(again.streaming_content) == body  # made once, then served
    assert (
        client.get(reverse("portal:photo_sized", args=[report.tracking_code, photo.pk, "goc"])).status_code
        == 404
    )


def test_a_photo_is_only_served_under_its_own_report(client, org, reports):
    first, _ = reports.routed()
    second, _ = reports.routed()
    photo = add_photo(first, jpeg_bytes())
    assert (
        client.get(reverse("portal:public_media", args=[second.tracking_code, photo.pk])).status_code == 404
    )


def test_a_photo_of_a_report_later_marked_secret_is_no_longer_served(client, org, reports):
    report, _ = reports.routed()
    photo = add_photo(report, jpeg_bytes())
    photo_url = reverse("portal:public_media", args=[report.tracking_code, photo.pk])
    assert client.get(photo_url).status_code == 200
    services.report_mark(report=report, actor=org.operator, mark="state_secret")
    assert client.get(photo_url).status_code == 404


def test_the_detail_page_reads_a_bounded_number_of_queries(client, reports, django_assert_max_num_queries):
    report, _ = reports.resolved()
    for _ in range(3):
        add_photo(report, jpeg_bytes())
    with django_assert_max_num_queries(8):
        response = page(client, report)
    assert len(response.context["scene_photos"]) == 3


def test_the_public_timeline_shows_no_code_and_names_who_rated(client, org, reports):
    """R-9.2, R-8.3: every entry reads in words (the officer's report is "Cán bộ báo cáo kết quả xử lý", never
    `report_result`); the rating is the reporter's, of the ward's result, not the ward's own rating. Resolved
    on Friday 6 March 2026 afternoon, rated on Saturday."""
    from pakn.reports.workflow import ReporterActor

    report, _ = reports.resolved(now=at("2026-03-06 13:30"))
    services.report_rate(
        report=report, actor=ReporterActor(report.pk), rating="satisfied", now=at("2026-03-07 09:00")
    )
    html = page(client, report, "2026-03-07 10:00").content.decode()
    timeline = html[
        html.index('<ol class="timeline">') : html.index("</ol>", html.index('<ol class="timeline">'))
    ]
    for code in ("report_result", "approve", "rate", "handle", "assign", "triage"):
        assert f">{code}<" not in timeline and f"«{code}»" not in timeline and f"{code} —" not in timeline
    assert "Cán bộ báo cáo kết quả xử lý" in timeline
    assert f"Người phản ánh đánh giá kết quả — kết quả của {org.commune.name}" in timeline
    assert f"Đánh giá kết quả — {org.commune.name}" not in timeline
