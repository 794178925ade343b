"""parse_duration reads the duration forms of the policy table and the command; Duration labels them."""

from __future__ import annotations

import pytest

from pakn.workdays.calendar import MAX_AMOUNT, Duration, Unit, parse_duration


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("1 hour", 1, Unit.HOURS),
        ("3 hours", 3, Unit.HOURS),
        ("1 working hour", 1, Unit.WORKING_HOURS),
        ("4 working hours", 4, Unit.WORKING_HOURS),
        ("1 working day", 1, Unit.WORKING_DAYS),
        ("2 working days", 2, Unit.WORKING_DAYS),
        ("1 day", 1, Unit.DAYS),
        ("5 days", 5, Unit.DAYS),
        ("  2   Working   Days ", 2, Unit.WORKING_DAYS),
        ("2 giờ", 2, Unit.HOURS),
        ("1 giờ làm việc", 1, Unit.WORKING_HOURS),
        ("3 ngày làm việc", 3, Unit.WORKING_DAYS),
        ("1 ngày", 1, Unit.DAYS),
        ("0 hours", 0, Unit.HOURS),
    ],
)
def test_it_reads_each_form(text, amount, unit):
    assert parse_duration(text) == Duration(amount, unit)


def test_it_reads_vietnamese_typed_in_decomposed_unicode():
    assert parse_duration("1 nga\u0300y la\u0300m vie\u0323\u0302c") == Duration(1, Unit.WORKING_DAYS)


@pytest.mark.parametrize(
    "text",
    ["", "working day", "1", "one day", "1 fortnight", "-1 day", "1.5 hours", "1 working", "2 days later"],
)
def test_it_refuses_anything_else_with_a_clear_message(text):
    with pytest.raises(ValueError, match="Không hiểu thời hạn") as caught:
        parse_duration(text)
    assert '"N working days"' in str(caught.value)


def test_it_refuses_an_amount_beyond_the_bound():
    with pytest.raises(ValueError, match="từ 0 đến"):
        parse_duration(f"{MAX_AMOUNT + 1} days")


@pytest.mark.parametrize(
    ("duration", "label"),
    [
        (Duration(1, Unit.WORKING_DAYS), "1 ngày làm việc"),
        (Duration(2, Unit.HOURS), "2 giờ"),
        (Duration(1, Unit.WORKING_HOURS), "1 giờ làm việc"),
        (Duration(5, Unit.DAYS), "5 ngày"),
    ],
)
def test_label_is_vietnamese(duration, label):
    assert duration.label() == label
    assert str(duration) == label


def test_label_reads_back():
    for unit in Unit:
        assert parse_duration(Duration(3, unit).label()) == Duration(3, unit)


def test_a_unit_given_as_its_code_becomes_the_unit():
    assert Duration(1, "working_days").unit is Unit.WORKING_DAYS  # type: ignore[arg-type]  # as read from a row


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        (-1, Unit.DAYS, "từ 0 đến"),
        (1.5, Unit.DAYS, "số nguyên"),
        (True, Unit.DAYS, "số nguyên"),
        (1, "weeks", "không hợp lệ"),
    ],
)
def test_duration_refuses_bad_values(amount, unit, message):
    with pytest.raises(ValueError, match=message):
        Duration(amount, unit)


def test_units_have_stable_codes_and_vietnamese_labels():
    assert [(u.value, str(u.label)) for u in Unit] == [
        ("hours", "giờ"),
        ("working_hours", "giờ làm việc"),
        ("working_days", "ngày làm việc"),
        ("days", "ngày"),
    ]
