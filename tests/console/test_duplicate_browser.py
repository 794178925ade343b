"""The IOC links a duplicate to the case already received, on a 390 px phone, by visible labels (issue 14,
item 9; R-5.3, R-9.2): the duplicate closes as «trùng», both timelines say so, its reporter is told with the
original's tracking code and follows it; «Tôi cũng gặp» shows on the case page."""

from __future__ import annotations

import re

import pytest

from pakn.notify.models import Delivery, Follower, Kind
from pakn.reports import services
from pakn.reports.duplicates import me_too_add
from pakn.reports.models import Report, State
from tests.conftest import VALID
from tests.console.test_browser import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _submit(org, **overrides):
    fields = {**VALID, "category": org.category, "area": org.commune_area, **overrides}
    return services.report_submit(**fields).report


def test_the_operator_links_a_duplicate_from_a_phone(browser, live_server, org):
    original = _submit(org)
    services.report_forward(report=original, actor=org.operator)
    me_too_add(report=Report.objects.get(pk=original.pk), voter="a-browser")
    duplicate = _submit(org, reporter_phone="0913 222 333")
    page = staff(browser, live_server, org.operator, phone=True)

    page.goto(f"/console/phan-anh/{duplicate.pk}/")
    page.get_by_text("Gộp vào phản ánh đã có (trùng)").first.click()
    page.get_by_label("Mã tra cứu của phản ánh gốc").fill("KHONG-CO")
    page.get_by_role("button", name="Gộp vào phản ánh gốc").click()
    page.get_by_text("Không tìm thấy phản ánh có mã KHONG-CO.").wait_for()
    page.get_by_label("Mã tra cứu của phản ánh gốc").fill(original.tracking_code)
    page.get_by_role("button", name="Gộp vào phản ánh gốc").click()
    page.wait_for_selector(".c-msg--success")
    assert page.get_by_text(
        f"Phản ánh trùng với phản ánh {original.tracking_code}", exact=False
    ).first.is_visible()
    duplicate.refresh_from_db()
    assert duplicate.state == State.REJECTED

    # The original's case page: the link on its timeline, and one citizen who has this too.
    page.goto(f"/console/phan-anh/{original.pk}/")
    assert page.get_by_text("Gộp phản ánh trùng").first.is_visible()
    assert page.get_by_text(
        re.compile(rf"Phản ánh {duplicate.tracking_code} trùng nội dung")
    ).first.is_visible()
    row = page.locator("dt", has_text="Người dân cũng gặp").locator("xpath=following-sibling::dd[1]")
    assert row.inner_text().strip() == "1 người"
    # The duplicate's reporter is told (with the original's code) and follows the original.
    told = Delivery.objects.get(outbox__kind=Kind.DUPLICATE_LINKED, outbox__report=duplicate, channel="sms")
    assert told.to_reporter and told.address == "+84913222333"
    assert Follower.objects.filter(report=original, origin=Follower.Origin.DUPLICATE).count() == 1
    page.context.close()
