"""The case page offers the reports like this one nearby, so the IOC can link a duplicate to its original
(issue 14, item 9; R-5.3): open ones and those resolved in the last 30 days, marked resolved."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse

from pakn.reports import services
from tests.conftest import at
from tests.console.conftest import signed_in


def test_the_operator_sees_similar_reports_nearby_with_the_resolved_ones_marked(org, submit):
    start = at("2026-03-02 08:00")
    original = submit(now=start).report
    services.report_forward(report=original, actor=org.operator, now=start + timedelta(minutes=10))
    fixed = submit(now=start).report
    services.report_forward(report=fixed, actor=org.operator, now=start + timedelta(minutes=10))
    services.report_assign(
        report=fixed, actor=org.commune_leader, officer=org.officer, now=start + timedelta(hours=1)
    )
    services.report_submit_result(
        report=fixed, actor=org.officer, result_text="Đã xong.", now=start + timedelta(hours=2)
    )
    services.report_approve(report=fixed, actor=org.commune_leader, now=start + timedelta(hours=3))
    duplicate = submit(now=start + timedelta(days=3)).report
    with time_machine.travel(start + timedelta(days=3, hours=1), tick=False):
        html = signed_in(org.operator).get(reverse("console:case", args=[duplicate.pk])).content.decode()
        officer_html = (
            signed_in(org.officer).get(reverse("console:case", args=[original.pk])).content.decode()
        )
    assert "Phản ánh tương tự ở gần" in html
    assert original.tracking_code in html and fixed.tracking_code in html
    assert "Đã xử lý xong ngày 02/03/2026" in html
    assert html.count(duplicate.tracking_code) >= 1
    assert "Phản ánh tương tự ở gần" not in officer_html  # only where a duplicate may be linked
