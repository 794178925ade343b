"""Working hours: only office time counts (07:30–11:30, 13:30–17:00 on working days), both ways."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pakn.workdays.calendar import Duration, Unit, parse_office_hours

from .support import at, make_calendar


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        ("2026-03-06T16:30", "1 working hour", "2026-03-09T08:00:00+07:00"),  # Friday → Monday
        ("2026-03-05T16:30", "1 working hour", "2026-03-06T08:00:00+07:00"),  # overnight
        ("2026-03-06T11:00", "1 working hour", "2026-03-06T14:00:00+07:00"),  # across lunch
        ("2026-03-06T12:00", "1 working hour", "2026-03-06T14:30:00+07:00"),  # from the lunch break
        ("2026-03-09T06:00", "2 working hours", "2026-03-09T09:30:00+07:00"),  # before opening
        ("2026-03-07T23:50", "1 working hour", "2026-03-09T08:30:00+07:00"),  # Saturday night
        ("2026-03-06T10:30", "1 working hour", "2026-03-06T11:30:00+07:00"),  # ends as the morning ends
        ("2026-03-06T16:00", "1 working hour", "2026-03-06T17:00:00+07:00"),  # ends at closing time
        ("2026-03-09T07:30", "8 working hours", "2026-03-10T08:00:00+07:00"),  # a day is 7½ hours
        ("2026-02-13T16:00", "2 working hours", "2026-02-23T08:30:00+07:00"),  # across Tết
        ("2026-01-09T16:30", "1 working hour", "2026-01-10T08:00:00+07:00"),  # into the worked Saturday
        ("2025-12-31T16:30", "1 working hour", "2026-01-05T08:00:00+07:00"),  # 1 and 2 January off
        ("2026-03-09T10:15:30", "1 working hour", "2026-03-09T11:15:30+07:00"),  # seconds are kept
    ],
)
def test_adding_working_hours(due, start, duration, expected):
    assert due(start, duration) == expected


@pytest.mark.parametrize(
    ("a", "b", "seconds"),
    [
        ("2026-03-06T16:30", "2026-03-09T08:00", 3600),  # over the weekend
        ("2026-03-06T11:00", "2026-03-06T14:00", 3600),  # over lunch
        ("2026-03-09T00:00", "2026-03-10T00:00", 27000),  # one whole working day: 7½ hours
        ("2026-03-07T00:00", "2026-03-09T00:00", 0),  # a weekend
        ("2026-02-13T17:00", "2026-02-23T07:30", 0),  # Tết
        ("2026-03-09T10:00", "2026-03-09T10:00", 0),
        ("2026-03-09T10:00", "2026-03-09T10:00:01.9", 1),  # whole seconds
        ("2026-03-09T08:00", "2026-03-06T16:30", -3600),  # reversed: negative
    ],
)
def test_working_seconds_between(calendar, a, b, seconds):
    assert calendar.working_seconds_between(at(a), at(b)) == seconds


def test_working_seconds_between_instants_in_other_zones(calendar):
    # 09:30 UTC is 16:30 in Vietnam; Monday 01:00 UTC is 08:00 in Vietnam.
    assert (
        calendar.working_seconds_between(at("2026-03-06T09:30+00:00"), at("2026-03-09T01:00+00:00")) == 3600
    )


def test_how_late_is_the_same_measure_as_the_deadline(calendar):
    start = at("2026-02-12T15:45")
    due = calendar.add(start, Duration(9, Unit.WORKING_HOURS))
    assert calendar.working_seconds_between(start, due) == 9 * 3600


def test_office_hours_are_configurable():
    calendar = make_calendar(office_hours=["08:00-12:00", "13:00-17:00"])
    result = calendar.add(at("2026-03-06T16:30"), Duration(1, Unit.WORKING_HOURS))
    assert result.isoformat() == "2026-03-09T08:30:00+07:00"


@pytest.mark.parametrize(
    "periods",
    [
        [],
        ["07:30"],
        ["7h30-11h30"],
        ["11:30-07:30"],
        ["13:30-17:00", "07:30-11:30"],
        ["07:30-12:00", "11:00-17:00"],
    ],
)
def test_bad_office_hours_are_refused(periods):
    with pytest.raises(ImproperlyConfigured, match="PAKN_OFFICE_HOURS"):
        parse_office_hours(periods)


def test_office_hours_may_be_written_with_an_en_dash():
    assert parse_office_hours(["07:30–11:30"]) == parse_office_hours(["07:30-11:30"])
