"""Issue 10, item 12: a department asked for its opinion (R-7.5) got the reporter's original photos, with the
GPS position of where they were taken (often the reporter's home) and the camera's serial. A department has
no right to personal data (R-3.2): it gets only the stripped copy, on every surface; staff with the right
keep the original."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from pakn.reports.media import attachment_add
from pakn.reports.models import Attachment, Report
from tests.api.conftest import bearer
from tests.conftest import make_user
from tests.console.conftest import Cases, signed_in

GPS_IFD = 0x8825
SERIAL = "SN-REPORTER-PHONE-4711"


@pytest.fixture(autouse=True)
def _media(tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def photo_with_gps() -> SimpleUploadedFile:
    """A phone's JPEG: GPS latitude/longitude of a house in Lạng Sơn and the body's serial number."""
    exif = Image.Exif()
    exif[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (21.0, 51.0, 13.32), 3: "E", 4: (106.0, 45.0, 41.4)})
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (20, 120, 200)).save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("nha-toi.jpg", buffer.getvalue(), content_type="image/jpeg")


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as img:
        exif = img.getexif()
        return bool(exif.get_ifd(GPS_IFD)) or SERIAL.encode() in data


def _asked(org: Any) -> tuple[Report, Attachment]:
    cases = Cases(org)
    report = cases.coordinating()  # department 0 asked for its opinion
    attachment = attachment_add(report=report, upload=photo_with_gps(), by_reporter=True)
    with attachment.file.open("rb") as f:
        assert has_gps(f.read())  # the original keeps its position, for staff with the right
    return report, attachment


def _body(response: Any) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_department_asked_for_an_opinion_gets_photos_without_gps(org):
    """The attack: a department's specialist (and its leader) opened the reporter's photo from the case page
    and the REST API and read the GPS position. Every way they can open it now gives the stripped copy."""
    report, attachment = _asked(org)
    department = org.departments[0]
    for user in (org.specialist(0), make_user(department, "leader")):
        console = signed_in(user)
        page = console.get(reverse("console:case", args=[report.pk]))
        assert page.status_code == 200
        for name in ("console:attachment", "console:attachment_preview"):
            url = reverse(name, args=[attachment.pk])
            assert url in page.content.decode()
            assert not has_gps(_body(console.get(url))), name
        api = Client()
        headers = bearer(user)
        detail = api.get(f"/api/v1/staff/cases/{report.pk}", **headers)
        assert detail.status_code == 200
        file = api.get(f"/api/v1/staff/cases/{report.pk}/attachments/{attachment.pk}", **headers)
        assert not has_gps(_body(file))
    # Staff with the right to personal data (the IOC desk) still open the original.
    assert has_gps(_body(signed_in(org.operator).get(reverse("console:attachment", args=[attachment.pk]))))


def test_department_gets_nothing_of_a_photo_without_a_stripped_copy(org):
    """A photo whose public copy was withdrawn by a redaction: the department gets no file at all rather
    than the original."""
    report, attachment = _asked(org)
    Attachment.objects.filter(pk=attachment.pk).update(public_file="")
    response = signed_in(org.specialist(0)).get(reverse("console:attachment", args=[attachment.pk]))
    assert response.status_code == 404
    api = Client().get(
        f"/api/v1/staff/cases/{report.pk}/attachments/{attachment.pk}", **bearer(org.specialist(0))
    )
    assert api.status_code == 404
