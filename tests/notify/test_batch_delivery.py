"""The worker delivers a batch with shared reads (issue 13): one claim, one read of the deliveries and one of
their templates whatever the batch's size; each outcome still fenced by its own attempt number (R-7)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pakn.notify import delivery as worker
from pakn.notify.models import Delivery
from tests.conftest import at

T0 = at("2026-03-02 09:00")


def pending_ids(flow, reports: int) -> list[int]:
    for _ in range(reports):
        flow.received()
    return list(Delivery.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True))


def reads(ctx, table: str) -> int:
    return sum(
        1 for q in ctx.captured_queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    )


def test_a_batch_is_claimed_and_read_once_whatever_its_size(flow, sms_outbox):
    ids = pending_ids(flow, 4)
    # Each new report: the IOC's operator and leader by console and e-mail, the reporter by e-mail and SMS.
    channels = Counter(Delivery.objects.filter(pk__in=ids).values_list("channel", flat=True))
    assert len(ids) == 24 and channels == {"console": 8, "email": 12, "sms": 4}
    with CaptureQueriesContext(connection) as ctx:
        outcomes = worker.attempt_many(ids, now=T0 + timedelta(minutes=1))
    assert set(outcomes) == set(ids) and set(outcomes.values()) <= {"sent", "skipped"}
    assert reads(ctx, "notify_delivery") == 1
    assert reads(ctx, "notify_messagetemplate") == 1
    claims = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and "RETURNING" in q["sql"]
    ]
    assert len(claims) == 1
    assert len(sms_outbox) == 4
    assert set(Delivery.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_a_batch_leaves_what_another_worker_holds(flow, sms_outbox):
    ids = pending_ids(flow, 2)
    held = ids[0]
    assert worker.claim(held, now=T0) == 1  # another worker has it
    outcomes = worker.attempt_many(ids, now=T0 + timedelta(seconds=5))
    assert held not in outcomes and set(outcomes) == set(ids[1:])
    assert Delivery.objects.get(pk=held).status == "sending"
    # and once its lease has run out, it is ours to take
    later = T0 + timedelta(seconds=worker.settings.PAKN_NOTIFY_LEASE_SECONDS + 1)
    assert worker.claim_many([held], now=later) == {held: 2}
