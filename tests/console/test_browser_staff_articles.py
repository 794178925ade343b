"""Articles 14 and 15 in Chromium on a phone, by visible labels: a leader proposes a category and the
administrator refuses it with a reason, then approves another (R-14.3); a focal official updates a case's
progress (Điều 14 khoản 1); an officer reads his own results (R-15.3)."""

from __future__ import annotations

import pytest

from pakn.org.models import Category, CategoryProposal, User
from pakn.reports import services
from pakn.reports.models import Event
from tests.conftest import make_user
from tests.console.test_browser import open_case, open_panel, routed_report, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_leader_proposes_categories_and_the_administrator_decides(browser, live_server, org):
    """R-14.3: proposed from a phone; refused with a reason and approved on the administrator's page."""
    admin = make_user(org.ioc, User.Role.ADMIN, name="Trần Quản Trị")
    leader = staff(browser, live_server, org.commune_leader, phone=True)
    leader.goto("/console/linh-vuc/")
    for name in ("Quản lý chợ", "Bến xe khách"):
        leader.get_by_label("Tên lĩnh vực").fill(name)
        leader.get_by_label("Lý do đề xuất").fill(
            f"Nhiều phản ánh về {name.lower()} chưa có lĩnh vực phù hợp."
        )
        leader.get_by_role("button", name="Gửi đề xuất").click()
        leader.wait_for_selector("text=Đã gửi đề xuất lĩnh vực")
    assert CategoryProposal.objects.filter(status="pending").count() == 2

    office = staff(browser, live_server, admin)
    office.goto("/console/linh-vuc/")
    market = office.get_by_role("article", name="Quản lý chợ")
    market.get_by_label("Lý do, ghi chú (bắt buộc khi không chấp thuận)").fill("Đã có lĩnh vực thương mại.")
    market.get_by_role("button", name="Không chấp thuận").click()
    office.wait_for_selector("text=Đã không chấp thuận đề xuất")
    office.get_by_role("article", name="Bến xe khách").get_by_role(
        "button", name="Chấp thuận và áp dụng"
    ).click()
    office.wait_for_selector("text=Đã chấp thuận và áp dụng đề xuất")
    assert Category.objects.filter(name="Bến xe khách", is_active=True).exists()

    leader.reload()
    assert "Đã có lĩnh vực thương mại." in leader.get_by_role("article", name="Quản lý chợ").inner_text()
    assert "Đã chấp thuận" in leader.get_by_role("article", name="Bến xe khách").inner_text()


def test_a_focal_official_updates_progress_and_an_officer_reads_his_results(browser, live_server, org):
    """Điều 14 khoản 1 and R-15.3 on a phone."""
    focal = make_user(org.commune, User.Role.OFFICER, name="Hoàng Thị Đầu Mối", is_focal=True)
    report = routed_report(org)
    services.report_assign(report=report, actor=org.commune_leader, officer=focal)
    services.report_submit_result(report=report, actor=focal, result_text="Đã xử lý xong.")
    services.report_return(report=report, actor=org.commune_leader, note="Bổ sung ảnh.")
    page = staff(browser, live_server, focal, phone=True)
    open_case(page, report.tracking_code)
    panel = open_panel(page, "update_progress")
    panel.get_by_label("Tiến độ xử lý").fill("Đang chờ nhà thầu vá mặt đường.")
    panel.get_by_role("button", name="Lưu tiến độ").click()
    page.wait_for_selector(".c-msg--success")
    assert Event.objects.filter(report=report, action="update_progress", visibility="public").exists()

    page.get_by_role("link", name="Kết quả của tôi").click()
    page.wait_for_selector("text=Kết quả của cán bộ")
    table = page.locator("main table").inner_text()
    assert "Hoàng Thị Đầu Mối" in table and str(org.commune_leader) not in table
