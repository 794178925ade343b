"""Figures are computed by aggregate queries: the number of queries does not grow with the number of reports
(no per-report loop). Measured on each page, with the data set and with twelve more reports."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pakn.reports import services
from tests.conftest import at
from tests.stats.conftest import NOW

APRIL = {"period": "month", "year": "2026", "month": "4"}
PAGES = [
    ("dashboard", {}),
    ("dashboard", {"format": "xlsx"}),
    ("periodic", {}),
    ("periodic", {"format": "xlsx"}),
    ("periodic_print", {}),
    ("ranking", {}),
    ("late", {"format": "xlsx"}),
    ("reports", {"figure": "handled"}),
    ("staff", {}),  # each official's figures (R-15.3)
    ("staff", {"format": "xlsx"}),
]


def more_reports(dataset, submit, n=12):
    """n more cases in April at C1 and C2, resolved, some rated, with late and in-time steps."""
    org = dataset.org
    for i in range(n):
        day = 6 + i % 10
        other = i % 2 == 1
        extra = {"area": org.other_commune.area} if other else {}
        report = submit(now=at(f"2026-04-{day:02d} 13:30"), **extra).report
        leader = org.other_leader if other else org.commune_leader
        officer = org.people["c2_officer"] if other else org.officer
        services.report_forward(report=report, actor=org.operator, now=at(f"2026-04-{day:02d} 13:40"))
        services.report_assign(
            report=report, actor=leader, officer=officer, now=at(f"2026-04-{day:02d} 15:{i:02d}")
        )
        services.report_submit_result(
            report=report, actor=officer, result_text="Xong.", now=at(f"2026-04-{day:02d} 16:00")
        )
        services.report_approve(report=report, actor=leader, now=at(f"2026-04-{day:02d} 16:30"))


def count(client, user, name, params):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(f"stats:{name}"), {**APRIL, **params})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name, params", PAGES)
def test_queries_do_not_grow_with_the_reports(client, dataset, submit, name, params):
    user = dataset.org.supervisor
    before = count(client, user, name, params)
    more_reports(dataset, submit)
    after = count(client, user, name, params)
    assert after == before, f"{name}: {before} queries, then {after} with twelve more reports"
    assert before <= 60
