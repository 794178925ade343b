"""The statistics journeys in Chromium: the supervisor reads April's figures and follows one to its reports;
a commune's leader explains a late case (R-10.1, R-10.3, R-14.4); the dashboard fits a phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from pakn.org.models import User
from pakn.stats.models import LateExplanation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page: Any, user: User, base_url: str) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def choose_april(page: Any) -> None:
    page.select_option("#f-period", "month")
    page.fill("#f-year", "2026")
    page.select_option("#f-month", "4")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()


def test_the_supervisor_reads_the_figures_and_follows_one(page, live_server, dataset):
    sign_in(page, dataset.org.supervisor, live_server.url)
    page.goto("/console/stats/")
    choose_april(page)
    assert page.locator('[data-figure="received"]').inner_text() == "10"
    assert page.locator('[data-figure="handled"]').inner_text() == "5"
    # The quarter and the date range do not apply to a month: hidden.
    assert page.locator("#f-quarter").is_hidden() and page.locator("#f-from").is_hidden()
    chart = page.locator("#c-cat")
    assert chart.is_visible() and "Vệ sinh môi trường: 5" in (chart.locator("desc").text_content() or "")
    assert page.locator('table[data-table="category"]').is_visible()

    page.get_by_role("link", name="Báo cáo định kỳ").click()
    page.wait_for_load_state()
    assert "tháng 4 năm 2026" in page.locator(".c-page-head").inner_text()
    row = page.locator('table[data-table="summary"] tr', has_text="trong đó: xử lý trễ hạn")
    row.locator("td a").first.click()
    page.wait_for_load_state()
    codes = set(page.locator("table.s-table tbody th").all_inner_texts())
    assert {c.strip() for c in codes} == dataset.code("R4", "R5")  # R6: a target missed, not late


def test_a_leader_explains_a_late_case(page, live_server, dataset):
    sign_in(page, dataset.org.commune_leader, live_server.url)
    page.goto("/console/stats/tre-han/")
    choose_april(page)
    row = page.locator("tr", has_text=dataset.r["R9"].tracking_code)
    row.get_by_text("Nhập giải trình").click()
    row.get_by_label("Lý do trễ hạn, chưa xử lý").fill("Chờ đơn vị cấp nước phối hợp kiểm tra đường ống.")
    row.get_by_role("button", name="Lưu giải trình").click()
    page.wait_for_load_state()
    assert "Đã lưu giải trình." in page.locator(".c-messages").inner_text()
    assert "Chờ đơn vị cấp nước" in page.locator("tr", has_text=dataset.r["R9"].tracking_code).inner_text()
    assert LateExplanation.objects.get().author == dataset.org.commune_leader


def test_the_dashboard_fits_a_phone(phone_page, live_server, dataset):
    sign_in(phone_page, dataset.org.supervisor, live_server.url)
    phone_page.goto("/console/stats/?period=month&year=2026&month=4")
    assert phone_page.locator('[data-figure="received"]').inner_text() == "10"
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
