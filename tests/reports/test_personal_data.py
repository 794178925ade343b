"""R-3.2, R-9.2: the reporter's personal data is encrypted, seen only by those who need it, never public."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import override_settings

from pakn.core import crypto
from pakn.core.crypto import lookup_hash
from pakn.reports import services
from pakn.reports.models import PersonalDataAccess, Report
from pakn.reports.selectors import (
    PublicEvent,
    PublicReport,
    public_events,
    public_report,
    public_reports,
    report_personal_data,
)
from pakn.reports.workflow import ReporterActor
from tests.conftest import VALID, at

PERSONAL_COLUMNS = (
    "reporter_name",
    "reporter_address",
    "reporter_phone",
    "reporter_id_number",
    "reporter_email",
)
CLEAR_TEXTS = ("Nguyễn Văn An", "Lê Lợi", "0912345678", "912345678", "020123456789", "an@example.vn")


def raw_row(report: Report) -> dict[str, str]:
    """The personal columns as stored, bypassing the model field."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(PERSONAL_COLUMNS)} FROM reports_report WHERE id = %s", [report.pk])
        return dict(zip(PERSONAL_COLUMNS, cursor.fetchone(), strict=True))


@pytest.fixture
def report(submit) -> Report:
    return submit(now=at("2026-03-02 08:00"), reporter_email="an@example.vn").report


@pytest.fixture
def fresh_fernet():
    crypto._fernet.cache_clear()
    yield
    crypto._fernet.cache_clear()


def test_personal_data_is_encrypted_at_rest(report):
    """R-3.2: name, address, phone, ID number (and e-mail) are not in the database in clear."""
    row = raw_row(report)
    for column, stored in row.items():
        assert stored and stored.startswith("gAAAA"), column  # a Fernet token
        assert not any(text in stored for text in CLEAR_TEXTS), column
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.reporter_name, fresh.reporter_phone, fresh.reporter_id_number) == (
        "Nguyễn Văn An",
        "+84912345678",
        "020123456789",
    )


def test_the_same_value_encrypts_differently_each_time(submit):
    """Equal names do not show as equal ciphertexts (Fernet uses a fresh IV)."""
    a, b = submit(now=at("2026-03-02 08:00")).report, submit(now=at("2026-03-02 08:00")).report
    assert raw_row(a)["reporter_name"] != raw_row(b)["reporter_name"]


def test_reports_are_found_by_the_keyed_hash_of_a_phone_or_id(report, submit):
    """R-3.2: exact look-up by phone or ID number without storing them in clear."""
    submit(now=at("2026-03-02 08:00"), reporter_phone="0987654321", reporter_id_number="123456789")
    assert list(Report.objects.filter(phone_hash=lookup_hash("phone", "+84912345678"))) == [report]
    assert list(Report.objects.filter(id_number_hash=lookup_hash("id", "020123456789"))) == [report]
    # An HMAC with the lookup key, not a plain digest someone could recompute from a phone book.
    assert report.phone_hash != hashlib.sha256(b"phone:+84912345678").hexdigest()
    with override_settings(LOOKUP_KEY="another-key"):
        assert lookup_hash("phone", "+84912345678") != report.phone_hash
    assert lookup_hash("phone", "") == ""


def test_old_rows_still_decrypt_after_a_new_key_is_added_and_rotate_reencrypts(report, fresh_fernet):
    """R-3.2: key rotation: the first key encrypts, older keys still decrypt; rotate moves a value forward."""
    old = settings.DATA_KEYS[0]
    new = Fernet.generate_key().decode()
    stored = raw_row(report)
    with override_settings(DATA_KEYS=[new, old]):
        crypto._fernet.cache_clear()
        assert Report.objects.get(pk=report.pk).reporter_name == "Nguyễn Văn An"
        rotated = {column: crypto.rotate(token) for column, token in stored.items()}
        assert crypto.rotate("") == ""
    for column, token in rotated.items():
        assert token != stored[column]
        assert Fernet(new.encode()).decrypt(token.encode()).decode() == crypto.decrypt(stored[column])
    with connection.cursor() as cursor:
        assignments = ", ".join(f"{column} = %s" for column in PERSONAL_COLUMNS)
        cursor.execute(
            f"UPDATE reports_report SET {assignments} WHERE id = %s",
            [*(rotated[c] for c in PERSONAL_COLUMNS), report.pk],
        )
    with override_settings(DATA_KEYS=[new]):  # the old key dropped after rotation
        crypto._fernet.cache_clear()
        fresh = Report.objects.get(pk=report.pk)
        assert (fresh.reporter_name, fresh.reporter_id_number) == ("Nguyễn Văn An", "020123456789")
        assert fresh.phone_hash == report.phone_hash  # look-up hashes do not depend on the data key
    with override_settings(DATA_KEYS=[old]):
        crypto._fernet.cache_clear()
        with pytest.raises(ValueError, match="PAKN_DATA_KEY"):
            Report.objects.get(pk=report.pk)


def test_new_values_are_encrypted_with_the_first_key(submit, fresh_fernet):
    old = settings.DATA_KEYS[0]
    new = Fernet.generate_key().decode()
    with override_settings(DATA_KEYS=[new, old]):
        crypto._fernet.cache_clear()
        report = submit(now=at("2026-03-02 08:00")).report
    assert Fernet(new.encode()).decrypt(raw_row(report)["reporter_name"].encode()).decode() == "Nguyễn Văn An"


def test_viewing_personal_data_is_recorded(org, report):
    """R-3.2: the IOC desk sees the reporter's data, and the view is recorded with its purpose."""
    data = report_personal_data(viewer=org.operator, report=report, purpose="Gọi điện xác minh")
    assert (data.name, data.phone, data.id_number, data.address) == (
        "Nguyễn Văn An",
        "+84912345678",
        "020123456789",
        VALID["reporter_address"],
    )
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.report, access.kind, access.detail) == (
        org.operator,
        report,
        PersonalDataAccess.Kind.VIEW,
        "Gọi điện xác minh",
    )


def test_the_holding_agency_and_the_assigned_officer_may_see_it(org, journey):
    """R-3.2: those who need it for the case: the holding commune's leader and the officer in charge."""
    report = journey.in_progress(officer=org.officer)
    for viewer in (org.commune_leader, org.officer, org.supervisor):
        assert report_personal_data(viewer=viewer, report=report).name == "Nguyễn Văn An"
    assert PersonalDataAccess.objects.filter(report=report).count() == 3
    with pytest.raises(PermissionDenied):
        report_personal_data(viewer=org.officer2, report=report)


def test_a_department_specialist_and_another_communes_leader_cannot_see_it(org, journey):
    """R-3.2: a department asked for an opinion, or a neighbouring commune, has no need of it."""
    report = journey.coordinating()
    services.report_request_opinions(
        report=report,
        actor=org.operator,
        departments=[org.departments[0]],
        question="Ý kiến?",
        now=at("2026-03-02 10:00"),
    )
    for viewer in (org.specialist(0), org.other_leader):
        with pytest.raises(PermissionDenied, match="thông tin cá nhân"):
            report_personal_data(viewer=viewer, report=report)
    assert not PersonalDataAccess.objects.exists()


FORBIDDEN = {"reporter", "phone", "id_number", "email", "secret", "hash", "actor"}


@pytest.mark.parametrize("public_type", [PublicReport, PublicEvent])
def test_the_public_types_have_no_personal_field(public_type):
    """DESIGN rule 6, R-3.2: the public view is another type, without any personal-data field."""
    names = {f.name for f in dataclasses.fields(public_type)}
    assert not {name for name in names if any(word in name for word in FORBIDDEN)}, names


def test_the_public_view_of_a_report_carries_no_personal_value(org, journey):
    report = journey.resolved()
    shown = repr(public_report(report)) + repr(public_events(report))
    assert not any(text in shown for text in ("Nguyễn Văn An", "912345678", "020123456789", "Lê Lợi"))


def test_public_events_never_include_internal_entries_or_non_public_notes(org, journey):
    """R-9.2: the process is public, internal notes are not; notes addressed to the reporter stay private."""
    report = journey.received()
    services.report_request_info(
        report=report, actor=org.operator, note="GHI-CHU-NGUOI-GUI", now=at("2026-03-02 08:20")
    )
    services.report_supplement(
        report=report, actor=ReporterActor(report.pk), note="Số 25.", now=at("2026-03-02 08:30")
    )
    services.report_forward(
        report=report, actor=org.operator, note="Chuyển UBND phường.", now=at("2026-03-02 08:40")
    )
    services.report_mark(
        report=report,
        actor=org.commune_leader,
        mark="valuable",
        note="GHI-CHU-NOI-BO-1",
        now=at("2026-03-02 08:45"),
    )
    services.report_assign(
        report=report, actor=org.commune_leader, officer=org.officer, now=at("2026-03-02 08:50")
    )
    services.report_act(
        action="reassign",
        report=report,
        actor=org.commune_leader,
        officer=org.officer2,
        note="GHI-CHU-NOI-BO-2",
        now=at("2026-03-02 09:00"),
    )
    services.report_submit_result(
        report=report, actor=org.officer2, result_text="GHI-CHU-NOI-BO-3", now=at("2026-03-02 10:00")
    )
    services.report_approve(
        report=report, actor=org.commune_leader, result_text="Đã vá ổ gà.", now=at("2026-03-02 11:00")
    )

    events = public_events(report)
    assert [e.action for e in events] == [
        "submit",
        "request_info",
        "supplement",
        "forward",
        "assign",
        "report_result",  # a public milestone: that it happened, not its note
        "approve",
    ]
    assert not any("GHI-CHU" in e.note for e in events)
    # A staff note is public only when its author publishes it (issue 14, item 2).
    assert {e.action: e.note for e in events}["forward"] == ""
    assert public_report(report).result_text == "Đã vá ổ gà."


def test_public_reports_exclude_state_secrets_and_abusive_reports(org, journey):
    """R-9.2, R-15.2: never published: state secrets; nor reports marked abusive."""
    plain, secret, abusive = journey.received(), journey.received(), journey.received()
    services.report_mark(report=secret, actor=org.operator, mark="state_secret", now=at("2026-03-02 08:10"))
    services.report_mark(report=abusive, actor=org.operator, mark="abusive", now=at("2026-03-02 08:10"))
    assert list(public_reports()) == [plain]
    for hidden in (secret, abusive):
        with pytest.raises(Http404):
            public_report(hidden)


def test_a_supplement_addressed_to_staff_is_not_published_through_the_content(org, journey):
    """R-3.2: what the reporter adds when asked for missing R-5.1 data (often personal) is not public."""
    report = journey.awaiting_info()
    services.report_supplement(
        report=report,
        actor=ReporterActor(report.pk),
        note="Tôi ở số 7 ngõ 3 Lê Lợi, gọi 0912345678.",
        now=at("2026-03-02 08:30"),
    )
    assert not any(e.note for e in public_events(report) if e.action == "supplement")
    assert "0912345678" not in public_report(report).content
