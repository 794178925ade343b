"""Lists people scan (issue 14, item 12), in Chromium on a 390 px phone: photo thumbnails in the public list,
the search and the home page (only of public photos), and the home page's "Gần tôi" map of reports nearby,
with and without the permission to use the position."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pakn.reports import services
from pakn.reports.models import Attachment
from tests.axe import axe_violations
from tests.conftest import PHONE, wait_until
from tests.console.test_browser import no_tiles
from tests.portal.conftest import add_photo, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _thumb(page, code):
    return page.get_by_role("img", name=f"Ảnh phản ánh {code}")


def test_public_lists_show_thumbnails_of_public_photos_only(phone_page, org, reports):
    """A resolved report's photo shows as a small, lazily loaded thumbnail with its alternative text in the
    list, the search and the home page; a photo of a report the IOC has not accepted yet, and one a moderator
    withdrew, show nowhere (issue 10: nothing is public before triage; redaction keeps the original for staff)."""
    page = phone_page
    no_tiles(page)
    start = timezone.now() - timedelta(days=2)
    shown, _ = reports.resolved(now=start)
    add_photo(shown, jpeg_bytes(size=(1200, 900)))
    pending, _ = reports.received(now=start + timedelta(minutes=1))
    add_photo(pending, jpeg_bytes())
    withdrawn, _ = reports.resolved(now=start + timedelta(minutes=2))
    photo = add_photo(withdrawn, jpeg_bytes())
    services.report_redact_photo(
        report=withdrawn, actor=org.operator, attachment=photo.pk, note="Biển số xe."
    )
    assert Attachment.objects.get(pk=photo.pk).redacted

    for path in ("/phan-anh/", f"/phan-anh/?q={shown.tracking_code}", "/"):
        page.goto(path)
        thumb = _thumb(page, shown.tracking_code)
        thumb.scroll_into_view_if_needed()
        assert thumb.get_attribute("loading") == "lazy"
        wait_until(
            page,
            f"document.querySelector('img[alt=\"Ảnh phản ánh {shown.tracking_code}\"]').naturalWidth > 0",
        )
        width = page.evaluate(
            f"document.querySelector('img[alt=\"Ảnh phản ánh {shown.tracking_code}\"]').naturalWidth"
        )
        assert 0 < width <= 160  # a thumbnail made on the server, not the 1200 px photo
        assert _thumb(page, pending.tracking_code).count() == 0
        assert _thumb(page, withdrawn.tracking_code).count() == 0
    src = _thumb(page, shown.tracking_code).get_attribute("src")
    response = page.request.get(src)
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert "public" in response.headers["cache-control"]
    assert axe_violations(page) == []


def test_near_me_shows_public_reports_around_the_phone(phone_page, org, reports):
    """ "Gần tôi" (the context grants the position, near Phường Đông Kinh): the reports within 2 km are
    listed nearest first and drawn on the map; one in another district is not."""
    page = phone_page
    no_tiles(page)
    start = timezone.now() - timedelta(days=1)
    near, _ = reports.routed(now=start)  # at the form's default point, VALID's 21.8537, 106.7615
    far, _ = reports.routed(now=start + timedelta(minutes=1), latitude=22.3, longitude=106.3)
    page.goto("/")
    page.get_by_role("button", name="Gần tôi").click()
    status = page.get_by_role("status").filter(has_text="phản ánh công khai")
    status.wait_for()
    assert "Có 1 phản ánh công khai trong bán kính 2 km" in status.inner_text()
    nearby = page.get_by_role("list", name="Phản ánh gần bạn")
    assert near.tracking_code in nearby.inner_text() and far.tracking_code not in nearby.inner_text()
    assert "cách" in nearby.inner_text()
    wait_until(page, "document.getElementById('near-map').getAttribute('data-loaded') === '1'")
    assert page.get_by_role("region", name="Bản đồ phản ánh gần bạn").is_visible()
    assert page.locator("#near-map .report-pin").count() == 1
    assert axe_violations(page) == []


def test_near_me_without_permission_explains_and_breaks_nothing(browser, live_server, org, reports):
    """The person refused (or the browser cannot locate): a message says how to allow it; the home page and
    its latest reports still work."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        reports.routed(now=timezone.now() - timedelta(days=1))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto("/")
        page.get_by_role("button", name="Gần tôi").click()
        page.get_by_text("Chưa có quyền dùng vị trí của bạn").wait_for()
        assert page.locator("#near-map").is_hidden()
        assert page.get_by_role("link", name="Xem tất cả phản ánh").is_visible()
        assert errors == []
    finally:
        context.close()
