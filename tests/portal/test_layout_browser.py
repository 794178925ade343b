"""Phone and desktop layouts (issue 14.3): every menu item in sight on a 390 px phone, no page wider than
the screen, and no menu link that answers 403 (issue 14.6)."""

from __future__ import annotations

from typing import Any

import pytest

from pakn.org.models import User
from tests.conftest import make_user
from tests.console.test_browser import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def out_of_sight(page: Any, selector: str) -> list[str]:
    """Texts of the items matched by `selector` that are not wholly inside the viewport."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel)).filter(el => {
             const r = el.getBoundingClientRect();
             return r.width === 0 || r.left < 0 || r.right > window.innerWidth + 0.5;
           }).map(el => el.textContent.trim())""",
        selector,
    )


def page_overflow(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_portal_menu_shows_every_item_on_a_phone(phone_page, org):
    phone_page.goto("/")
    labels = phone_page.locator(".primary-nav a").all_inner_texts()
    assert [label.strip() for label in labels] == [
        "Trang chủ",
        "Gửi phản ánh",
        "Tra cứu",
        "Phản ánh công khai",
        "Bản đồ",
        "Phản ánh của tôi",
    ]
    assert out_of_sight(phone_page, ".primary-nav a") == []
    assert phone_page.get_by_role("link", name="Bản đồ").is_visible()
    assert page_overflow(phone_page) <= 0


def test_the_console_menu_keeps_guide_account_and_log_out_on_a_phone(browser, live_server, org):
    page = staff(browser, live_server, org.commune_leader, phone=True)
    for name in ("Hướng dẫn", "Tài khoản"):
        assert page.get_by_role("link", name=name, exact=True).is_visible()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert out_of_sight(page, ".c-nav a, .c-nav button") == []
    assert page_overflow(page) <= 0
    page.context.close()


def test_an_officer_is_not_offered_statistics_he_may_not_open(browser, live_server, org):
    officer = staff(browser, live_server, org.officer)
    assert officer.locator(".c-nav").get_by_role("link", name="Thống kê").count() == 0
    officer.context.close()
    leader = staff(browser, live_server, org.commune_leader)
    link = leader.locator(".c-nav").get_by_role("link", name="Thống kê")
    assert link.count() == 1
    link.click()
    leader.wait_for_load_state()
    assert "/console/stats/" in leader.url
    assert leader.locator("h1").first.inner_text() != ""
    assert "403" not in leader.title()
    leader.context.close()


def test_the_account_import_page_fits_a_1366_screen(browser, live_server, org):
    admin = make_user(org.ioc, User.Role.ADMIN)
    page = staff(browser, live_server, admin)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/console/quan-tri/nhap-tai-khoan/")
    assert page.get_by_role("heading", name="Nhập tài khoản cán bộ từ tệp").is_visible()
    assert page_overflow(page) <= 0
    page.context.close()
