"""Delivery: the outbox in the change's transaction, claims, retries with backoff, the failed list and the
admin's retry, and the idempotency key that keeps a retry from sending twice (issue 7, R-7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from pakn.notify import delivery as worker
from pakn.notify import tasks
from pakn.notify.channels import HttpSms, Result
from pakn.notify.models import Delivery, Kind, MessageTemplate, OutboxMessage
from pakn.notify.retry import deliveries_retry
from pakn.org.models import User
from pakn.reports import services
from tests.conftest import at, make_user
from tests.notify.gateway import Gateway

T0 = at("2026-03-02 09:00")


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    with Gateway() as g:
        settings.PAKN_SMS_BACKEND = "http"
        settings.PAKN_SMS_GATEWAY_URL = g.url
        settings.PAKN_SMS_GATEWAY_TOKEN = "bi-mat"
        settings.PAKN_SMS_GATEWAY_TIMEOUT = 2
        yield g


def sms_to_reporter(flow: Any) -> Delivery:
    """A pending SMS to a new report's reporter (no commit here: nothing was sent yet)."""
    report = flow.received()
    return Delivery.objects.get(outbox__report=report, outbox__kind=Kind.RECEIVED, channel="sms")


def reload(d: Delivery) -> Delivery:
    return Delivery.objects.get(pk=d.pk)


def test_the_outbox_is_written_with_the_change_and_rolled_back_with_it(flow, people):
    """DESIGN rule 2: the messages of a change exist if and only if the change committed."""
    report = flow.received()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.report_forward(report=report, actor=people["operator"], now=flow.next(report))
        assert OutboxMessage.objects.filter(kind=Kind.ROUTED, report=report).exists()
        raise RuntimeError("the request failed after the change")
    assert not OutboxMessage.objects.filter(kind=Kind.ROUTED, report=report).exists()
    assert not Delivery.objects.filter(outbox__kind=Kind.ROUTED).exists()


def test_the_gateway_gets_the_key_the_token_and_the_body_template(flow, gateway, settings):
    """The HTTP gateway: JSON body from the template (values inserted safely), Idempotency-Key header."""
    settings.PAKN_SMS_GATEWAY_BODY = (
        '{"phone": "{to_local}", "msg": "{text}", "ref": "{key}", "meta": {"from": "{sender}"}}'
    )
    d = sms_to_reporter(flow)
    assert worker.attempt(d.pk, now=T0) == Delivery.Status.SENT
    [request] = gateway.log.requests
    assert request["key"] == d.idempotency_key
    assert request["authorization"] == "Bearer bi-mat"
    assert request["body"]["phone"] == "0912345678"
    assert request["body"]["ref"] == d.idempotency_key
    assert request["body"]["meta"] == {"from": "PAKN"}
    assert d.outbox.context["code"] in request["body"]["msg"]
    d = reload(d)
    assert d.provider_ref == "msg-1" and d.sent_at == T0 and d.attempts == 1


def test_text_with_quotes_cannot_break_the_json_body(flow, people, gateway):
    report = flow.received()
    services.report_request_info(
        report=report, actor=people["operator"], note='Ghi rõ "số nhà", {to} và \\ dấu', now=flow.next(report)
    )
    d = Delivery.objects.get(outbox__kind=Kind.INFO_REQUESTED, channel="sms")
    assert worker.attempt(d.pk, now=T0) == Delivery.Status.SENT
    assert 'Ghi rõ "số nhà", {to} và \\ dấu' in gateway.log.requests[0]["body"]["text"]


def test_two_workers_cannot_both_claim_a_delivery(flow):
    d = sms_to_reporter(flow)
    assert worker.claim(d.pk, now=T0) == 1
    assert worker.claim(d.pk, now=T0) is None
    assert worker.claim(d.pk, now=T0 + timedelta(seconds=60)) is None  # the lease still holds


def test_after_a_crash_the_retry_reaches_the_gateway_with_the_same_key_and_is_not_sent_twice(
    flow, gateway, settings
):
    """The worker died after the gateway accepted the SMS but before recording it: when its lease expires
    another attempt sends the same key; the gateway answers 409 and the delivery is sent, once."""
    d = sms_to_reporter(flow)
    number = worker.claim(d.pk, now=T0)
    assert number == 1
    message = worker.render(reload(d))
    assert HttpSms().send(reload(d), message).ok  # …and the worker dies here
    assert reload(d).status == Delivery.Status.SENDING
    assert d.pk not in worker.due_ids(now=T0 + timedelta(seconds=60))
    after_lease = T0 + timedelta(seconds=settings.PAKN_NOTIFY_LEASE_SECONDS + 1)
    assert d.pk in worker.due_ids(now=after_lease)
    assert worker.attempt(d.pk, now=after_lease) == Delivery.Status.SENT
    assert list(gateway.log.accepted) == [d.idempotency_key]
    assert gateway.log.suppressed == {d.idempotency_key: 1}
    assert reload(d).attempts == 2 and reload(d).provider_ref == "duplicate"


def test_a_worker_whose_lease_expired_cannot_record_over_the_next_one(flow, settings):
    d = sms_to_reporter(flow)
    first = worker.claim(d.pk, now=T0)
    later = T0 + timedelta(seconds=settings.PAKN_NOTIFY_LEASE_SECONDS + 1)
    second = worker.claim(d.pk, now=later)
    assert (first, second) == (1, 2)
    assert worker.record(d.pk, 1, Result.failure("slow"), now=later) is None
    assert worker.record(d.pk, 2, Result.sent("ok"), now=later) == Delivery.Status.SENT
    assert reload(d).status == Delivery.Status.SENT


def test_transient_failures_are_retried_with_growing_delays_then_listed_as_failed(flow, gateway, settings):
    settings.PAKN_NOTIFY_MAX_ATTEMPTS = 3
    settings.PAKN_NOTIFY_RETRY_SECONDS = 30
    gateway.log.fail_with = [503, 503, 503]
    d = sms_to_reporter(flow)
    assert worker.attempt(d.pk, now=T0) == Delivery.Status.PENDING
    assert reload(d).next_attempt_at == T0 + timedelta(seconds=30)
    assert worker.attempt(d.pk, now=T0 + timedelta(seconds=29)) is None  # not due yet
    t1 = T0 + timedelta(seconds=30)
    assert worker.attempt(d.pk, now=t1) == Delivery.Status.PENDING
    assert reload(d).next_attempt_at == t1 + timedelta(seconds=60)
    assert worker.attempt(d.pk, now=t1 + timedelta(seconds=60)) == Delivery.Status.FAILED
    d = reload(d)
    assert d.attempts == 3 and "503" in d.last_error
    assert d.pk not in worker.due_ids(now=T0 + timedelta(days=1))
    assert gateway.log.accepted == {}


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.PAKN_NOTIFY_RETRY_SECONDS = 30
    settings.PAKN_NOTIFY_RETRY_MAX_SECONDS = 3600
    assert [worker.backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(400, "failed"), (422, "failed"), (401, "pending"), (429, "pending"), (500, "pending"), (409, "sent")],
)
def test_the_gateway_answer_decides_between_retry_failure_and_success(flow, gateway, status, outcome):
    """A refused number cannot succeed later; auth, rate limits and server errors may; 409 is 'had it'."""
    gateway.log.fail_with = [status]
    d = sms_to_reporter(flow)
    assert worker.attempt(d.pk, now=T0) == outcome


def test_an_unreachable_gateway_is_retried(flow, settings):
    settings.PAKN_SMS_BACKEND = "http"
    settings.PAKN_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    settings.PAKN_SMS_GATEWAY_TIMEOUT = 1
    d = sms_to_reporter(flow)
    assert worker.attempt(d.pk, now=T0) == Delivery.Status.PENDING
    assert "không phản hồi" in reload(d).last_error


def test_a_worker_killed_on_every_attempt_ends_in_the_failed_list(flow, settings):
    settings.PAKN_NOTIFY_MAX_ATTEMPTS = 2
    d = sms_to_reporter(flow)
    lease = timedelta(seconds=settings.PAKN_NOTIFY_LEASE_SECONDS + 1)
    assert worker.claim(d.pk, now=T0) == 1
    assert worker.claim(d.pk, now=T0 + lease) == 2
    assert worker.claim(d.pk, now=T0 + 2 * lease) is None
    assert worker.give_up_interrupted(now=T0 + 2 * lease) == 1
    assert reload(d).status == Delivery.Status.FAILED


def test_the_admin_retries_a_failed_delivery_with_the_same_key(flow, people, gateway, commit, settings):
    settings.PAKN_NOTIFY_MAX_ATTEMPTS = 1
    gateway.log.fail_with = [503]
    d = sms_to_reporter(flow)
    assert worker.attempt(d.pk, now=T0) == Delivery.Status.FAILED
    admin = make_user(flow.org.ioc, User.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        deliveries_retry(actor=people["operator"], deliveries=[d])
    with commit():
        assert deliveries_retry(actor=admin, deliveries=[d]) == 1
    d = reload(d)
    assert d.status == Delivery.Status.SENT and d.attempts == 1
    assert list(gateway.log.accepted) == [d.idempotency_key]
    assert deliveries_retry(actor=admin, deliveries=[d]) == 0  # a sent delivery is never sent again


def test_a_switched_off_template_skips_the_channel(flow):
    MessageTemplate.objects.filter(kind=Kind.RECEIVED, channel="sms").update(is_active=False)
    d = sms_to_reporter(flow)
    assert worker.attempt(d.pk, now=T0) == Delivery.Status.SKIPPED


def test_a_broken_template_fails_the_delivery_with_its_error(flow):
    MessageTemplate.objects.filter(kind=Kind.RECEIVED, channel="sms").update(body="{% if code %}không đóng")
    d = sms_to_reporter(flow)
    assert worker.attempt(d.pk, now=T0) == Delivery.Status.FAILED
    assert "Mẫu thông báo có lỗi" in reload(d).last_error


def test_a_lost_enqueue_is_delivered_by_the_pump(flow, commit, monkeypatch, sms_outbox):
    """The queue was down at commit: the outbox row is the truth, the one-minute pump sends it."""

    def queue_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks, "deliver_outbox", queue_down)
    with commit():
        report = flow.received()
    pending = Delivery.objects.filter(outbox__report=report, status=Delivery.Status.PENDING)
    assert pending.count() == 6  # the reporter's SMS and e-mail; the operator's and the IOC leader's two each
    assert sms_outbox == []
    monkeypatch.undo()
    with commit():
        assert tasks.pump_once() == 6
    assert not pending.exists()
    assert len(sms_outbox) == 1


def test_the_hook_stays_cheap(flow, people, django_assert_max_num_queries):
    """The hook runs inside every workflow change: a few reads and bulk inserts, no per-recipient query."""
    report = flow.received()
    for i in range(5):  # more leaders must not mean more queries
        make_user(flow.org.commune, User.Role.LEADER, email=f"l{i}@example.vn", phone=f"091300000{i}")
    from pakn.notify.services import notifications_for_event

    services.report_forward(report=report, actor=people["operator"], now=flow.next(report))
    event = report.events.order_by("-seq").first()
    OutboxMessage.objects.filter(event=event).delete()
    with django_assert_max_num_queries(8):
        [message] = notifications_for_event(event, report)
    assert message.deliveries.count() == 6 * 3  # 6 leaders × console, e-mail, SMS


def test_the_notify_run_command_delivers_what_is_pending(flow, sms_outbox):
    """`pakn notify-run`: the periodic work once, without a worker (cron, or after an outage)."""
    from io import StringIO

    import time_machine
    from django.core.management import call_command

    flow.received()  # at 08:00, not committed: nothing delivered yet
    with time_machine.travel(at("2026-03-02 08:20"), tick=False):
        out = StringIO()
        call_command("notify_run", stdout=out)
        # 6 deliveries of the new report, then the day's digest to the supervisor (console, e-mail).
        assert out.getvalue() == "Cảnh báo sắp đến hạn: 0. Bản tổng hợp: đã tạo.\nLượt gửi: đã gửi: 8.\n"
        assert len(sms_outbox) == 1
        out = StringIO()
        call_command("notify_run", stdout=out)
        assert "Bản tổng hợp: không." in out.getvalue() and "Lượt gửi: không có." in out.getvalue()
    with time_machine.travel(at("2026-03-02 08:50"), tick=False):  # 0.75 of the IOC's hour has passed
        out = StringIO()
        call_command("notify_run", stdout=out)
        assert "Cảnh báo sắp đến hạn: 1." in out.getvalue()
