"""The same figures on PostgreSQL: the portable median and 90th percentile (ORDER BY … OFFSET, interpolated)
equal PostgreSQL's own percentile_cont. The rest of tests/stats runs on both databases unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from pakn.stats import quality
from pakn.stats.periods import month, year
from pakn.stats.scope import PROVINCE, Scope

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="compares with PostgreSQL's percentile_cont"
    ),
]


def percentile_cont(scope, period):
    durations = (
        quality.last_results(scope, period).annotate(handling=quality.HANDLING_TIME).values("handling")
    )
    sql, params = durations.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY handling), "
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY handling) FROM ({sql}) AS durations",
            params,
        )
        return cursor.fetchone()


@pytest.mark.parametrize("period", [month(2026, 4), month(2026, 3), month(2026, 5), year(2026)])
def test_percentiles_equal_percentile_cont(dataset, period):
    median, p90 = percentile_cont(PROVINCE, period)
    h = quality.handling_time(PROVINCE, period)
    assert (h.median, h.p90) == (median, p90)


def test_percentiles_of_an_agency_equal_percentile_cont(dataset):
    scope = Scope(dataset.c1, frozenset({dataset.c1.pk}))
    median, p90 = percentile_cont(scope, month(2026, 4))
    assert (median, p90) == (timedelta(hours=7), timedelta(hours=19.8))
    h = quality.handling_time(scope, month(2026, 4))
    assert (h.median, h.p90) == (median, p90)
