"""A citizen follows a case moved by the 2022 → 2025 reorganisation, on a phone (issue 11, item 11): the public
page names the move and the new agency in Vietnamese, by visible labels."""

from __future__ import annotations

import pytest

from tests.reports.test_area_succession import _import, live_2022  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_citizen_reads_that_his_case_moved_to_the_new_ward(phone_page, live_2022):  # noqa: F811
    _import()
    report = live_2022["quang_lac"]
    page = phone_page
    page.goto(f"/phan-anh/{report.tracking_code}/")
    page.get_by_text("Chuyển cơ quan kế thừa do sắp xếp đơn vị hành chính").first.wait_for()
    note = page.get_by_text("UBND Xã Quảng Lạc không còn hoạt động", exact=False).first
    assert note.is_visible()
    assert "UBND Phường Lương Văn Tri" in note.inner_text()
    assert "transfer_successor" not in page.content()
