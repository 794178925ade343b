"""`pakn calendar YEAR` and `pakn calendar due START DURATION`."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from pakn.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_the_year_lists_days_off_and_worked_weekend_days():
    lines = run("2026").splitlines()
    assert (
        lines[0] == "Lịch làm việc năm 2026 (giờ làm việc 07:30–11:30, 13:30–17:00, múi giờ Asia/Ho_Chi_Minh)"
    )
    assert "2026-01-01  Thứ Năm   Tết Dương lịch" in lines
    assert "2026-01-02  Thứ Sáu   Nghỉ bù Tết Dương lịch 2026" in lines
    # 2026 is read from the shipped official calendar (pakn/workdays/data/lich-nghi-2026.csv).
    assert "2026-02-16  Thứ Hai   Tết Nguyên đán Bính Ngọ (29 tháng Chạp)" in lines
    assert "2026-02-20  Thứ Sáu   Tết Nguyên đán Bính Ngọ (mùng 4 tháng Giêng)" in lines
    assert "2026-04-27  Thứ Hai   Nghỉ bù Ngày Giỗ Tổ Hùng Vương (26/04/2026 là Chủ nhật)" in lines
    assert not any(line.startswith("2026-04-26") for line in lines)  # a Sunday
    worked = lines.index("Thứ Bảy, Chủ nhật phải làm việc năm 2026 (2 ngày):")
    assert lines[worked + 1 :] == [
        "2026-01-10  Thứ Bảy   Làm bù cho ngày 02/01/2026",
        "2026-08-22  Thứ Bảy   Làm bù cho ngày 31/08/2026",
    ]
    assert "Ngày nghỉ trong tuần làm việc năm 2026 (14 ngày):" in lines


def test_the_year_shows_a_new_override_at_once():
    CalendarOverride.objects.create(
        date=date(2027, 2, 11), kind=CalendarOverride.Kind.DAY_OFF, name="Nghỉ thêm Tết Nguyên Đán 2027"
    )
    assert "2027-02-11  Thứ Năm   Nghỉ thêm Tết Nguyên Đán 2027" in run("2027").splitlines()


def test_a_year_without_worked_weekend_days_says_so():
    output = run("2030")
    assert "Thứ Bảy, Chủ nhật phải làm việc năm 2030 (0 ngày):\n(không có)\n" in output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("2026-02-13T10:00", "1 working day"), "2026-02-23T10:00:00+07:00"),
        (("2026-02-13T10:00+07:00", "1 working day"), "2026-02-23T10:00:00+07:00"),
        (("2026-02-13T03:00Z", "1 working day"), "2026-02-23T10:00:00+07:00"),
        (("2026-02-13T10:00", "1", "working", "day"), "2026-02-23T10:00:00+07:00"),  # unquoted
        (("2026-03-07T23:50", "1 working day"), "2026-03-10T07:30:00+07:00"),
        (("2025-12-31T09:00", "1 working day"), "2026-01-05T09:00:00+07:00"),
        (("2026-01-09T09:00", "1 working day"), "2026-01-10T09:00:00+07:00"),
        (("2026-03-06T16:30", "1 working hour"), "2026-03-09T08:00:00+07:00"),
        (("2026-03-06T16:30", "3 hours"), "2026-03-06T19:30:00+07:00"),
        (("2026-02-13T10:00", "5 days"), "2026-02-18T10:00:00+07:00"),
        (("2026-02-13", "1 working day"), "2026-02-23T07:30:00+07:00"),  # midnight → 07:30 first
    ],
)
def test_due_prints_the_deadline_in_iso_8601_with_offset(args, expected):
    assert run("due", *args) == expected + "\n"


def test_due_now_uses_the_clock():
    with time_machine.travel(datetime.fromisoformat("2026-03-07T23:50:00+07:00"), tick=False):
        assert run("due", "now", "1 working day") == "2026-03-10T07:30:00+07:00\n"


def test_due_explains_itself_when_verbose():
    out = StringIO()
    call_command("calendar", "due", "2026-02-13T10:00", "1 working day", stdout=out, verbosity=2)
    assert out.getvalue().splitlines() == [
        "2026-02-23T10:00:00+07:00",
        "Thứ Hai 23/02/2026 10:00: 1 ngày làm việc kể từ 2026-02-13T10:00:00+07:00",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("năm-nay",), "không phải là một năm"),
        (("12",), "1900–2200"),
        (("2026", "2027"), "Tham số không hợp lệ"),
        (("due",), "Cần thời điểm bắt đầu và thời hạn"),
        (("due", "2026-02-13T10:00"), "Cần thời điểm bắt đầu và thời hạn"),
        (("due", "2026-02-13T10:00", "1 fortnight"), "Không hiểu thời hạn"),
        (("due", "mai", "1 working day"), "Không hiểu thời điểm bắt đầu"),
        (("due", "9999-12-31T10:00", "10 days"), "vượt quá phạm vi"),
    ],
)
def test_bad_input_is_a_clear_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
