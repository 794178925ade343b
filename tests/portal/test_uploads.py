"""Files sent with a report (R-5.1 photos, video, audio): type from the bytes, size limits, EXIF-free public copies."""

from __future__ import annotations

import io
import uuid

import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pakn.portal.models import StashedUpload
from pakn.reports import services
from pakn.reports.models import Attachment, Report
from tests.conftest import at
from tests.portal.conftest import form_data, jpeg_bytes, mp4_bytes

URL = reverse("portal:submit")
NAME = "Tran Thi Exifa"  # EXIF text fields are ASCII


def test_a_file_named_jpg_that_is_not_an_image_is_refused_and_no_report_is_left(client, org):
    fake = SimpleUploadedFile(
        "anh-hien-truong.jpg", b"MZ\x90\x00 this is a program, not a photo", "image/jpeg"
    )
    response = client.post(URL, {**form_data(org), "attachments": [fake]})
    assert response.status_code == 400
    assert response.context["upload_errors"] == [
        "Tệp «anh-hien-truong.jpg» không phải ảnh, video hoặc ghi âm được hỗ trợ."
    ]
    assert 'id="id_attachments_error"><li>Tệp «anh-hien-truong.jpg»' in response.content.decode()
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert StashedUpload.objects.count() == 0  # a refused file is not kept either


def test_a_broken_jpeg_is_refused(client, org):
    broken = SimpleUploadedFile("vo.jpg", jpeg_bytes()[:40], "image/jpeg")
    response = client.post(URL, {**form_data(org), "attachments": [broken]})
    assert response.status_code == 400
    assert "bị hỏng" in response.context["upload_errors"][0]
    assert Report.objects.count() == 0


def test_an_oversized_video_is_refused_with_the_limit_in_the_message(client, org, settings):
    """The limit is a setting (PAKN_MAX_VIDEO_MB); the good photo beside it is kept for the next try."""
    settings.PAKN_MEDIA_LIMITS_MB = {**settings.PAKN_MEDIA_LIMITS_MB, "video": 1}
    video = SimpleUploadedFile("clip.mp4", mp4_bytes(1024 * 1024 + 1), "video/mp4")
    photo = SimpleUploadedFile("anh.jpg", jpeg_bytes(), "image/jpeg")
    key = str(uuid.uuid4())
    response = client.post(URL, {**form_data(org, submission_key=key), "attachments": [video, photo]})
    assert response.status_code == 400
    assert response.context["upload_errors"] == ["Video «clip.mp4» quá lớn: tối đa 1 MB."]
    assert Report.objects.count() == 0
    assert [s.name for s in StashedUpload.objects.all()] == ["anh.jpg"]
    # Sending again without the video: the kept photo goes with the report.
    response = client.post(URL, form_data(org, submission_key=key))
    assert response.status_code == 302
    assert Report.objects.get().attachments.count() == 1


def test_a_video_within_the_limit_is_kept_private_without_a_public_copy(client, org, settings):
    settings.PAKN_MEDIA_LIMITS_MB = {**settings.PAKN_MEDIA_LIMITS_MB, "video": 1}
    video = SimpleUploadedFile("clip.mp4", mp4_bytes(2000), "video/mp4")
    assert client.post(URL, {**form_data(org), "attachments": [video]}).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.kind == Attachment.Kind.VIDEO and not attachment.public_file


def test_a_jpeg_with_gps_exif_gets_a_stripped_public_copy_and_a_private_original(client, org):
    """The public copy has no EXIF (no GPS, no name); the original keeps it and is not reachable publicly."""
    data = jpeg_bytes(artist=NAME, description=f"Chụp bởi {NAME}", gps=True)
    photo = SimpleUploadedFile("IMG_0001.jpg", data, "image/jpeg")
    assert client.post(URL, {**form_data(org), "attachments": [photo]}).status_code == 302
    report = Report.objects.get()
    attachment = report.attachments.get()

    original = default_storage.open(attachment.file.name).read()
    assert original == data and NAME.encode() in original  # kept as sent, for the staff
    public = default_storage.open(attachment.public_file.name).read()
    with Image.open(io.BytesIO(public)) as img:
        assert not img.getexif() and "exif" not in img.info
    assert NAME.encode() not in public

    # Once the IOC accepts the report its scene photo is public: the served bytes are the clean copy.
    services.report_forward(report=report, actor=org.operator)
    served = client.get(reverse("portal:public_media", args=[report.tracking_code, attachment.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    body = b"".join(served.streaming_content)
    assert body == public and b"Exif" not in body and NAME.encode() not in body

    # The original has no public address: not under /media/, not by its storage name.
    assert client.get("/media/" + attachment.file.name).status_code == 404
    assert client.get("/" + attachment.file.name).status_code == 404


def test_the_supplement_takes_files_with_the_same_checks(client, org, reports):
    report, secret = reports.awaiting_info(now=at("2026-03-02 08:00"))
    fake = SimpleUploadedFile("bo-sung.jpg", b"not an image at all", "image/jpeg")
    with time_machine.travel(at("2026-03-02 08:20"), tick=False):
        response = client.post(
            reverse("portal:follow_up_supplement", args=[secret]),
            {"note": "Số nhà 25", "attachments": [fake]},
        )
    assert response.status_code == 400
    assert "không phải ảnh" in response.context["upload_errors"][0]
    report.refresh_from_db()
    assert report.state == "awaiting_info" and report.attachments.count() == 0
