"""The journey of "Phản ánh của tôi" in Chromium on a 390 px phone (issue 14, item 8), by visible labels:
send a report, sign in with the phone number and the code from the test SMS outbox, see the report, get a
new private link and open it, sign out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from pakn.notify import channels
from pakn.reports.models import Report
from tests.conftest import VALID
from tests.portal.test_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Iterator[list[dict[str, str]]]:
    """SMS to memory, delivered at once (the live server runs in this process)."""
    from huey.contrib.djhuey import HUEY

    settings.PAKN_SMS_BACKEND = "locmem"
    before = HUEY.immediate
    HUEY.immediate = True
    channels.sms_outbox.clear()
    yield channels.sms_outbox
    channels.sms_outbox.clear()
    HUEY.immediate = before


def code_for(sms_outbox: list[dict[str, str]], phone: str) -> str:
    texts = [s["text"] for s in sms_outbox if s["to"] == phone and "Mã đăng nhập" in s["text"]]
    assert texts, sms_outbox
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)  # type: ignore[union-attr]


def test_send_then_sign_in_with_the_phone_see_the_report_and_recover_its_link(
    phone_page, live_server, org, sms_outbox, settings
):
    settings.SITE_URL = live_server.url  # links in messages and the new private link are absolute
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="Gửi phản ánh").first.click()
    page.get_by_label("Lĩnh vực").select_option(str(org.category.pk))
    page.get_by_label("Nội dung phản ánh").fill("Cống thoát nước bị tắc, nước tràn ra đường.")
    page.get_by_label("Địa điểm cụ thể").fill("Ngã tư Lê Lợi")
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill(VALID["reporter_name"])
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Số định danh cá nhân / CCCD").fill(VALID["reporter_id_number"])
    page.get_by_label("Địa chỉ liên hệ").fill(VALID["reporter_address"])
    page.locator("#id_declared_truthful").check()
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url(re.compile(r"/gui-phan-anh/da-gui/"))
    code = page.inner_text("#tracking-code").strip()
    report = Report.objects.get(tracking_code=code)

    # The menu item is in sight on the phone.
    mine_link = page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Phản ánh của tôi"
    )
    box = mine_link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390.5
    mine_link.click()
    page.get_by_role("heading", name="Phản ánh của tôi").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Số điện thoại").fill("0912.345.678")
    page.get_by_role("button", name="Nhận mã qua SMS").click()
    page.get_by_role("heading", name="Nhập mã xác nhận").wait_for()
    assert "912" not in page.url
    assert axe_violations(page) == []
    page.get_by_label("Mã xác nhận").fill(code_for(sms_outbox, "+84912345678"))
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_role("heading", name="Phản ánh đã gửi từ số điện thoại này").wait_for()
    item = page.locator(".mine-item", has_text=code)
    assert "Chờ tiếp nhận" in item.inner_text() and org.category.name in item.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name=f"Lấy đường liên kết theo dõi mới cho {code}").click()
    page.get_by_role("heading", name="Đường liên kết theo dõi mới").wait_for()
    page.get_by_role("link", name="Mở trang theo dõi").click()
    page.wait_for_url(re.compile(r"/theo-doi/"))
    assert code in page.inner_text("h1")
    assert report.secret_hash != Report.objects.get(pk=report.pk).secret_hash  # the old link is replaced

    page.goto("/phan-anh-cua-toi/")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_text("Bạn đã đăng xuất khỏi Phản ánh của tôi.").wait_for()
    page.goto("/phan-anh-cua-toi/")
    assert page.url.endswith("/phan-anh-cua-toi/dang-nhap/")
