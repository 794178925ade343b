"""The IOC operator's journey with an incomplete report, on a phone (issue 11, item 12; Điều 5 and điểm b
khoản 2 Điều 7 Quy chế, R-5.1, R-7.2b): the case page says what is missing, offers «Đề nghị bổ sung thông
tin» first, and «Chuyển xử lý» asks for a reason before it forwards."""

from __future__ import annotations

import pytest

from pakn.reports import services
from pakn.reports.models import Event, Report, State
from tests.console.test_browser import open_case, open_panel, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_operator_sees_what_is_missing_and_must_give_a_reason_to_forward(browser, live_server, org):
    report = services.report_submit(
        category=org.category,
        content="Cây đổ chắn ngang đường, xe không qua được.",
        channel="open311",
        area=org.commune_area,
        latitude=21.8537,
        longitude=106.7615,
        allow_incomplete=True,
    ).report
    page = staff(browser, live_server, org.operator, phone=True)
    open_case(page, report.tracking_code)
    warning = page.get_by_test_id("missing-information").inner_text()
    assert "Phản ánh chưa đủ thông tin." in warning
    assert "họ và tên người phản ánh, địa chỉ liên hệ, số điện thoại, số định danh cá nhân" in warning
    titles = page.locator("#actions details.c-action > summary").all_inner_texts()
    assert titles[0].strip() == "Đề nghị bổ sung thông tin"
    assert "Chuyển xử lý" in [t.strip() for t in titles]

    panel = open_panel(page, "forward")
    panel.get_by_role("button", name="Chuyển xử lý").click()
    error = page.wait_for_selector("#action-forward .errorlist")
    assert "Vui lòng đề nghị bổ sung thông tin" in error.inner_text()
    assert Report.objects.get(pk=report.pk).state == State.RECEIVED

    panel = open_panel(page, "forward")
    panel.get_by_label("Lý do chuyển khi chưa đủ thông tin").fill("Nguy hiểm, cần xử lý ngay.")
    panel.get_by_role("button", name="Chuyển xử lý").click()
    page.wait_for_selector(".c-msg--success")
    forwarded = Event.objects.get(report=report, action="forward")
    assert forwarded.data["incomplete_reason"] == "Nguy hiểm, cần xử lý ngay."
    page.context.close()
