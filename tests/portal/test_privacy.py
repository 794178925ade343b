"""R-3.2, R-9.2: no personal data, original media, internal note, state secret or abusive report on any public
page, feed or asset. Distinctive values are planted everywhere, then every public link is crawled."""

from __future__ import annotations

import html
import io
import json
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pakn.reports import services
from pakn.reports.workflow import ReporterActor
from tests.conftest import at
from tests.portal.conftest import add_photo, jpeg_bytes

PEOPLE = [
    {
        "reporter_name": "Phạm Thị Zêta Bímật",
        "reporter_phone": "0987 654 001",
        "reporter_id_number": "020987654001",
        "reporter_address": "Số 99 ngõ Riêngtư Zêta",
        "reporter_email": "zeta.bimat@example.vn",
    },
    {
        "reporter_name": "Quách Văn Omêga Kín",
        "reporter_phone": "0912 000 777",
        "reporter_id_number": "123456780",
        "reporter_address": "Thôn Omêga Kín",
        "reporter_email": "",
    },
]
EXIF_NAME = "Pham Thi Exifzeta"
EXIF_PHONE = "0987654001"
SECRET_CONTENT = "Nội dung mật Sigmaxyz"
ABUSIVE_CONTENT = "Nội dung lạm dụng Tauxyz"
INTERNAL_NOTE = "Ghi chú nội bộ Kappaxyz"
REPORTER_ONLY = "Tôi là Phạm Thị Zêta Bímật, xin hỏi thêm"


def forbidden() -> list[str]:
    values = [EXIF_NAME, SECRET_CONTENT, ABUSIVE_CONTENT, INTERNAL_NOTE, REPORTER_ONLY]
    for p in PEOPLE:
        values += [v for v in p.values() if v]
        digits = re.sub(r"\D", "", p["reporter_phone"])
        values += [digits, "+84" + digits[1:], digits[1:]]
    return values


def variants(value: str) -> set[str]:
    """The forms a value could take in a response: as is, HTML-escaped, JSON-escaped."""
    return {value, html.escape(value), json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}


def plant(org, reports) -> None:
    """Reports in every public state, each with planted personal data and EXIF-laden photos."""
    photo = jpeg_bytes(artist=EXIF_NAME, description=f"Goi {EXIF_PHONE}", gps=True)
    a, _ = reports.received(now=at("2026-03-02 08:00"), **PEOPLE[0])
    add_photo(a, photo)
    b, _ = reports.awaiting_info(now=at("2026-03-02 09:00"), **PEOPLE[1])
    add_photo(b, photo)
    c, _ = reports.routed(now=at("2026-03-02 10:00"), **PEOPLE[0])
    add_photo(c, photo)
    services.report_mark(report=c, actor=org.operator, mark="valuable", note=INTERNAL_NOTE)
    d, _ = reports.resolved(now=at("2026-03-03 08:00"), result_photo=photo, **PEOPLE[1])
    add_photo(d, photo)
    services.report_reply(report=d, actor=ReporterActor(d.pk), note=REPORTER_ONLY, now=at("2026-03-03 16:00"))
    services.report_clarify(
        report=d, actor=org.commune_leader, note="Đã trả lời.", now=at("2026-03-03 16:30")
    )
    services.report_rate(report=d, actor=ReporterActor(d.pk), rating="satisfied", now=at("2026-03-03 17:00"))
    e, _ = reports.received(now=at("2026-03-04 08:00"), content=SECRET_CONTENT, **PEOPLE[0])
    add_photo(e, photo)
    services.report_forward(report=e, actor=org.operator, now=at("2026-03-04 08:30"))
    services.report_mark(report=e, actor=org.operator, mark="state_secret")
    f, _ = reports.received(now=at("2026-03-05 08:00"), content=ABUSIVE_CONTENT, **PEOPLE[1])
    services.report_reject(report=f, actor=org.operator, reason_code="unlawful", now=at("2026-03-05 08:20"))
    services.report_mark(report=f, actor=org.operator, mark="abusive")
    g, _ = reports.received(now=at("2026-03-05 09:00"), **PEOPLE[0])
    services.report_reject(
        report=g,
        actor=org.operator,
        reason_code="other",
        note=INTERNAL_NOTE + " (lý do)",
        now=at("2026-03-05 09:10"),
    )
    # An attachment on the result event, and one a staff member added after the result (never published).
    services.report_attach_media(
        report=d,
        actor=org.commune_leader,
        uploads=[SimpleUploadedFile("x.jpg", photo, "image/jpeg")],
        now=at("2026-03-05 10:00"),
    )


@pytest.fixture(autouse=True)
def _serve_static(settings):
    """Assets are fetched too: WhiteNoise serves them from the finders, as in development."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


LINK = re.compile(r"""(?:href|src|data-points|action)=["']([^"'#]+)""")
STAFF_SURFACES = ("/console/", "/admin/", "/api/", "/open311/", "/i18n/")


def crawl(client) -> dict[str, tuple[str, bytes]]:
    """Every same-site URL reachable from the home page, with the language switch and filters' own links."""
    seen: dict[str, tuple[str, bytes]] = {}
    queue = [
        "/",
        "/manifest.webmanifest",
        "/sw.js",
        reverse("portal:map_data"),
        reverse("portal:map_data") + "?trang_thai=resolved",
        reverse("portal:list") + "?trang_thai=open",
    ]
    while queue and len(seen) < 400:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        content_type = response.get("Content-Type", "")
        seen[url] = (content_type, body)
        if "text/html" in content_type or "javascript" in content_type or "json" in content_type:
            text = body.decode("utf-8", errors="replace")
            for href in LINK.findall(html.unescape(text)):
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.netloc not in ("", "testserver") or parts.path.startswith(STAFF_SURFACES):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
            if "json" in content_type:
                queue += [p["url"] for p in json.loads(text).get("reports", []) if "url" in p]
    return seen


def test_no_public_page_feed_or_asset_carries_personal_data_or_hidden_content(client, org, reports):
    plant(org, reports)
    pages = crawl(client)
    detail_pages = [u for u in pages if re.fullmatch(r"/phan-anh/[A-Z0-9]{4}-[A-Z0-9]{4}/", u)]
    images = [u for u, (ct, _) in pages.items() if ct.startswith("image/jpeg")]
    assert len(detail_pages) == 5  # all but the state secret and the abusive one
    assert len(images) >= 6  # scene photos of accepted reports and the result photos, small and full
    assets = [u for u, (ct, _) in pages.items() if u.startswith("/static/") and "html" not in ct]
    assert len(assets) >= 8  # the stylesheet, scripts (ours, htmx) and icons were fetched and checked
    for url, (content_type, body) in pages.items():
        text = body.decode("utf-8", errors="replace") if not content_type.startswith("image/") else ""
        for value in forbidden():
            for form in variants(value):
                assert form not in text, f"{value!r} found in {url}"
                assert form.encode() not in body, f"{value!r} found in the bytes of {url}"


def test_every_public_image_is_a_clean_copy_without_exif(client, org, reports):
    plant(org, reports)
    for url, (content_type, body) in crawl(client).items():
        if content_type.startswith("image/jpeg"):
            with Image.open(io.BytesIO(body)) as img:
                assert not img.getexif(), url
                assert "exif" not in img.info and "GPSInfo" not in img.info, url
            assert b"Exif" not in body and EXIF_NAME.encode() not in body, url


def test_the_private_originals_are_nowhere_in_the_public_pages(client, org, reports):
    from pakn.reports.models import Attachment

    plant(org, reports)
    pages = crawl(client)
    everything = b"".join(body for _, body in pages.values())
    for attachment in Attachment.objects.all():
        assert attachment.file.name.encode() not in everything
        assert attachment.sha256.encode() not in everything
