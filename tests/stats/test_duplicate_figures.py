"""A report closed as a duplicate of another counts among the refused ones (issue 14, item 9; R-10.3)."""

from __future__ import annotations

from datetime import timedelta

from pakn.reports import services
from pakn.stats import figures as F
from pakn.stats.periods import month
from pakn.stats.scope import PROVINCE
from tests.conftest import at


def test_a_linked_duplicate_is_counted_as_rejected(org, submit):
    """R-10.3: the month's refusals include the duplicates closed by linking them to their original."""
    start = at("2026-05-04 08:00")
    original = submit(now=start).report
    services.report_forward(report=original, actor=org.operator, now=start + timedelta(minutes=10))
    duplicate = submit(now=start + timedelta(minutes=20)).report
    services.report_link_duplicate(
        report=duplicate,
        actor=org.operator,
        original=original.tracking_code,
        now=start + timedelta(minutes=30),
    )
    totals = F.totals(PROVINCE, month(2026, 5), at("2026-06-01 09:00"))
    assert (totals.received, totals.rejected) == (2, 1)
    assert F.figure_report_ids("rejected", PROVINCE, month(2026, 5)).count() == 1
