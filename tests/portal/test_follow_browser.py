"""Following a public report and «Tôi cũng gặp» in Chromium on a 390 px phone, by visible labels (issue 14,
item 9; R-9.2): count «I have this too» once, follow by SMS with the code received, stop from the link."""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest

from pakn.notify import follow as following
from pakn.notify.models import Follower, Kind, OutboxMessage
from pakn.reports.models import MeToo
from tests.portal.test_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _code_sent(report, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        message = OutboxMessage.objects.filter(kind=Kind.FOLLOW_CODE, report=report).order_by("-pk").first()
        if message is not None:
            return str(json.loads(message.private_context)["otp"])
        if time.monotonic() > deadline:
            raise AssertionError("no code was sent")
        time.sleep(0.1)


def test_a_citizen_says_me_too_then_follows_by_sms_and_stops(phone_page, org, reports):
    """R-9.2: «Tôi cũng gặp» counts once and shows the number; the phone follows once its code is confirmed;
    the link in the messages stops it; axe finds nothing serious on the page."""
    report, _ = reports.routed()
    page = phone_page
    page.goto(f"/phan-anh/{report.tracking_code}/")
    assert page.get_by_text("0 người cũng gặp sự việc này.").is_visible()
    page.get_by_role("button", name="Tôi cũng gặp").click()
    page.get_by_text("Cảm ơn bạn. Cơ quan xử lý biết thêm một người cũng gặp sự việc này.").wait_for()
    assert page.get_by_text("1 người cũng gặp sự việc này.").is_visible()
    assert page.get_by_role("button", name="Tôi cũng gặp").count() == 0  # once per browser
    assert page.get_by_text("Bạn đã báo «Tôi cũng gặp» cho phản ánh này.").is_visible()
    assert MeToo.objects.filter(report=report).count() == 1
    assert axe_violations(page) == []

    page.get_by_label("Số điện thoại nhận tin nhắn").fill("0987 654 321")
    page.get_by_role("button", name="Nhận mã xác nhận").click()
    page.get_by_label("Mã xác nhận").fill("000000" if _code_sent(report) != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận theo dõi").click()
    page.get_by_text("Mã xác nhận không đúng hoặc đã hết hạn.").wait_for()
    page.get_by_label("Mã xác nhận").fill(_code_sent(report))
    page.get_by_role("button", name="Xác nhận theo dõi").click()
    page.get_by_text("Đã đăng ký theo dõi.", exact=False).wait_for()
    assert page.url.endswith(f"/phan-anh/{report.tracking_code}/#theo-doi")
    assert "987" not in page.content()  # the number is not shown back anywhere
    follower = Follower.objects.get(report=report)
    assert follower.confirmed_at is not None

    page.goto(urlsplit(following.unsubscribe_url(follower)).path)  # the link of every message
    page.get_by_role("button", name="Ngừng theo dõi").click()
    page.get_by_text(f"Bạn đã ngừng theo dõi phản ánh {report.tracking_code}.").wait_for()
    assert not Follower.objects.filter(report=report).exists()
