"""Background work of pakn.notify, run by the huey worker (`pakn worker`):

- deliver_outbox: queued on commit by every change that wrote outbox messages;
- deliver / deliver_many: one attempt at given deliveries (retries with backoff, the pump's batches);
- pump (every minute): deliveries that are due, or that a crashed worker left behind after its lease;
- recover (at the worker's start): the pump now, and again when the dead worker's leases have expired;
- warn_due_soon (every minute): the due-soon warnings; send_daily_digest (every 10 minutes): the digest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from pakn.notify import delivery, queue
from pakn.notify.deadlines import daily_digest_send, due_soon_scan
from pakn.notify.models import Delivery

log = logging.getLogger(__name__)
BATCH = 20


def _attempt_safely(delivery_ids: list[int], attempt: Callable[[], object]) -> None:
    """Run `attempt` (one delivery's, or several's with shared reads: delivery.attempt_many); if the database
    failed under it (restart, dropped connection), reconnect for the next one and come back to these
    deliveries when a lease they may hold has expired."""
    try:
        attempt()
    except DatabaseError:
        log.warning(
            "database error while delivering %s; retrying after the lease", delivery_ids, exc_info=True
        )
        connection.close()
        for pk in delivery_ids:
            delivery.schedule_attempt(pk, timedelta(seconds=settings.PAKN_NOTIFY_LEASE_SECONDS + 1))


def _attempt_many_safely(delivery_ids: list[int]) -> None:
    _attempt_safely(delivery_ids, lambda: delivery.attempt_many(delivery_ids))


@db_task(retries=5, retry_delay=5)
def deliver_outbox(outbox_ids: list[int]) -> None:
    ids = list(
        Delivery.objects.filter(outbox_id__in=outbox_ids, status=Delivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        _attempt_many_safely(ids[start : start + BATCH])


@db_task()
def deliver(delivery_id: int) -> None:
    _attempt_safely([delivery_id], lambda: delivery.attempt(delivery_id))


def connect_queue() -> None:
    """Bind pakn.notify.queue to these tasks (NotifyConfig.ready); the names are looked up at each call, so
    a test may replace a task."""
    queue.connect(
        deliver_outbox=lambda ids: deliver_outbox(ids),
        deliver_later=lambda pk, seconds: deliver.schedule(args=(pk,), delay=seconds),
    )


@db_task()
def deliver_many(delivery_ids: list[int]) -> None:
    _attempt_many_safely(delivery_ids)


def pump_once() -> int:
    """Queue every delivery that is due now (in batches, so several workers share them)."""
    now = timezone.now()
    delivery.give_up_interrupted(now=now)
    ids = delivery.due_ids(now=now)
    for start in range(0, len(ids), BATCH):
        deliver_many(ids[start : start + BATCH])
    return len(ids)


@db_periodic_task(crontab(minute="*"))
def pump() -> None:
    pump_once()


@db_task()
def recover() -> None:
    """After a restart: deliver what is due, and come back when the leases of the dead worker run out."""
    pump_once()
    latest = delivery.latest_lease_expiry()
    if latest is not None:
        wait = max(1, int((latest - timezone.now()).total_seconds()) + 1)
        recover_later.schedule(delay=wait)


@db_task()
def recover_later() -> None:
    pump_once()


@on_startup()
def recover_on_startup() -> None:
    try:
        recover()
    except Exception:  # never keep the worker from starting; the minute pump recovers too
        log.exception("could not queue the recovery of deliveries")


# No huey lock on these two: a lock left by a killed worker would stop them until flushed, and both are
# idempotent in the database (a unique row per step warned, per day digested).
@db_periodic_task(crontab(minute="*"))
def warn_due_soon() -> None:
    due_soon_scan()


@db_periodic_task(crontab(minute="*/10"))
def send_daily_digest() -> None:
    daily_digest_send()


@db_periodic_task(crontab(hour="19", minute="40"))
def purge_delivered() -> None:
    """Daily at 02:40 in Viet Nam: delete deliveries sent more than PAKN_RETENTION_DELIVERED_DAYS ago."""
    from pakn.notify.retention import delivered_purge

    delivered_purge()
