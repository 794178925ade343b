"""Key rotation as docs/configuration.md tells it (issue 12, R-3.2): put a new key first, run
`pakn rotate-data-key`, drop the old key; then the workflow, the sweep and the notification worker still work,
because every encrypted field (reports, the notify outbox and deliveries, push subscriptions, the remembered
API responses, the portal's submissions) was found through the registry and re-encrypted."""

from __future__ import annotations

import uuid
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from pakn.core.crypto import encrypted_fields
from pakn.core.idempotency import run_once
from pakn.notify import tasks
from pakn.notify.models import Delivery, OutboxMessage, PushSubscription
from pakn.notify.services import push_subscribe
from pakn.portal.models import PortalSubmission
from pakn.reports import services, sweeps
from pakn.reports.models import Report, State
from tests.conftest import at

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
EVERY_TABLE = {
    "reports_report",
    "notify_outboxmessage",
    "notify_delivery",
    "notify_pushsubscription",
    "core_idempotencyrecord",
    "portal_portalsubmission",
}


def _raw_values() -> dict[str, list[str]]:
    """Every stored ciphertext of every encrypted column, per table."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for model, columns in encrypted_fields():
            table = model._meta.db_table
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
            found[table] = [v for row in cursor.fetchall() for v in row if v]
    return found


def _remembered_response(rf) -> None:
    request = rf.post("/api/v1/reports", data={"x": "1"}, HTTP_IDEMPOTENCY_KEY="rotation-0001")
    from django.http import HttpResponse

    run_once(request, "public", lambda: HttpResponse('{"secret": "abc"}', status=201))


def test_the_documented_rotation_keeps_every_encrypted_field_working(
    flow, people, commit, sms_outbox, settings, rf
):
    text = " ".join(DOC.read_text().split())
    assert "put a new key first" in text and "run `pakn rotate-data-key`, then drop the old key" in text
    old = settings.DATA_KEYS[0]
    settings.PAKN_VAPID_PUBLIC_KEY, settings.PAKN_VAPID_PRIVATE_KEY = "BPublic", "private"
    with commit():
        report = flow.received()
    PortalSubmission.objects.create(key=uuid.uuid4(), report=report, secret="bí mật theo dõi")
    push_subscribe(
        endpoint="https://push.example/abc", p256dh="p" * 40, auth="a" * 16, user=people["operator"]
    )
    _remembered_response(rf)
    phone = Report.objects.get(pk=report.pk).reporter_phone
    before = _raw_values()
    assert {t for t, values in before.items() if values} == EVERY_TABLE

    # 1. Put a new key first; 2. run `pakn rotate-data-key`; 3. drop the old key.
    new = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_data_key", stdout=out)
    settings.DATA_KEYS = [new]

    after = _raw_values()
    for table in EVERY_TABLE:
        assert len(after[table]) == len(before[table]), table
        for value in after[table]:
            Fernet(new).decrypt(value.encode())  # every value is readable with the new key alone
    assert "core_idempotencyrecord" in out.getvalue()
    PushSubscription.objects.all().delete()  # checked above; the worker must not push to a made-up browser

    # The workflow reads the reporter's data and writes the outbox; the worker delivers with the addresses.
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.reporter_phone == phone
    with commit():
        services.report_request_info(
            report=fresh,
            actor=people["operator"],
            note="Vui lòng bổ sung địa chỉ.",
            now=at("2026-03-02 08:10"),
        )
    with commit():
        result = sweeps.deadlines_sweep(now=at("2026-03-02 09:30"))  # the 1-hour window passed
    assert Report.objects.get(pk=report.pk).state == State.CANCELLED, result
    Delivery.objects.filter(status=Delivery.Status.SENT).update(status=Delivery.Status.PENDING)
    sms_outbox.clear()
    with commit():
        tasks.pump_once()
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exclude(channel="push").exists()
    assert phone in {m["to"] for m in sms_outbox}
    assert OutboxMessage.objects.filter(report=report, kind="cancelled").exists()
