"""The supervisor's overdue board on a phone (R-10.1, issue 14 item 12): "Đôn đốc" beside an overdue case
notifies the commune's leader and is recorded on the case's internal timeline; and axe-core on the
console's main pages (issue 14, "Done means")."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pakn.notify.models import Kind, Notification
from pakn.reports.models import Event
from tests.axe import axe_report, axe_violations
from tests.conftest import PHONE
from tests.console.conftest import Cases
from tests.console.test_browser import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_supervisor_urges_an_overdue_case_from_the_board_on_a_phone(browser, live_server, org):
    """On a 390 px screen the supervisor opens "Phản ánh quá hạn", urges the commune on its case with a
    note; back on the board a confirmation; the commune's leader finds it in the notifications and the case
    page's timeline shows it to staff; the public page does not."""
    cases = Cases(org)
    report = cases.in_progress()  # March 2026: long overdue by now
    leader = org.commune_leader
    supervisor = staff(browser, live_server, org.supervisor, phone=True)
    try:
        supervisor.get_by_role("link", name="Quá hạn").first.click()
        supervisor.wait_for_url(re.compile(r"/console/qua-han/"))
        supervisor.get_by_text(f"Đôn đốc {report.tracking_code}").click()
        supervisor.get_by_label("Nội dung đôn đốc (không bắt buộc)").fill(
            "Đề nghị báo cáo kết quả trong ngày."
        )
        assert axe_violations(supervisor) == []
        supervisor.get_by_role("button", name="Gửi đôn đốc").click()
        supervisor.wait_for_url(re.compile(r"/console/qua-han/"))
        assert "Đã thực hiện: Đôn đốc" in supervisor.inner_text(".c-msg--success")
        assert supervisor.get_by_text("Đã đôn đốc lúc").is_visible()
        assert supervisor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        supervisor.context.close()
    event = Event.objects.get(report=report, action="urge")
    assert event.visibility == Event.Visibility.INTERNAL and event.actor == org.supervisor

    assert Notification.objects.filter(user=leader, kind=Kind.URGED, report=report).exists()
    page = staff(browser, live_server, leader, phone=True)
    try:
        page.goto("/console/notifications/")
        item = page.get_by_text(f"đôn đốc xử lý phản ánh {report.tracking_code}")
        assert item.first.is_visible()
        page.goto(f"/console/phan-anh/{report.pk}/")
        timeline = page.inner_text("main")
        assert "Đôn đốc" in timeline and "Đề nghị báo cáo kết quả trong ngày." in timeline
        page.goto(f"/phan-anh/{report.tracking_code}/")
        assert "Đề nghị báo cáo kết quả trong ngày." not in page.inner_text("main")
        assert "Đôn đốc" not in page.inner_text("main")
    finally:
        page.context.close()


def test_the_consoles_main_pages_have_no_serious_accessibility_violations(browser, live_server, org):
    """axe-core: the sign-in pages, the inbox, a case, the overdue board (with its urge form open), the
    statistics and the administration's sign-in have no critical or serious violation, on a phone."""
    cases = Cases(org)
    report = cases.in_progress()
    found: dict[str, Any] = {}
    anonymous = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="vi-VN")
    page = anonymous.new_page()
    try:
        found.update(axe_report(page, ["/console/dang-nhap/", "/admin/login/"]))
    finally:
        anonymous.close()
    supervisor = staff(browser, live_server, org.supervisor, phone=True)
    try:
        found.update(
            axe_report(
                supervisor,
                [
                    "/console/",
                    "/console/?tab=overdue",
                    f"/console/phan-anh/{report.pk}/",
                    "/console/stats/",
                    "/console/notifications/",
                    "/console/huong-dan/",
                ],
            )
        )
        supervisor.goto("/console/qua-han/")
        supervisor.get_by_text(f"Đôn đốc {report.tracking_code}").click()
        if violations := axe_violations(supervisor):
            found["/console/qua-han/"] = violations
    finally:
        supervisor.context.close()
    leader = staff(browser, live_server, org.commune_leader, phone=True)
    try:
        found.update(
            {f"{k} (leader)": v for k, v in axe_report(leader, [f"/console/phan-anh/{report.pk}/"]).items()}
        )
    finally:
        leader.context.close()
    assert found == {}
