"""Issue 10, item 6: staff attachments. A photo added by staff to a resolved case was public at once, with no
record of who added it. Now every attachment has an uploader and an event on the timeline, staff photos are
public only through an action that publishes them, and a department without the right to personal data gets
the stripped copy (R-3.2, R-9.2)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from pakn.reports import services
from pakn.reports.audit import verify_report
from pakn.reports.models import Attachment, Event, Report
from pakn.reports.public import public_media_by_report
from tests.api.conftest import bearer
from tests.console.conftest import Cases, signed_in

MAKER = "Camera-of-Officer-Nguyen"


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Any, settings: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cases(org: Any) -> Cases:
    return Cases(org)


def photo(name: str = "anh.jpg", colour: tuple[int, int, int] = (200, 30, 30)) -> SimpleUploadedFile:
    """A JPEG whose EXIF names the camera (metadata the public copy must not carry)."""
    exif = Image.Exif()
    exif[0x010F] = MAKER
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def public_ids(report: Report) -> list[int]:
    return [a.pk for a in public_media_by_report([report])[report.pk]]


def test_staff_attachment_added_to_a_resolved_case_is_not_public_at_once(cases, org):
    """The attack: an officer uploads through the API to a resolved case; it was public immediately."""
    report = cases.resolved()
    leader = cases.leader_of(report)
    response = Client().post(
        f"/api/v1/staff/cases/{report.pk}/attachments", {"media": [photo()]}, **bearer(leader)
    )
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(report=report)
    assert public_ids(report) == []
    assert (
        Client().get(reverse("portal:public_media", args=[report.tracking_code, attachment.pk])).status_code
        == 404
    )
    # Who added it, and an event on the timeline with the file's digest.
    assert attachment.uploaded_by == leader and attachment.uploaded_by_reporter is False
    event = attachment.event
    assert event.action == "attach_media" and event.actor == leader and event.visibility == "internal"
    assert event.data["files"] == [{"kind": "image", "sha256": attachment.sha256}]
    # Published through the action, recorded: then public.
    published = Client().post(
        f"/api/v1/staff/cases/{report.pk}/publish-media",
        {"attachments": [attachment.pk], "note": "Ảnh sau khi khắc phục."},
        content_type="application/json",
        **bearer(leader),
    )
    assert published.status_code == 200, published.content
    attachment.refresh_from_db()
    assert attachment.published_by_event.action == "publish_media"
    assert attachment.published_by_event.data == {"attachments": [attachment.pk]}
    assert public_ids(report) == [attachment.pk]
    assert verify_report(Report.objects.get(pk=report.pk)) is None


def test_result_photos_are_public_only_once_the_result_is_approved(cases, org):
    report = cases.in_progress()
    officer = cases.officer_of(report)
    response = signed_in(officer).post(
        reverse("console:case_action", args=[report.pk, "report_result"]),
        {"report_result-result_text": "Đã vá ổ gà.", "report_result-photos": [photo()]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(report=report)
    assert attachment.uploaded_by == officer and attachment.event.action == "report_result"
    assert public_ids(report) == []
    report.refresh_from_db()
    approval = services.report_approve(report=report, actor=cases.leader_of(report))
    assert approval.data["published_media"] == [attachment.pk]
    assert public_ids(report) == [attachment.pk]


def test_a_staff_photo_can_only_be_published_by_the_holding_agency_or_the_province(cases, org):
    report = cases.resolved()
    services.report_attach_media(report=report, actor=cases.leader_of(report), uploads=[photo()])
    attachment = Attachment.objects.get(report=report)
    from pakn.reports.workflow import ActionRefused

    with pytest.raises(ActionRefused):
        services.report_act(
            action="publish_media", report=report, actor=org.other_leader, attachments=[attachment.pk]
        )
    assert public_ids(report) == []


def test_department_without_the_right_gets_the_stripped_copy(cases, org):
    """A department asked for its opinion opens a reporter's photo: the copy without EXIF, never the original."""
    report = cases.coordinating()
    services.report_attach_media(report=report, actor=org.operator, uploads=[photo()])
    attachment = Attachment.objects.get(report=report)
    with attachment.file.open("rb") as f:
        assert MAKER.encode() in f.read()  # the original keeps it, for staff with the right
    specialist = org.specialist(0)
    console = signed_in(specialist).get(reverse("console:attachment", args=[attachment.pk]))
    assert console.status_code == 200
    body = b"".join(console.streaming_content)
    assert MAKER.encode() not in body and body.startswith(b"\xff\xd8")
    api = Client().get(f"/api/v1/staff/cases/{report.pk}/attachments/{attachment.pk}", **bearer(specialist))
    assert api.status_code == 200 and MAKER.encode() not in b"".join(api.streaming_content)
    operator = signed_in(org.operator).get(reverse("console:attachment", args=[attachment.pk]))
    assert MAKER.encode() in b"".join(operator.streaming_content)


def test_department_without_the_right_reads_the_public_copy_of_the_text(cases, org):
    report = cases.coordinating(content="Nhà tôi ở số 5, gọi 0912 345 678 để vào xem.")
    api = Client().get(f"/api/v1/staff/cases/{report.pk}", **bearer(org.specialist(0))).json()
    assert "0912 345 678" not in api["content"] and "Nhà tôi ở số 5" in api["content"]
    page = signed_in(org.specialist(0)).get(reverse("console:case", args=[report.pk])).content.decode()
    assert "0912 345 678" not in page
    operator = Client().get(f"/api/v1/staff/cases/{report.pk}", **bearer(org.operator)).json()
    assert "0912 345 678" in operator["content"]


# --- Redaction (item 4): text and a single photo, recorded ------------------------------------------------------


def test_staff_redact_the_public_text_and_keep_the_original(cases, org):
    """The reporter wrote a neighbour's name; the IOC redacts the public copy (FixMyStreet moderation)."""
    report = cases.routed(content="Ông Trần Văn Bảy ở số 7 đổ rác ra đường mỗi tối.")
    response = signed_in(org.operator).post(
        reverse("console:case_action", args=[report.pk, "redact_text"]),
        {
            "redact_text-content": "Có người đổ rác ra đường mỗi tối.",
            "redact_text-title": "",
            "redact_text-note": "Xóa họ tên người khác.",
        },
    )
    assert response.status_code == 302, response.content.decode()[-500:]
    report.refresh_from_db()
    assert report.content.startswith("Ông Trần Văn Bảy")  # the original, for staff with the right
    public = Client().get(reverse("portal:detail", args=[report.tracking_code])).content.decode()
    assert "Trần Văn Bảy" not in public and "Có người đổ rác" in public
    event = Event.objects.get(report=report, action="redact_text")
    assert event.actor == org.operator and event.note == "Xóa họ tên người khác."
    assert event.visibility == "internal" and event.data == {"fields": ["public_content"]}
    assert verify_report(report) is None
    Report.objects.filter(pk=report.pk).update(public_content="Ông Trần Văn Bảy đổ rác.")
    assert "public_content" in str(verify_report(Report.objects.get(pk=report.pk)))  # sealed too


def test_staff_redact_one_photo_and_keep_the_original(cases, org):
    report = cases.routed()
    services.report_attach_media(report=report, actor=cases.leader_of(report), uploads=[photo()])
    from pakn.reports.media import attachment_add

    reporter_photo = attachment_add(report=report, upload=photo("cua-dan.jpg", (0, 0, 250)), by_reporter=True)
    original = reporter_photo.file.read()
    url = reverse("portal:public_media", args=[report.tracking_code, reporter_photo.pk])
    assert Client().get(url).status_code == 200
    blurred = photo("che.jpg", (10, 250, 10))
    services.report_redact_photo(
        report=report,
        actor=org.operator,
        attachment=reporter_photo.pk,
        replacement=blurred,
        note="Che biển số xe.",
    )
    reporter_photo.refresh_from_db()
    assert reporter_photo.redacted is True
    with reporter_photo.file.open("rb") as f:
        assert f.read() == original
    served = b"".join(Client().get(url).streaming_content)
    with Image.open(io.BytesIO(served)) as img:
        assert img.getpixel((5, 5))[1] > 200  # the green replacement, not the blue original
    services.report_redact_photo(
        report=report, actor=org.operator, attachment=reporter_photo.pk, note="Gỡ ảnh."
    )
    assert Client().get(url).status_code == 404
    assert [e.action for e in report.events.filter(action="redact_photo")] == ["redact_photo"] * 2


def test_the_derived_console_form_and_api_endpoint_redact_a_photo(cases, org):
    """R-3.2: the spec's surfaces: the console replaces a photo (an image input), the API withdraws one."""
    report = cases.routed()
    from pakn.reports.media import attachment_add

    first = attachment_add(report=report, upload=photo("a.jpg", (0, 0, 250)), by_reporter=True)
    second = attachment_add(report=report, upload=photo("b.jpg", (0, 0, 250)), by_reporter=True)
    page = signed_in(org.operator).get(reverse("console:case", args=[report.pk])).content.decode()
    assert 'id="action-redact_photo"' in page and f'value="{first.pk}"' in page
    response = signed_in(org.operator).post(
        reverse("console:case_action", args=[report.pk, "redact_photo"]),
        {
            "redact_photo-attachment": str(first.pk),
            "redact_photo-replacement": photo("che.jpg", (10, 250, 10)),
            "redact_photo-note": "Che biển số xe.",
        },
    )
    assert response.status_code == 302, response.content.decode()[-500:]
    first.refresh_from_db()
    assert first.redacted is True and first.public_file
    event = Event.objects.get(report=report, action="redact_photo")
    assert event.data["attachment"] == first.pk and len(event.data["replacement_sha256"]) == 64
    api = Client().post(
        f"/api/v1/staff/cases/{report.pk}/redact-photo",
        {"attachment": second.pk, "note": "Gỡ ảnh có khuôn mặt."},
        content_type="application/json",
        **bearer(org.operator),
    )
    assert api.status_code == 200, api.content
    second.refresh_from_db()
    assert second.redacted is True and not second.public_file
    refused = Client().post(
        f"/api/v1/staff/cases/{report.pk}/redact-photo",
        {"attachment": second.pk, "note": "Gỡ."},
        content_type="application/json",
        **bearer(org.officer),
    )
    assert refused.status_code == 403
    assert report.events.filter(action="redact_photo").count() == 2


def test_the_derived_console_form_publishes_chosen_staff_photos(cases, org):
    """R-9.2: publish_media's check boxes list the staff photos not public yet; the chosen one is published."""
    report = cases.resolved()
    leader = cases.leader_of(report)
    services.report_attach_media(report=report, actor=leader, uploads=[photo("x.jpg")])
    waiting = Attachment.objects.get(report=report, uploaded_by_reporter=False, published_by_event=None)
    page = signed_in(leader).get(reverse("console:case", args=[report.pk])).content.decode()
    assert 'id="action-publish_media"' in page and f'value="{waiting.pk}"' in page
    response = signed_in(leader).post(
        reverse("console:case_action", args=[report.pk, "publish_media"]),
        {"publish_media-attachments": [str(waiting.pk)], "publish_media-note": ""},
    )
    assert response.status_code == 302, response.content.decode()[-500:]
    assert public_ids(report) == [waiting.pk]
