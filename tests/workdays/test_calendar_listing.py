"""A year's days off and worked weekend days, as the calendar command prints them."""

from __future__ import annotations

from datetime import date

from pakn.workdays.calendar import weekday_name

from .support import make_calendar


def test_days_off_2026_are_the_weekday_holidays_and_the_overrides(calendar):
    days = dict(calendar.days_off(2026))
    assert days[date(2026, 1, 1)] == "Tết Dương lịch"
    assert days[date(2026, 1, 2)] == "Nghỉ bù Tết Dương lịch 2026"
    assert [d for d in days if d.month == 2] == [date(2026, 2, d) for d in range(16, 21)]
    assert days[date(2026, 4, 27)] == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert date(2026, 4, 26) not in days  # a Sunday: no day off to announce
    assert all(d.weekday() < 5 for d in days)
    assert list(days) == sorted(days)


def test_worked_weekend_days_2026(calendar):
    assert calendar.worked_weekend_days(2026) == [
        (date(2026, 1, 10), "Làm bù cho ngày 02/01/2026"),
        (date(2026, 8, 22), "Làm bù cho ngày 31/08/2026"),  # from holidays.VN
    ]


def test_a_holiday_made_a_working_day_is_no_longer_listed():
    calendar = make_calendar(working_days={date(2026, 11, 24): "Làm việc"})
    assert date(2026, 11, 24) not in dict(calendar.days_off(2026))


def test_a_day_off_override_on_a_weekend_is_still_listed_with_its_name():
    calendar = make_calendar(days_off={date(2026, 8, 22): "Hủy làm bù"})
    assert (date(2026, 8, 22), "Hủy làm bù") in calendar.days_off(2026)
    assert calendar.worked_weekend_days(2026) == [(date(2026, 1, 10), "Làm bù cho ngày 02/01/2026")]


def test_days_given_as_a_set_get_a_default_name():
    calendar = make_calendar(days_off={date(2027, 3, 1)}, working_days={date(2027, 3, 6)})
    assert (date(2027, 3, 1), "Ngày nghỉ") in calendar.days_off(2027)
    assert calendar.worked_weekend_days(2027) == [(date(2027, 3, 6), "Ngày làm việc bù")]


def test_the_holiday_provider_is_asked_lazily_once_per_year():
    asked: list[int] = []

    def provider(year):
        asked.append(year)
        return {date(year, 3, 2): "Ngày thử"}

    calendar = make_calendar(provider=provider)
    assert asked == []
    assert not calendar.is_working_day(date(2026, 3, 2))
    assert calendar.is_working_day(date(2026, 3, 3))
    assert calendar.days_off(2026)[-1] == (date(2026, 3, 2), "Ngày thử")
    assert asked == [2026]


def test_weekday_names_are_vietnamese():
    assert [weekday_name(date(2026, 3, d)) for d in range(2, 9)] == [
        "Thứ Hai",
        "Thứ Ba",
        "Thứ Tư",
        "Thứ Năm",
        "Thứ Sáu",
        "Thứ Bảy",
        "Chủ nhật",
    ]
