"""The public list never counts every report (issue 13: at a million reports COUNT(*) took 300 ms a page);
it says when there are more than the cap and how to reach older reports (R-9.2)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pakn.core import paging
from tests.conftest import at
from tests.portal.test_public_list import codes, get


def test_the_count_stops_at_the_cap_and_the_page_says_there_are_more(client, reports, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    for i in range(8):
        reports.received(now=at("2026-03-02 08:00") + timedelta(minutes=i))
    with CaptureQueriesContext(connection) as ctx:
        response = get(client)
    html = response.content.decode()
    assert len(codes(response)) == 5  # the pages end at the cap
    assert "Có hơn 5 phản ánh" in html and "Có 8 phản ánh" not in html
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 6" in counts[0]


def test_below_the_cap_the_exact_number_is_shown(client, reports, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    for i in range(3):
        reports.received(now=at("2026-03-02 08:00") + timedelta(minutes=i))
    html = get(client).content.decode()
    assert "Có 3 phản ánh." in html and "Có hơn" not in html
