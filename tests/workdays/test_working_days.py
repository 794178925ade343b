"""Working days: which days are worked, and N working days from a start, keeping the clock time (R-7)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from pakn.workdays.calendar import Duration, Unit, WorkCalendar, parse_office_hours

from .support import VN, at, make_calendar


class TestWhichDaysAreWorked:
    @pytest.mark.parametrize(
        ("day", "worked"),
        [
            (date(2026, 3, 6), True),  # an ordinary Friday
            (date(2026, 3, 7), False),  # Saturday
            (date(2026, 3, 8), False),  # Sunday
            (date(2026, 1, 1), False),  # Tết Dương lịch (holidays.VN)
            (date(2026, 1, 2), False),  # override: Nghỉ bù Tết Dương lịch 2026
            (date(2026, 1, 10), True),  # override: Saturday worked for 2 January
            (date(2026, 2, 13), True),  # the Friday before Tết
            (date(2026, 2, 16), False),  # Tết 2026, 16–20 February in holidays.VN
            (date(2026, 2, 20), False),
            (date(2026, 2, 23), True),  # back to work after Tết
            (date(2026, 4, 27), False),  # Giỗ Tổ Hùng Vương falls on a Sunday, observed on Monday
            (date(2026, 8, 22), True),  # a Saturday holidays.VN itself knows was worked (for 31 August)
            (date(2026, 8, 31), False),
        ],
    )
    def test_it_follows_weekdays_holidays_and_overrides(self, calendar, day, worked):
        assert calendar.is_working_day(day) is worked

    def test_a_working_day_override_wins_over_a_holiday(self):
        calendar = make_calendar(working_days={date(2026, 9, 1): "Làm việc"})
        assert calendar.is_working_day(date(2026, 9, 1))

    def test_a_day_off_override_cancels_a_saturday_the_library_says_was_worked(self):
        calendar = make_calendar(days_off={date(2026, 8, 22): "Không làm bù"})
        assert not calendar.is_working_day(date(2026, 8, 22))

    def test_an_aware_datetime_counts_by_its_local_date(self, calendar):
        # 17:30 UTC on Friday 9 January is already Saturday 10 January in Vietnam, a worked Saturday.
        assert calendar.is_working_day(at("2026-01-09T17:30+00:00"))
        # 17:30 UTC on Friday 6 March is Saturday 7 March in Vietnam.
        assert not calendar.is_working_day(at("2026-03-06T17:30+00:00"))

    def test_a_day_cannot_be_both_off_and_worked(self):
        with pytest.raises(ValueError, match="both"):
            make_calendar(days_off={date(2026, 3, 9)}, working_days={date(2026, 3, 9)})


class TestTheExamplesThatMustHold:
    def test_tet_2026_friday_before_to_monday_after(self, due):
        assert due("2026-02-13T10:00+07:00", "1 working day") == "2026-02-23T10:00:00+07:00"

    def test_a_report_at_2350_on_saturday(self, due):
        assert due("2026-03-07T23:50+07:00", "1 working day") == "2026-03-10T07:30:00+07:00"

    def test_new_year_holiday_and_the_override_day_off(self, due):
        assert due("2025-12-31T09:00+07:00", "1 working day") == "2026-01-05T09:00:00+07:00"

    def test_the_worked_saturday_10_january(self, due):
        assert due("2026-01-09T09:00+07:00", "1 working day") == "2026-01-10T09:00:00+07:00"


class TestWorkingDays:
    def test_over_a_weekend(self, due):
        assert due("2026-03-06T10:00", "1 working day") == "2026-03-09T10:00:00+07:00"
        assert due("2026-03-05T10:00", "3 working days") == "2026-03-10T10:00:00+07:00"

    def test_province_three_working_days_across_tet(self, due):
        assert due("2026-02-12T09:00", "3 working days") == "2026-02-24T09:00:00+07:00"

    def test_observed_hung_kings_day(self, due):
        assert due("2026-04-24T10:00", "1 working day") == "2026-04-28T10:00:00+07:00"

    def test_two_working_days_through_the_worked_saturday(self, due):
        assert due("2026-01-09T09:00", "2 working days") == "2026-01-12T09:00:00+07:00"

    def test_without_the_overrides_the_library_alone_is_wrong_for_january_2026(self):
        bare = make_calendar(days_off={}, working_days={})
        one = Duration(1, Unit.WORKING_DAYS)
        assert bare.add(at("2025-12-31T09:00"), one).isoformat() == "2026-01-02T09:00:00+07:00"
        assert bare.add(at("2026-01-09T09:00"), one).isoformat() == "2026-01-12T09:00:00+07:00"

    def test_a_saturday_the_library_knows_was_worked(self, due):
        assert due("2026-08-21T09:00", "1 working day") == "2026-08-22T09:00:00+07:00"

    @pytest.mark.parametrize(
        ("start", "expected"),
        [
            ("2026-03-06T12:00", "2026-03-09T13:30:00+07:00"),  # lunch break → 13:30
            ("2026-03-06T11:30", "2026-03-09T13:30:00+07:00"),  # 11:30 is already the break
            ("2026-03-06T17:00", "2026-03-10T07:30:00+07:00"),  # closing time → next working day 07:30
            ("2026-03-06T17:30", "2026-03-10T07:30:00+07:00"),
            ("2026-03-09T06:00", "2026-03-10T07:30:00+07:00"),  # before opening → 07:30 that day
            ("2026-03-09T07:30", "2026-03-10T07:30:00+07:00"),  # at opening: unchanged
            ("2026-03-09T16:59:59", "2026-03-10T16:59:59+07:00"),
            ("2026-01-01T10:00", "2026-01-06T07:30:00+07:00"),  # a holiday → next working day 07:30
            ("2026-02-14T08:00", "2026-02-24T07:30:00+07:00"),  # inside the Tết break
        ],
    )
    def test_a_start_outside_office_time_moves_to_the_next_opening_first(self, due, start, expected):
        assert due(start, "1 working day") == expected

    def test_a_start_in_another_zone_gives_vietnam_time(self, calendar):
        result = calendar.add(at("2026-02-13T03:00+00:00"), Duration(1, Unit.WORKING_DAYS))
        assert result.isoformat() == "2026-02-23T10:00:00+07:00"
        assert result.tzinfo == VN

    def test_zero_working_days_is_the_next_opening(self, due):
        assert due("2026-03-07T23:50", "0 working days") == "2026-03-09T07:30:00+07:00"

    def test_a_naive_start_is_refused(self, calendar):
        with pytest.raises(ValueError, match="aware"):
            calendar.add(datetime(2026, 3, 6, 10), Duration(1, Unit.WORKING_DAYS))

    def test_a_calendar_with_no_working_day_fails_instead_of_looping(self):
        calendar = WorkCalendar(
            days_off=set(),
            working_days=set(),
            office_hours=parse_office_hours(["07:30-11:30"]),
            tz=ZoneInfo("Asia/Ho_Chi_Minh"),
            holiday_years_provider=lambda year: {
                date.fromordinal(n): "Nghỉ"
                for n in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal())
            },
        )
        with pytest.raises(ValueError, match="no working day"):
            calendar.add(at("2026-03-06T10:00"), Duration(1, Unit.WORKING_DAYS))


class TestClockHoursAndCalendarDays:
    def test_hours_are_plain_clock_hours(self, due):
        assert due("2026-03-07T23:50", "1 hour") == "2026-03-08T00:50:00+07:00"
        assert due("2026-02-13T16:30", "3 hours") == "2026-02-13T19:30:00+07:00"

    def test_hours_from_another_zone_come_back_in_vietnam_time(self, due):
        assert due("2026-03-06T10:00+00:00", "2 hours") == "2026-03-06T19:00:00+07:00"

    def test_days_are_calendar_days_at_the_same_clock_time(self, due):
        assert due("2026-02-13T10:00", "1 day") == "2026-02-14T10:00:00+07:00"
        assert due("2026-02-13T10:00", "5 days") == "2026-02-18T10:00:00+07:00"

    def test_days_keep_the_local_clock_time_of_the_calendar_zone(self, due):
        # 20:00 UTC is 03:00 the next morning in Vietnam.
        assert due("2026-03-06T20:00+00:00", "1 day") == "2026-03-08T03:00:00+07:00"
