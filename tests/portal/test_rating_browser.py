"""Issue 14, item 10 in Chromium on a phone, by visible labels: choosing «Không hài lòng» asks why and offers
to ask for clarification (R-8.1) in the same form; without a reason the form says so beside the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pakn.reports.models import Report
from tests.portal.test_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WHY = "Ổ gà vá xong đã bong lại sau hai ngày mưa."


def test_not_satisfied_asks_why_and_for_clarification(phone_page, org, reports):
    page = phone_page
    report, secret = reports.resolved(now=timezone.now() - timedelta(days=1))
    page.goto(f"/theo-doi/{secret}/")
    rating = page.locator("#danh-gia")
    why = rating.get_by_label("Vì sao bạn không hài lòng?")
    assert not why.is_visible()  # asked only for «Không hài lòng»
    rating.get_by_role("radio", name="Hài lòng", exact=True).check()
    assert not why.is_visible()
    rating.get_by_role("radio", name="Không hài lòng").check()
    assert why.is_visible()
    assert rating.get_by_text("Chỉ cơ quan xử lý xem, không công khai.").is_visible()
    assert axe_violations(page) == []
    rating.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_selector("#danh-gia .errorlist")
    rating = page.locator("#danh-gia")
    assert "Vui lòng cho biết vì sao bạn không hài lòng." in rating.inner_text()
    assert rating.get_by_label("Vì sao bạn không hài lòng?").is_visible()  # shown again with its error

    rating.get_by_label("Vì sao bạn không hài lòng?").fill(WHY)
    rating.get_by_label("Đề nghị cơ quan xử lý làm rõ kết quả").check()
    rating.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_selector("text=Cảm ơn bạn đã đánh giá")
    assert "Bạn đã đánh giá: Không hài lòng" in page.locator("#danh-gia").inner_text()
    thread = page.locator("#trao-doi").inner_text()
    assert WHY in thread and "Cơ quan xử lý đang chuẩn bị trả lời" in thread
    report = Report.objects.get(pk=report.pk)
    assert report.rating == "unsatisfied" and report.clarification_pending

    page.goto(f"/phan-anh/{report.tracking_code}/")  # the reason is not public
    assert WHY not in page.locator("main").inner_text()
    page.goto("about:blank")
