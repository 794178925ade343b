"""Every figure of the fixed data set (tests/stats/conftest.py), computed by hand, against pakn.stats.figures.

R-10.3, R-13.2 (periodic figures), R-12.1 (per agency), R-14.4 (late steps), R-8.3 (satisfaction).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pakn.stats import figures as F
from pakn.stats import quality, series
from pakn.stats.periods import month
from pakn.stats.scope import PROVINCE, Scope
from tests.stats.conftest import NOW

APRIL, MARCH, MAY = month(2026, 4), month(2026, 3), month(2026, 5)


def codes(dataset, queryset):
    return set(queryset.values_list("tracking_code", flat=True))


def only(agency):
    return Scope(agency, frozenset({agency.pk}))


def test_april_totals_for_the_province(dataset):
    """R-10.3: received 10 (R1–R10), handled 5 (R1, R4, R5, R6, R11) of which 2 late (R4 at C2, R5 at the
    IOC; R6's department answered after its 1-working-day target, which Decision 826 does not set, so R6 is
    on time), open at the end 4 (R2, R3, R9, R10) of which 1 overdue (R9), 1 rejected, 1 cancelled."""
    t = F.totals(PROVINCE, APRIL, NOW)
    assert (t.received, t.handled, t.on_time, t.late) == (10, 5, 3, 2)
    assert (t.open, t.overdue, t.rejected, t.cancelled) == (4, 1, 1, 1)
    assert t.on_time_rate == pytest.approx(0.6)


def test_march_totals_for_the_province(dataset):
    """The previous period: R11, R12, R13 received; R12 (late) and R13 resolved; R11 open, not yet overdue,
    at midnight on 1 April (its assignment was due at 07:50 that day)."""
    t = F.totals(PROVINCE, MARCH, NOW)
    assert (t.received, t.handled, t.on_time, t.late) == (3, 2, 1, 1)
    assert (t.open, t.overdue, t.rejected, t.cancelled) == (1, 0, 0, 0)


def test_may_runs_until_now(dataset):
    """A running period is read at `now`: R10 and R14 are open and overdue now; R3 and R9 were resolved late
    in May, R2 in time (its deadline fell after the 30 April – 1 May holidays)."""
    t = F.totals(PROVINCE, MAY, NOW)
    assert (t.received, t.handled, t.on_time, t.late) == (1, 3, 1, 2)
    assert (t.open, t.overdue) == (2, 2)


@pytest.mark.parametrize(
    "figure, names",
    [
        ("received", ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10"]),
        ("handled", ["R1", "R4", "R5", "R6", "R11"]),
        ("on_time", ["R1", "R6", "R11"]),
        ("late", ["R4", "R5"]),
        ("open", ["R2", "R3", "R9", "R10"]),
        ("overdue", ["R9"]),
        ("rejected", ["R7"]),
        ("cancelled", ["R8"]),
    ],
)
def test_each_figure_is_the_set_of_its_reports(dataset, figure, names):
    """Each figure links to the reports behind it: the same definition gives the list."""
    assert codes(dataset, F.figure_reports(figure, PROVINCE, APRIL, NOW)) == dataset.code(*names)


def test_by_category_adds_up_to_the_totals(dataset):
    rows = {row.label: row.counts for row in F.by_dimension("category", PROVINCE, APRIL, NOW)}
    a, b, c = rows["Vệ sinh môi trường"], rows["An toàn giao thông"], rows["An ninh, trật tự"]
    assert (a.received, a.handled, a.late, a.open, a.overdue, a.rejected, a.cancelled) == (
        5,
        4,
        1,
        1,
        0,
        0,
        1,
    )
    assert (b.received, b.handled, b.late, b.open, b.overdue, b.rejected, b.cancelled) == (
        3,
        1,
        1,
        2,
        1,
        0,
        0,
    )
    assert (c.received, c.handled, c.late, c.open, c.overdue, c.rejected, c.cancelled) == (
        2,
        0,
        0,
        1,
        0,
        1,
        0,
    )
    assert len(rows) == 3


def test_by_channel(dataset):
    rows = {row.key: row.counts for row in F.by_dimension("channel", PROVINCE, APRIL, NOW)}
    assert set(rows) == {"web", "app", "staff"}
    web, app, staff = rows["web"], rows["app"], rows["staff"]
    assert (web.received, web.handled, web.late, web.open, web.cancelled) == (5, 2, 1, 2, 1)
    assert (app.received, app.handled, app.late, app.open, app.overdue, app.rejected) == (4, 2, 1, 2, 1, 1)
    assert (staff.received, staff.handled, staff.late, staff.open) == (1, 1, 0, 0)


def test_by_area(dataset):
    rows = {row.key: row.counts for row in F.by_dimension("area", PROVINCE, APRIL, NOW)}
    c1, c2 = rows[dataset.c1.area_id], rows[dataset.c2.area_id]
    assert (c1.received, c1.handled, c1.late, c1.open, c1.overdue, c1.rejected, c1.cancelled) == (
        8,
        4,
        1,
        3,
        1,
        1,
        1,
    )
    assert (c2.received, c2.handled, c2.late, c2.open) == (2, 1, 1, 1)


def test_per_agency(dataset):
    """R-12.1: each agency's own figures. The IOC receives every submission; C1 the cases forwarded to it;
    each step with a deadline of Decision 826 counts for the agency that did it (approval, a department's
    opinion and a clarification have internal targets only, and count nowhere); ratings for the agency that
    gave the result."""
    org = dataset.org
    rows = F.per_agency(PROVINCE, APRIL, NOW)
    # The departments only gave opinions (targets): nothing of theirs is a figure.
    assert set(rows) == {org.ioc.pk, dataset.c1.pk, dataset.c2.pk}
    ioc, c1, c2 = rows[org.ioc.pk], rows[dataset.c1.pk], rows[dataset.c2.pk]
    assert (ioc.counts.received, ioc.counts.handled, ioc.counts.late, ioc.counts.open) == (10, 1, 0, 0)
    assert (ioc.counts.rejected, ioc.counts.cancelled, ioc.steps, ioc.steps_on_time) == (1, 1, 11, 10)
    assert (ioc.rated, ioc.satisfied) == (1, 1)
    assert (c1.counts.received, c1.counts.handled, c1.counts.late, c1.counts.open, c1.counts.overdue) == (
        6,
        3,
        0,
        3,
        1,
    )
    # Assignments (R11, R1, R5, R9, R2, R3), verifications (R11, R1, R5) and R6's escalation: all in time.
    assert (c1.steps, c1.steps_on_time) == (10, 10)
    assert (c1.rated, c1.satisfied, c1.acceptable, c1.unsatisfied) == (3, 2, 1, 0)
    assert (c2.counts.received, c2.counts.handled, c2.counts.late, c2.counts.open, c2.counts.overdue) == (
        2,
        1,
        1,
        1,
        0,
    )
    assert (c2.steps, c2.steps_on_time, c2.rated, c2.unsatisfied) == (2, 0, 1, 1)
    assert c1.resolution_rate == pytest.approx(0.5)
    assert c1.satisfaction_score == pytest.approx(2.5 / 3)


def test_steps_on_time(dataset):
    """The share of each step of Decision 826 done in time; supplementing is the reporter's step, and
    approval, opinions and clarifications have internal targets only: all left out."""
    shares = {s.step: (s.done, s.on_time) for s in quality.steps_on_time(PROVINCE, APRIL)}
    assert shares == {
        "triage": (10, 9),
        "assign": (7, 6),
        "handle": (4, 3),
        "escalate": (1, 1),
        "coordinate": (1, 1),
    }


def test_satisfaction(dataset):
    """R-8.3: ratings given in April: R1, R6, R11 satisfied; R5 acceptable; R4 unsatisfied."""
    s = quality.satisfaction(PROVINCE, APRIL)
    assert (s.satisfied, s.acceptable, s.unsatisfied, s.rated) == (3, 1, 1, 5)
    assert s.share("satisfied") == pytest.approx(0.6)
    previous = quality.satisfaction(PROVINCE, MARCH)
    assert (previous.acceptable, previous.rated) == (1, 1)


def test_handling_time_median_and_90th_percentile(dataset):
    """From submission to result: R5 2.5 h, R1 7 h, R11 23 h, R4 51 h, R6 97 h. Median 23 h; the 90th
    percentile interpolates between the 4th and 5th: 51 + 0.6 × 46 = 78.6 h; mean 36.1 h."""
    h = quality.handling_time(PROVINCE, APRIL)
    assert h.count == 5
    assert h.median == timedelta(hours=23)
    assert h.p90 == timedelta(hours=78.6)
    assert h.mean == timedelta(hours=36.1)


def test_handling_time_of_an_agency(dataset):
    """C1's results: R5 2.5 h, R1 7 h, R11 23 h: median 7 h, p90 = 7 + 0.8 × 16 = 19.8 h."""
    h = quality.handling_time(only(dataset.c1), APRIL)
    assert (h.count, h.median, h.p90) == (3, timedelta(hours=7), timedelta(hours=19.8))


def test_no_results_no_percentiles(dataset):
    h = quality.handling_time(PROVINCE, month(2026, 1))
    assert (h.count, h.median, h.p90, h.mean) == (0, None, None, None)


def test_received_per_day_in_local_days(dataset):
    """Days are local (Asia/Ho_Chi_Minh): R10 at 16:00 on 29 April is 09:00 UTC the same day, and the three
    cases of 29 April fall on that day."""
    per_day = dict(series.received_per_day(PROVINCE, APRIL))
    assert len(per_day) == 30 and sum(per_day.values()) == 10
    nonzero = {d.day: n for d, n in per_day.items() if n}
    assert nonzero == {2: 1, 6: 1, 7: 1, 9: 1, 10: 2, 20: 1, 29: 3}


def test_received_by_state_now(dataset):
    states = {s: n for s, _label, n in series.received_by_state(PROVINCE, APRIL)}
    assert states == {"resolved": 7, "in_progress": 1, "rejected": 1, "cancelled": 1}


def test_density_map(dataset):
    """Received cases with a place, per 0.01° cell: 7 around Đông Kinh (R7 has no coordinates), 2 at C2."""
    cells = {(c.latitude, c.longitude): c.count for c in series.received_map(PROVINCE, APRIL)}
    assert cells == {(21.85, 106.76): 7, (21.84, 106.75): 2}


def test_overdue_now(dataset):
    """R-10.1: now (15 May 10:00) R10 (C2, handle due 5 May) and R14 (C1, assign due 6 May 09:10, and not
    escalated either by 7 May 08:10, R-7.3b) are overdue."""
    assert codes(dataset, series.overdue_now(PROVINCE, NOW)) == dataset.code("R10", "R14")
    assert {name: n for _pk, name, n in series.overdue_by_agency(PROVINCE, NOW)} == {
        dataset.c1.name: 1,
        dataset.c2.name: 1,
    }
    assert {s: n for s, _label, n in series.overdue_by_step(PROVINCE, NOW)} == {"assign": 1, "handle": 1}


def test_public_on_time_flag(dataset):
    from pakn.reports.models import Report

    flags = dict(Report.objects.annotate(ok=quality.on_time_expression()).values_list("tracking_code", "ok"))
    expect = {
        "R1": True, "R11": True, "R13": True, "R2": True, "R6": True,  # R6: a department's target only
        "R4": False, "R5": False, "R12": False, "R3": False, "R9": False,
        "R7": None, "R8": None, "R10": None, "R14": None,
    }  # fmt: skip
    assert {name: flags[dataset.r[name].tracking_code] for name in expect} == expect
