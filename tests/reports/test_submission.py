"""R-5.1, R-5.2, R-7.1: what a submitted report must contain, its tracking code and its follow-up secret."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pakn.core.crypto import lookup_hash
from pakn.reports import services
from pakn.reports.models import Channel, Report, ReporterBan, State, Step
from pakn.reports.services import CODE_ALPHABET, normalize_tracking_code, report_for_secret, report_submit
from tests.conftest import VALID, at

NOW = at("2026-03-02 08:00")


def errors_of(submit, **overrides) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        submit(now=NOW, **overrides)
    return info.value.message_dict


REQUIRED = {
    # field left empty → the field that carries the error, and a word of its Vietnamese message
    "content": ("content", "nội dung"),
    "reporter_name": ("reporter_name", "họ và tên"),
    "reporter_address": ("reporter_address", "địa chỉ liên hệ"),
    "reporter_phone": ("reporter_phone", "số điện thoại"),
    "reporter_id_number": ("reporter_id_number", "số định danh cá nhân"),
    "declared_truthful": ("declared_truthful", "trung thực"),
}


@pytest.mark.parametrize("field", list(REQUIRED))
def test_each_missing_required_field_is_named_in_vietnamese(submit, field):
    """R-5.1, R-5.2: name, contact address, phone, ID, content and the truthfulness declaration."""
    empty = False if field == "declared_truthful" else "  "
    errors = errors_of(submit, **{field: empty})
    name, word = REQUIRED[field]
    assert list(errors) == [name]
    assert word in errors[name][0]
    assert not Report.objects.exists()


def test_the_place_of_the_incident_is_required(submit):
    """R-5.1: the place, as an address, a commune or coordinates."""
    errors = errors_of(submit, address_text="", area=None, latitude=None, longitude=None)
    assert list(errors) == ["address_text"] and "nơi xảy ra" in errors["address_text"][0]
    submit(now=NOW, address_text="", area=None)  # coordinates alone are a place
    submit(now=NOW, address_text="", latitude=None, longitude=None)  # so is the commune


def test_every_missing_field_is_reported_at_once(submit):
    """The reporter sees all the problems in one answer, not one at a time."""
    errors = errors_of(
        submit,
        reporter_name="",
        reporter_address="",
        reporter_phone="",
        reporter_id_number="",
        declared_truthful=False,
    )
    assert set(errors) == {
        "reporter_name",
        "reporter_address",
        "reporter_phone",
        "reporter_id_number",
        "declared_truthful",
    }


@pytest.mark.parametrize("phone", ["12345", "0123", "0912", "abc", "091234567890123"])
def test_an_invalid_phone_is_refused_with_an_example(submit, phone):
    """R-5.1: the phone is checked with phonenumbers (region VN)."""
    errors = errors_of(submit, reporter_phone=phone)
    assert errors == {"reporter_phone": ["Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678."]}


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("12345678", "Số định danh cá nhân gồm 12 chữ số."),
        ("1234567890", "Số định danh cá nhân gồm 12 chữ số."),
        ("999123456789", "ba chữ số đầu phải là mã tỉnh"),
        ("003123456789", "ba chữ số đầu phải là mã tỉnh"),
        ("A12345678", "chỉ gồm chữ số"),
        ("02012345678X", "chỉ gồm chữ số"),
    ],
)
def test_an_invalid_id_number_is_refused_with_a_clear_message(submit, id_number, message):
    """R-5.1: CMND 9 digits, CCCD 12 digits whose first three are a province code."""
    errors = errors_of(submit, reporter_id_number=id_number)
    assert list(errors) == ["reporter_id_number"] and message in errors["reporter_id_number"][0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("123456789", "123456789"),
        ("020123456789", "020123456789"),
        ("001 099 012 345", "001099012345"),
        ("079.123.456.789", "079123456789"),
    ],
)
def test_valid_cmnd_and_cccd_are_accepted(submit, typed, stored):
    """R-5.1: a 9-digit CMND and a 12-digit CCCD (spaces and dots allowed) are stored as digits."""
    report = submit(now=NOW, reporter_id_number=typed).report
    assert report.reporter_id_number == stored
    assert report.id_number_hash == lookup_hash("id", stored)


@pytest.mark.parametrize("typed", ["0912345678", "0912 345 678", "+84 912 345 678", "(+84) 912-345-678"])
def test_the_phone_is_normalized_to_plus_84(submit, typed):
    """R-5.1: one number, one form (E.164), so its look-up hash is stable."""
    report = submit(now=NOW, reporter_phone=typed).report
    assert report.reporter_phone == "+84912345678"
    assert report.phone_hash == lookup_hash("phone", "+84912345678")


def test_a_complete_report_enters_triage_at_the_ioc(org, submit):
    """R-7.1, R-7.2: received at the IOC with a 1-hour triage deadline and its first event."""
    report = submit(now=NOW).report
    assert (report.state, report.agency, report.step) == (State.RECEIVED, org.ioc, Step.TRIAGE)
    assert report.due_at == at("2026-03-02 09:00") and report.declared_truthful
    assert list(report.events.values_list("action", "to_state")) == [("submit", State.RECEIVED)]


def test_open311_may_submit_without_address_and_id(org):
    """R-7.2b: an Open311 client lacks some R-5.1 fields; the report is accepted for the IOC to complete."""
    sub = report_submit(
        category=org.category,
        content="Đèn đường hỏng ở ngã tư.",
        channel=Channel.OPEN311,
        latitude=21.85,
        longitude=106.76,
        allow_incomplete=True,
        now=NOW,
    )
    report = sub.report
    assert report.state == State.RECEIVED and report.channel == Channel.OPEN311
    assert report.reporter_name == report.reporter_id_number == report.phone_hash == ""
    with pytest.raises(ValidationError) as info:
        report_submit(category=org.category, content=" ", allow_incomplete=True, now=NOW)
    assert list(info.value.message_dict) == ["content"]


def test_coordinates_must_come_in_pairs_and_be_on_earth(submit):
    assert "latitude" in errors_of(submit, longitude=None)
    assert "latitude" in errors_of(submit, latitude=123.0)


CODE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")


def test_the_tracking_code_is_short_readable_and_unique(submit):
    """R-9.1: a code a person reads out on the phone: 8 characters without 0/O, 1/I/L, U/V, as XXXX-XXXX."""
    assert not set("01OILUV") & set(CODE_ALPHABET)
    codes = [submit(now=NOW).report.tracking_code for _ in range(30)]
    assert all(CODE.match(code) for code in codes), codes
    assert len(set(codes)) == len(codes)


def test_a_tracking_code_collision_is_retried(submit, monkeypatch):
    """Two reports never share a code: a collision draws a new one."""
    first = submit(now=NOW).report
    codes = iter([first.tracking_code, "ABCD-EFGH"])
    monkeypatch.setattr(services, "new_tracking_code", lambda: next(codes))
    second = submit(now=NOW).report
    assert second.tracking_code == "ABCD-EFGH"


@pytest.mark.parametrize("typed", ["k7mp4qx9", "K7MP-4QX9", " k7mp 4qx9 ", "k7mp-4qx9"])
def test_normalize_tracking_code_accepts_what_people_type(typed):
    assert normalize_tracking_code(typed) == "K7MP-4QX9"


def test_the_secret_is_not_stored_only_its_hash(submit):
    """The follow-up secret is shown once; the database holds only its SHA-256."""
    sub = submit(now=NOW)
    assert len(sub.secret) >= 32
    assert sub.report.secret_hash == services.secret_hash(sub.secret) != sub.secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM reports_report WHERE id = %s", [sub.report.pk])
        row = cursor.fetchone()
    assert not any(sub.secret in str(value) for value in row)
    assert report_for_secret(sub.secret) == sub.report
    assert report_for_secret(sub.secret + "x") is None
    assert report_for_secret("") is None


def test_each_report_has_its_own_secret(submit):
    a, b = submit(now=NOW), submit(now=NOW)
    assert a.secret != b.secret
    assert report_for_secret(a.secret) == a.report and report_for_secret(b.secret) == b.report


def _ban(org, **hashes) -> ReporterBan:
    return ReporterBan.objects.create(
        reason="Nhiều lần phản ánh sai sự thật.", created_by=org.supervisor, **hashes
    )


def test_a_barred_reporter_is_refused_by_phone(org, submit):
    """R-15.2: a reporter barred by phone hash cannot submit, whatever ID number he gives."""
    _ban(org, phone_hash=lookup_hash("phone", "+84912345678"))
    with pytest.raises(ValidationError) as info:
        submit(now=NOW, reporter_phone="0912 345 678", reporter_id_number="123456789")
    assert info.value.code == "barred"
    assert "hạn chế gửi phản ánh" in info.value.messages[0]
    assert not Report.objects.exists()
    submit(now=NOW, reporter_phone="0987654321")  # another phone and ID are not barred


def test_a_barred_reporter_is_refused_by_id_number(org, submit):
    """R-15.2: barred by ID hash, a new phone does not help."""
    _ban(org, id_number_hash=lookup_hash("id", VALID["reporter_id_number"]))
    with pytest.raises(ValidationError, match="hạn chế gửi phản ánh"):
        submit(now=NOW, reporter_phone="0987654321")


def test_a_lifted_ban_no_longer_bars(org, submit):
    """R-15.2: the restriction can be lifted."""
    ban = _ban(org, phone_hash=lookup_hash("phone", "+84912345678"))
    services.reporter_ban_lift(ban=ban, actor=org.supervisor, note="Đã xem xét lại.", now=NOW)
    assert submit(now=NOW).report.state == State.RECEIVED
