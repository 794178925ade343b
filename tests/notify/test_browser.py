"""The notification journey in Chromium (issue 7): a case routed to a commune reaches its leader's console;
the badge counts it, the list shows it, marking it read (htmx) and opening it work, on a phone too."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from pakn.notify.models import Kind, Notification
from pakn.org.models import User
from pakn.reports import services
from tests.conftest import VALID, at, make_user

# The live server needs committed data; serialized_rollback keeps the seeded categories and templates.
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


@pytest.fixture
def seeded(db: Any) -> None:
    """The rows the migrations seed (categories, deadline policies, message templates), again if missing.

    serialized_rollback should restore them after an earlier live-server test flushed the database, but once
    the session's Playwright browser runs, `connections["default"]` in the test thread is another wrapper
    without the serialized contents, so nothing is restored (reported to the lead)."""
    from importlib import import_module

    from django.apps import apps

    from tests.conftest import SEED_MIGRATIONS

    for module in SEED_MIGRATIONS:
        import_module(module).seed(apps, None)


# The database fixture comes first in each test's arguments, so the browser closes before the data is flushed.
@pytest.fixture
def routed_case(seeded: None, org: Any) -> tuple[User, Any]:
    """A report forwarded to the commune: its leader has one unread notification."""
    leader = make_user(org.commune, User.Role.LEADER, email="lanhdao@example.vn")
    operator = make_user(org.ioc, User.Role.OPERATOR)
    report = services.report_submit(
        now=at("2026-03-02 08:00"), category=org.category, area=org.commune_area, **VALID
    ).report
    services.report_forward(
        report=report, actor=operator, now=at("2026-03-02 08:10")
    )  # commits: delivered at once
    assert Notification.objects.filter(user=leader, kind=Kind.ROUTED).count() == 1
    return leader, report


def test_a_leader_sees_reads_and_opens_a_routed_case(routed_case, page, live_server):
    leader, report = routed_case
    sign_in(page, leader, live_server.url)
    page.goto("/console/notifications/")
    assert page.locator(".c-nav .c-badge").inner_text() == "1"
    item = page.locator(".n-item").first
    assert f"Phản ánh {report.tracking_code} được chuyển đến" in item.inner_text()
    assert "is-unread" in (item.get_attribute("class") or "")
    item.get_by_role("button", name="Đánh dấu đã đọc").click()
    page.wait_for_selector(".n-item:not(.is-unread)")
    assert page.locator(".n-item.is-unread").count() == 0
    assert Notification.objects.get(user=leader).read_at is not None
    page.locator(".n-item").first.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"**/console/phan-anh/{report.pk}/")
    page.goto("about:blank")  # no request of this page may reach the server after the test's data is gone


def test_on_a_phone_the_leader_changes_channels(routed_case, phone_page, live_server):
    leader, _ = routed_case
    sign_in(phone_page, leader, live_server.url)
    phone_page.goto("/console/notifications/cai-dat/")
    email = phone_page.locator("#routed__email")
    assert email.is_checked()
    assert phone_page.locator("#routed__console").is_disabled()  # required by the regulation
    email.uncheck()
    phone_page.get_by_role("button", name="Lưu lựa chọn").click()
    phone_page.wait_for_selector(".c-msg--success")
    assert not phone_page.locator("#routed__email").is_checked()
    assert phone_page.locator("#routed__console").is_checked()
