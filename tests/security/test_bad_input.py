"""Issue 10, item 9: bad input. The same limits on every surface (one place: pakn.reports.limits), control
characters refused, image pixel limits enforced before decoding, errors in each surface's own format."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import uuid
import zlib
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pakn.open311.services import client_create
from pakn.reports import services
from pakn.reports.limits import CONTENT_MAX
from pakn.reports.models import Report
from tests.conftest import VALID, at
from tests.console.conftest import Cases, signed_in
from tests.portal.conftest import form_data

O311 = "/open311/v2"
API = "/api/v1"
ESC, VT = "\x1b", "\x0b"


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Any, settings: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cases(org: Any) -> Cases:
    return Cases(org)


@pytest.fixture
def api_key(db: Any) -> str:
    return client_create(name="Ứng dụng thử", organisation="Thành phố bạn")[1]


def open311_form(org: Any, api_key: str, **overrides: Any) -> dict[str, Any]:
    return {
        "api_key": api_key,
        "service_code": org.category.code,
        "description": "Đèn đường hỏng cả tuần nay.",
        "lat": "21.85",
        "long": "106.76",
        "attribute[commune]": org.commune_area.code,
        **overrides,
    }


def rest_form(org: Any, **overrides: Any) -> dict[str, Any]:
    data = {**VALID, "category": org.category.code, "area": org.commune_area.code, **overrides}
    return {k: v for k, v in data.items() if v is not None}


def png_bomb(side: int = 10_000) -> bytes:
    """A valid grey PNG of side×side pixels, all zero: about 100 KB, 100 MB once decoded. Built in pieces."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- Length limits ----------------------------------------------------------------------------------------


def test_open311_multi_megabyte_description(org, api_key):
    """4.9 MB was accepted, and REST then served 5.9 MB pages. Now refused in the GeoReport error format."""
    huge = "O ga. " * (4_900_000 // 6)
    for fmt in ("json", "xml"):
        response = Client().post(f"{O311}/requests.{fmt}", open311_form(org, api_key, description=huge))
        assert response.status_code == 400
        if fmt == "json":
            [error] = response.json()
            assert error["code"] == 400 and error["description"].startswith("description: Tối đa 5000 ký tự")
        else:
            root = ET.fromstring(response.content)
            assert root.tag == "errors" and "Tối đa 5000 ký tự" in root.find("error/description").text
    assert Report.objects.count() == 0


def test_one_character_over_the_limit_is_refused_on_every_surface(org, api_key, cases):
    """The same number for the portal, REST, Open311 and the console (an officer's note)."""
    text = "a" * (CONTENT_MAX + 1)
    portal = Client().post(reverse("portal:submit"), form_data(org, content=text))
    assert portal.status_code == 400 and "tối đa 5000 ký tự" in portal.content.decode().lower()
    rest = Client().post(f"{API}/reports", rest_form(org, content=text))
    assert rest.status_code == 422 and rest["Content-Type"] == "application/problem+json"
    o311 = Client().post(f"{O311}/requests.json", open311_form(org, api_key, description=text))
    assert o311.status_code == 400
    report = cases.received()
    console = signed_in(org.operator).post(
        reverse("console:case_action", args=[report.pk, "request_info"]), {"request_info-note": text}
    )
    assert console.status_code == 400 and "Tối đa 5000 ký tự" in console.content.decode()
    assert Report.objects.count() == 1 and Report.objects.get().state == "received"


# --- Control characters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", [ESC, VT, "\x00", "\u202e"], ids=["ESC", "VT", "NUL", "RLO"])
def test_control_characters_in_a_report(org, api_key, cases, char):
    """0x0B and 0x1B in one report made the whole requests.xml invalid. Refused everywhere, by the service."""
    text = f"Đèn hỏng{char} ở ngã tư"
    portal = Client().post(reverse("portal:submit"), form_data(org, content=text))
    assert portal.status_code == 400  # NUL is refused by Django's own field validator first
    assert char == "\x00" or "ký tự điều khiển" in portal.content.decode()
    rest = Client().post(f"{API}/reports", rest_form(org, content=text))
    assert rest.status_code == 422 and "ký tự điều khiển" in json.dumps(rest.json(), ensure_ascii=False)
    o311 = Client().post(f"{O311}/requests.xml", open311_form(org, api_key, description=text))
    assert (
        o311.status_code == 400
        and b"k\xc3\xbd t\xe1\xbb\xb1 \xc4\x91i\xe1\xbb\x81u khi\xe1\xbb\x83n" in o311.content
    )
    with pytest.raises(services.ValidationError):
        services.report_submit(category=org.category, content=text, allow_incomplete=True, address_text="x")
    report = cases.received()
    console = signed_in(org.operator).post(
        reverse("console:case_action", args=[report.pk, "request_info"]), {"request_info-note": text}
    )
    assert console.status_code == 400
    assert Report.objects.count() == 1


def test_requests_xml_stays_valid_when_stored_text_has_control_characters(org, api_key, cases):
    """Text stored before the check existed must not break the whole feed."""
    report = cases.routed()
    Report.objects.filter(pk=report.pk).update(
        content=f"Cũ{VT}{ESC}", public_content=f"Cũ{VT}{ESC}", title=f"T{ESC}", public_title=f"T{ESC}"
    )
    window = {"start_date": "2026-03-01T00:00:00+07:00", "end_date": "2026-03-10T00:00:00+07:00"}
    response = Client().get(f"{O311}/requests.xml", window)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # would raise on an invalid character
    assert [r.findtext("service_request_id") for r in root] == [report.tracking_code]
    assert root.find("request/description").text == "Cũ"


# --- Oversize bodies ---------------------------------------------------------------------------------------------


def test_oversize_body_gets_each_surfaces_own_error(org, api_key, settings):
    """Django answered with its bare HTML 400; now Open311 errors, REST problems and a portal page."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    big = "x" * 150_000
    for fmt in ("json", "xml"):
        response = Client().post(f"{O311}/requests.{fmt}", open311_form(org, api_key, description=big))
        assert response.status_code == 413
        if fmt == "json":
            assert response.json()[0]["code"] == 413 and "quá lớn" in response.json()[0]["description"]
        else:
            assert ET.fromstring(response.content).tag == "errors"
    rest = Client().post(f"{API}/reports", rest_form(org, content=big))
    assert rest.status_code == 413 and rest.json()["type"] == "urn:pakn:problem:payload_too_large"
    portal = Client().post(reverse("portal:submit"), {"content": big})
    assert portal.status_code == 413 and "Nội dung gửi lên quá lớn" in portal.content.decode()
    assert "<html" in portal.content.decode().lower()


# --- Image pixel limits -------------------------------------------------------------------------------------------


def test_pixel_bomb_png_is_refused_before_decoding(org, api_key, settings, monkeypatch):
    """A 10000×10000 PNG of about 100 KB took a worker from 140 MB to 758 MB. Refused from its header on every
    surface, and no pixel is decoded (Image.load would fail this test)."""
    from PIL import Image

    def no_decoding(self: Any, *a: Any, **k: Any) -> Any:
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    data = png_bomb()
    assert len(data) < 150_000
    upload = lambda: SimpleUploadedFile("bom.png", data, content_type="image/png")  # noqa: E731
    rest = Client().post(f"{API}/reports", {**rest_form(org), "media": upload()})
    assert rest.status_code == 422
    assert rest.json()["errors"][0]["code"] == "image_too_large"
    assert "triệu điểm ảnh" in rest.json()["errors"][0]["message"]
    o311 = Client().post(f"{O311}/requests.json", {**open311_form(org, api_key), "media": upload()})
    assert o311.status_code == 400 and "triệu điểm ảnh" in o311.json()[0]["description"]
    portal = Client().post(
        reverse("portal:submit"),
        {**form_data(org, submission_key=str(uuid.uuid4())), "attachments": upload()},
    )
    assert "triệu điểm ảnh" in portal.content.decode()
    assert Report.objects.count() == 0


MEASURE = """
import io, resource, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.exceptions import ValidationError
from pakn.reports.media import check_upload
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    check_upload(SimpleUploadedFile("bom.png", data, content_type="image/png"))
    print("accepted")
except ValidationError as e:
    print(e.error_dict["attachments"][0].code)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_pixel_bomb_png_costs_the_worker_no_memory(tmp_path):
    """Measured in a fresh process: the peak memory grows by less than 20 MB (it grew by ~600 MB)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "pakn.settings",
        "PAKN_TESTING": "true",
        "PAKN_DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", MEASURE], input=png_bomb(), capture_output=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    verdict, grown_mb = result.stdout.decode().split()
    assert verdict == "image_too_large"
    assert int(grown_mb) < 20


def test_a_large_but_allowed_photo_is_still_accepted_and_copied(org):
    """The limit is on pixels, not on honest phone photos: a 4000×3000 JPEG passes and gets its copy."""
    from PIL import Image

    from pakn.reports.media import attachment_add

    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 120, 30)).save(buffer, format="JPEG")
    report = services.report_submit(
        category=org.category, area=org.commune_area, now=at("2026-03-02 08:00"), **VALID
    ).report
    attachment = attachment_add(
        report=report,
        upload=SimpleUploadedFile("a.jpg", buffer.getvalue(), content_type="image/jpeg"),
        by_reporter=True,
    )
    with attachment.public_file.open("rb") as f, Image.open(f) as copy:
        assert max(copy.size) == 1920
