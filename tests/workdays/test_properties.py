"""Properties of working-day and working-hour deadlines for any start in 2025–2027."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pakn.workdays.calendar import Duration, Unit

from .support import VN, make_calendar

CALENDAR = make_calendar()

starts = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([VN, UTC, timezone(timedelta(hours=-5)), ZoneInfo("Europe/Paris")]),
)


def in_office_time_or_at_its_edge(moment: datetime) -> bool:
    local = moment.astimezone(VN)
    clock = local.time()
    return CALENDAR.is_working_day(local.date()) and any(
        start <= clock <= end for start, end in CALENDAR.office_hours
    )


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=10))
def test_n_working_days_end_in_office_time_on_a_working_day_after_the_start(start, n):
    due = CALENDAR.add(start, Duration(n, Unit.WORKING_DAYS))
    assert due.tzinfo == VN
    assert in_office_time_or_at_its_edge(due)
    assert due > start
    # N working days later is between N and N+1 working days of office time after the start.
    seconds = CALENDAR.working_seconds_between(start, due)
    assert (n - 1) * 27000 < seconds <= n * 27000


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=40))
def test_n_working_hours_are_exactly_n_hours_of_office_time(start, n):
    due = CALENDAR.add(start, Duration(n, Unit.WORKING_HOURS))
    assert in_office_time_or_at_its_edge(due)
    assert due > start
    assert CALENDAR.working_seconds_between(start, due) == n * 3600


@settings(max_examples=100, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=10))
def test_more_working_days_never_give_an_earlier_deadline(start, n):
    one_less = CALENDAR.add(start, Duration(n - 1, Unit.WORKING_DAYS))
    assert CALENDAR.add(start, Duration(n, Unit.WORKING_DAYS)) > one_less
