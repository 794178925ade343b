"""The official calendar as data (issue 11, item 14): the shipped files of 2025 and 2026 decide the working
days of those years, whatever version of the `holidays` package is installed; an administrator's edit still
wins; `pakn calendar check` shows where the three disagree; the package is pinned exactly.

Deadlines are computed at dated moments (time-machine) across Tết 2026, 30/4–1/5, 2/9 and the swapped days
(Friday 02/01/2026 ↔ Saturday 10/01/2026, Monday 31/08/2026 ↔ Saturday 22/08/2026, Friday 02/05/2025 ↔
Saturday 26/04/2025) and Ngày Văn hóa Việt Nam (24/11/2026).
"""

from __future__ import annotations

import re
from datetime import date
from io import StringIO
from pathlib import Path

import holidays
import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from pakn.workdays import calendar as calendar_module
from pakn.workdays.calendar import _Year, get_calendar, parse_duration
from pakn.workdays.models import CalendarOverride
from pakn.workdays.official import official_years, read_official_year

from .support import at

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def due_now(moment: str, duration: str) -> str:
    """`pakn calendar due now DURATION` at a frozen local moment."""
    out = StringIO()
    with time_machine.travel(at(moment), tick=False):
        call_command("calendar", "due", "now", duration, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize(
    ("moment", "duration", "expected", "why"),
    [
        # 2026
        ("2025-12-31T09:00", "1 working day", "2026-01-05T09:00:00+07:00", "1/1 and the swapped 2/1 off"),
        ("2026-01-09T09:00", "1 working day", "2026-01-10T09:00:00+07:00", "Saturday 10/1 worked for 2/1"),
        ("2026-02-13T15:30", "1 working day", "2026-02-23T15:30:00+07:00", "Tết 14–22/2/2026"),
        ("2026-02-13T16:30", "1 working hour", "2026-02-23T08:00:00+07:00", "Friday afternoon before Tết"),
        ("2026-02-12T09:00", "3 working days", "2026-02-24T09:00:00+07:00", "13/2, 23/2, 24/2"),
        (
            "2026-04-24T10:00",
            "1 working day",
            "2026-04-28T10:00:00+07:00",
            "Giỗ Tổ on Sunday, off Monday 27/4",
        ),
        ("2026-04-29T10:00", "1 working day", "2026-05-04T10:00:00+07:00", "30/4 Thursday, 1/5 Friday"),
        ("2026-08-21T10:00", "1 working day", "2026-08-22T10:00:00+07:00", "Saturday 22/8 worked for 31/8"),
        ("2026-08-28T10:00", "1 working day", "2026-09-03T10:00:00+07:00", "31/8 swapped, 1/9 and 2/9 off"),
        ("2026-08-28T16:00", "2 working hours", "2026-09-03T08:30:00+07:00", "Friday afternoon before 2/9"),
        ("2026-11-23T10:00", "1 working day", "2026-11-25T10:00:00+07:00", "Ngày Văn hóa Việt Nam 24/11"),
        # 2025
        ("2025-01-24T10:00", "1 working day", "2025-02-03T10:00:00+07:00", "Tết 25/1–2/2/2025"),
        ("2025-04-25T10:00", "1 working day", "2025-04-26T10:00:00+07:00", "Saturday 26/4 worked for 2/5"),
        ("2025-04-29T10:00", "1 working day", "2025-05-05T10:00:00+07:00", "30/4, 1/5 and the swapped 2/5"),
        ("2025-08-29T10:00", "1 working day", "2025-09-03T10:00:00+07:00", "1/9 and 2/9/2025 off"),
    ],
)
def test_deadlines_follow_the_official_calendar(moment, duration, expected, why):
    """R-7 deadlines on working time: the shipped calendar of the year ({why})."""
    assert due_now(moment, duration) == expected, why


@pytest.fixture
def package_upgraded(monkeypatch):
    """A `holidays` release that knows nothing of Vietnam's holidays and makes 2 March of every year a
    holiday: what an upgrade with a regression or a new rule could do."""

    def fake(year: int) -> _Year:
        return _Year({date(year, 3, 2): "Ngày lễ giả"}, {})

    monkeypatch.setattr(calendar_module, "_vietnam_year", fake)


def test_a_package_upgrade_does_not_move_a_deadline_of_a_year_with_data(package_upgraded):
    """Issue 11, item 14: 2026 is read from the shipped file, so the package's change is ignored there."""
    cal = get_calendar()
    assert cal.add(at("2026-02-13T15:30"), parse_duration("1 working day")) == at("2026-02-23T15:30")
    assert cal.add(at("2026-08-28T10:00"), parse_duration("1 working day")) == at("2026-09-03T10:00")
    assert cal.is_working_day(date(2026, 3, 2))
    assert cal.source(2026) == "pakn/workdays/data/lich-nghi-2026.csv"
    # A year without a file still follows the package (and `pakn calendar check` says so).
    assert not cal.is_working_day(date(2027, 3, 2))
    assert cal.source(2027).startswith("holidays ")


def test_the_administrator_edit_wins_over_the_shipped_file():
    """An administrator who is told 24/11/2026 is worked in the province records it; deadlines follow."""
    assert due_now("2026-11-23T10:00", "1 working day") == "2026-11-25T10:00:00+07:00"
    CalendarOverride.objects.create(
        date=date(2026, 11, 24), kind=CalendarOverride.Kind.WORKING_DAY, name="Làm việc theo chỉ đạo của tỉnh"
    )
    assert due_now("2026-11-23T10:00", "1 working day") == "2026-11-24T10:00:00+07:00"
    out = StringIO()
    call_command("calendar", "check", "--year", "2026", stdout=out)
    assert (
        "    2026-11-24  Thứ Ba    Ngày làm việc bù: Làm việc theo chỉ đạo của tỉnh (khác lịch đóng gói)"
        in (out.getvalue().splitlines())
    )
    assert "    2026-01-10  Thứ Bảy   Ngày làm việc bù: Làm bù cho ngày 02/01/2026 (trùng lịch đóng gói)" in (
        out.getvalue().splitlines()
    )
    row = next(line for line in out.getvalue().splitlines() if line.startswith("2026-11-24"))
    assert "| nghỉ (Ngày Văn hóa Việt Nam) | nghỉ (Ngày Văn hóa Việt Nam) | làm việc" in row


def test_check_reports_where_the_package_differs_from_the_shipped_calendar():
    """`pakn calendar check --year 2026`: holidays 0.109 lacks the New Year swap the Government decided
    (Công văn 12729/VPCP-KGVX); the shipped file and the deadlines have it."""
    out = StringIO()
    call_command("calendar", "check", "--year", "2026", stdout=out)
    text = out.getvalue()
    assert "Lịch chính thức đóng gói: pakn/workdays/data/lich-nghi-2026.csv" in text
    assert f"Thư viện holidays: phiên bản {holidays.__version__}" in text
    rows = [line for line in text.splitlines() if re.match(r"^\d{4}-\d\d-\d\d ", line)]
    assert [row[:10] for row in rows] == ["2026-01-02", "2026-01-10"]
    assert rows[0].endswith("| làm việc | nghỉ (Nghỉ bù Tết Dương lịch 2026)")
    assert "| làm việc (Làm bù cho ngày 02/01/2026) | nghỉ | làm việc" in rows[1]


def test_check_of_2025_finds_the_package_in_agreement_and_a_year_without_data_says_so():
    out = StringIO()
    call_command("calendar", "check", "2025", stdout=out)
    assert "Ba nguồn thống nhất: không có ngày nào khác nhau." in out.getvalue()
    out = StringIO()
    call_command("calendar", "check", "--year", "2027", stdout=out)
    assert "không có (dùng thư viện holidays)" in out.getvalue()


def test_the_year_listing_names_its_source():
    out = StringIO()
    call_command("calendar", "2026", stdout=out)
    assert "Nguồn: lịch chính thức pakn/workdays/data/lich-nghi-2026.csv" in out.getvalue()


def test_every_shipped_day_cites_its_decision():
    years = official_years()
    assert {2025, 2026} <= set(years)
    for year in years.values():
        assert year.basis and all(year.basis.values())
        assert set(year.basis) == set(year.days_off) | set(year.working_days)
    assert years[2026].days_off[date(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"
    assert date(2026, 8, 31) in years[2026].days_off and date(2026, 8, 22) in years[2026].working_days


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("2026-13-01,day_off,X,Y", "YYYY-MM-DD"),
        ("2025-01-01,day_off,X,Y", "not in 2026"),
        ("2026-01-03,day_off,X,Y", "kind must be"),  # a Saturday cannot be a day off "of the week"
        ("2026-01-05,working_day,X,Y", "kind must be"),
        ("2026-01-05,day_off,X,", "name and the decision"),
    ],
)
def test_a_malformed_file_is_refused(row, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        read_official_year(f"# comment\ndate,kind,name,basis\n{row}\n", 2026, "test.csv")


def test_the_holidays_package_is_pinned_exactly():
    """The version in pyproject.toml, both lock files and the installed package are one and the same."""
    pin = re.search(r'"holidays==([0-9.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pin is not None
    for lock in ("requirements/runtime.txt", "requirements/dev.txt"):
        assert f"\nholidays=={pin[1]} " in (ROOT / lock).read_text(), lock
    assert holidays.__version__ == pin[1]


def test_the_admin_shows_what_the_shipped_calendar_says_of_each_edit(admin_client):
    """The administrator edits the calendar in the admin and sees whether an edit repeats or changes the
    shipped calendar."""
    CalendarOverride.objects.create(
        date=date(2026, 11, 24), kind=CalendarOverride.Kind.WORKING_DAY, name="Làm việc theo chỉ đạo của tỉnh"
    )
    page = admin_client.get("/admin/workdays/calendaroverride/").content.decode()
    assert "Lịch chính thức đóng gói" in page
    assert "Trùng: Ngày nghỉ — Nghỉ bù Tết Dương lịch 2026 (làm bù thứ Bảy 10/01/2026)" in page
    assert "Khác (quản trị sửa): Ngày nghỉ — Ngày Văn hóa Việt Nam" in page
