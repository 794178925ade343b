"""The reporter's follow-up link and personal data in the outbox (R-3.2, R-7.1): the link reaches the reporter
by SMS and e-mail, is never stored in the timeline, and everything personal is encrypted at rest."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from pakn.notify.models import Delivery, Kind, Notification, OutboxMessage
from pakn.reports import services
from pakn.reports.audit import verify_report
from pakn.reports.models import Event
from tests.notify.conftest import START


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_the_received_message_carries_the_private_link(flow, commit, sms_outbox, mailoutbox):
    """R-7.1: the reporter gets the tracking code and the private follow-up link by SMS and e-mail."""
    with commit():
        report = flow.received()
    link = f"{settings.SITE_URL}/theo-doi/{flow.secret}/"
    [sms] = sms_outbox
    assert sms["to"] == "+84912345678"
    assert link in sms["text"] and report.tracking_code in sms["text"]
    [mail] = [m for m in mailoutbox if m.to == ["an@example.com"]]  # the others: the IOC desk
    assert link in mail.body and report.tracking_code in mail.subject
    assert "Nguyễn Văn An" in mail.body  # addressed by name


def test_the_secret_is_not_in_the_timeline_and_the_chain_still_verifies(flow, commit):
    with commit():
        report = flow.received()
    event = Event.objects.get(report=report, action="submit")
    stored = " ".join(str(getattr(event, f.attname)) for f in Event._meta.concrete_fields)
    assert flow.secret not in stored
    assert verify_report(report) is None


def test_personal_data_in_the_outbox_is_encrypted_at_rest(flow):
    report = flow.received()
    received = OutboxMessage.objects.get(report=report, kind=Kind.RECEIVED)
    assert flow.secret in received.private_context  # decrypted by the field…
    assert flow.secret not in raw(
        "notify_outboxmessage", "private_context", received.pk
    )  # …not in the column
    assert "Nguyễn Văn An" not in raw("notify_outboxmessage", "private_context", received.pk)
    sms = Delivery.objects.get(outbox=received, channel="sms")
    assert sms.address == "+84912345678"
    assert "912345678" not in raw("notify_delivery", "address", sms.pk)
    # The clear context has no personal data at all.
    clear = str(received.context)
    for personal in ("Nguyễn Văn An", "912345678", "an@example.com", "020123456789", flow.secret):
        assert personal not in clear


def test_later_messages_to_the_reporter_carry_the_same_link(flow, people, commit, sms_outbox):
    """R-7.2b: the reporter asked for more information can follow the link to supplement."""
    report = flow.received()
    with commit():
        services.report_request_info(
            report=report, actor=people["operator"], note="Cho biết số nhà.", now=flow.next(report)
        )
    [sms] = [m for m in sms_outbox if "cần bổ sung" in m["text"]]
    assert f"/theo-doi/{flow.secret}/" in sms["text"]
    assert "trong 1 giờ" in sms["text"] and "Cho biết số nhà." in sms["text"]


def test_the_rejection_gives_the_reason(flow, people, commit, sms_outbox):
    """R-7.2c, R-1.2: the reporter learns why."""
    report = flow.received()
    with commit():
        services.report_reject(
            report=report, actor=people["operator"], reason_code="complaint", now=flow.next(report)
        )
    [sms] = [m for m in sms_outbox if "không được tiếp nhận" in m["text"]]
    assert "khiếu nại, tố cáo" in sms["text"]


def test_staff_texts_of_a_state_secret_report_say_nothing_of_its_content(flow, people, commit, mailoutbox):
    """R-9.2: e-mail and SMS leave the system; a state-secret case is named by its code only."""
    report = flow.received(content="Nội dung mật về công trình quốc phòng.")
    services.report_mark(report=report, actor=people["operator"], mark="state_secret", now=flow.next(report))
    with commit():
        services.report_forward(report=report, actor=people["operator"], now=flow.next(report, 20))
    texts = [m.body + m.subject for m in mailoutbox] + list(
        Notification.objects.filter(report=report).values_list("body", flat=True)
    )
    assert texts and all("quốc phòng" not in t for t in texts)
    assert all(report.tracking_code in t for t in texts if "được chuyển" in t)


def test_an_anonymous_staff_submission_without_a_phone_still_notifies_staff(flow, commit, sms_outbox):
    """Open311 may create reports without a phone (allow_incomplete): staff still hear of them."""
    with commit():
        submission = services.report_submit(
            category=flow.org.category, content="Đèn đường hỏng.", allow_incomplete=True, now=START
        )
    assert sms_outbox == []
    assert Notification.objects.filter(report=submission.report, kind=Kind.NEW_REPORT).count() == 2
