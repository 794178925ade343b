"""get_calendar and add_duration: holidays.VN plus the CalendarOverride table (read on each call)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from pakn.workdays.calendar import Duration, Unit, add_duration, get_calendar, parse_duration
from pakn.workdays.models import CalendarOverride

from .support import VN, at

pytestmark = pytest.mark.django_db

ONE_WORKING_DAY = Duration(1, Unit.WORKING_DAYS)


def test_the_migration_seeds_the_2026_new_year_swap():
    rows = list(CalendarOverride.objects.values_list("date", "kind", "name"))
    assert rows == [
        (date(2026, 1, 2), "day_off", "Nghỉ bù Tết Dương lịch 2026"),
        (date(2026, 1, 10), "working_day", "Làm bù cho ngày 02/01/2026"),
    ]


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        ("2026-02-13T10:00+07:00", "1 working day", "2026-02-23T10:00:00+07:00"),
        ("2026-03-07T23:50+07:00", "1 working day", "2026-03-10T07:30:00+07:00"),
        ("2025-12-31T09:00+07:00", "1 working day", "2026-01-05T09:00:00+07:00"),
        ("2026-01-09T09:00+07:00", "1 working day", "2026-01-10T09:00:00+07:00"),
        ("2026-03-06T16:30+07:00", "1 working hour", "2026-03-09T08:00:00+07:00"),
    ],
)
def test_add_duration_uses_the_configured_calendar(start, duration, expected):
    assert add_duration(datetime.fromisoformat(start), parse_duration(duration)).isoformat() == expected


def test_a_new_day_off_applies_at_once():
    start = at("2026-03-06T10:00")
    assert add_duration(start, ONE_WORKING_DAY).isoformat() == "2026-03-09T10:00:00+07:00"
    override = CalendarOverride.objects.create(
        date=date(2026, 3, 9), kind=CalendarOverride.Kind.DAY_OFF, name="Nghỉ đột xuất"
    )
    assert add_duration(start, ONE_WORKING_DAY).isoformat() == "2026-03-10T10:00:00+07:00"
    override.delete()
    assert add_duration(start, ONE_WORKING_DAY).isoformat() == "2026-03-09T10:00:00+07:00"


def test_a_new_worked_saturday_applies_at_once():
    CalendarOverride.objects.create(
        date=date(2026, 3, 7), kind=CalendarOverride.Kind.WORKING_DAY, name="Làm bù cho ngày 09/03/2026"
    )
    assert add_duration(at("2026-03-06T10:00"), ONE_WORKING_DAY).isoformat() == "2026-03-07T10:00:00+07:00"
    assert (date(2026, 3, 7), "Làm bù cho ngày 09/03/2026") in get_calendar().worked_weekend_days(2026)


def test_an_edited_override_applies_at_once():
    CalendarOverride.objects.filter(date=date(2026, 1, 2)).update(kind=CalendarOverride.Kind.WORKING_DAY)
    assert add_duration(at("2025-12-31T09:00"), ONE_WORKING_DAY).isoformat() == "2026-01-02T09:00:00+07:00"


def test_reading_the_calendar_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_duration(at("2026-02-13T10:00"), Duration(3, Unit.WORKING_DAYS))


def test_office_hours_and_time_zone_come_from_settings(settings):
    settings.PAKN_OFFICE_HOURS = ["08:00-12:00", "13:00-17:00"]
    result = add_duration(at("2026-03-06T16:30"), Duration(1, Unit.WORKING_HOURS))
    assert result.isoformat() == "2026-03-09T08:30:00+07:00"
    calendar = get_calendar()
    assert calendar.tz == VN
    assert [(f"{s:%H:%M}", f"{e:%H:%M}") for s, e in calendar.office_hours] == [
        ("08:00", "12:00"),
        ("13:00", "17:00"),
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-07T23:50+07:00", "2026-03-10T07:30:00+07:00"),  # a report at 23:50 on a Saturday
        ("2026-02-13T10:00+07:00", "2026-02-23T10:00:00+07:00"),  # the Friday before Tết
        ("2026-01-09T09:00+07:00", "2026-01-10T09:00:00+07:00"),  # the worked Saturday
    ],
)
def test_a_report_received_now_with_a_frozen_clock(now, expected):
    with time_machine.travel(datetime.fromisoformat(now), tick=False):
        assert add_duration(timezone.now(), ONE_WORKING_DAY).isoformat() == expected


def test_override_str_names_the_day():
    override = CalendarOverride.objects.get(date=date(2026, 1, 10))
    assert str(override) == "2026-01-10 — Ngày làm việc bù: Làm bù cho ngày 02/01/2026"


def test_the_admin_lists_overrides_in_vietnamese(admin_client):
    response = admin_client.get("/admin/workdays/calendaroverride/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Thứ Bảy" in page  # 10 January 2026
    assert "Nghỉ bù Tết Dương lịch 2026" in page
    assert "Ngày làm việc bù" in page
