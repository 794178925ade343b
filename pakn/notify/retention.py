"""Retention of notifications (R-13.2): delivered and skipped deliveries, with their messages, are deleted
PAKN_RETENTION_DELIVERED_DAYS after they were sent. A failed delivery stays until the administrator retries or
deletes it; a staff member's notice in the console keeps its text (it has no personal data of the reporter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pakn.notify.models import Delivery, Follower, OutboxMessage, PushSubscription
from pakn.reports.models import Event

BATCH = 1000


@dataclass
class PurgeResult:
    deliveries: int = 0
    messages: int = 0


def delivered_purge(*, now: datetime | None = None) -> PurgeResult:
    """Delete what was delivered (or skipped) before the cut-off, in batches; safe to run twice at once."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PAKN_RETENTION_DELIVERED_DAYS)
    result = PurgeResult()
    done = Q(status=Delivery.Status.SENT, sent_at__lt=cutoff) | Q(
        status=Delivery.Status.SKIPPED, updated_at__lt=cutoff
    )
    while True:
        ids = list(Delivery.objects.filter(done).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        with transaction.atomic():
            result.deliveries += (
                Delivery.objects.filter(pk__in=ids).filter(done).delete()[1].get(Delivery._meta.label, 0)
            )
    # A report whose reporter's data was erased (R-13.2, action "anonymise") keeps no way to reach him: his
    # deliveries go whatever their status, and the messages' private part (his name, his link) is emptied.
    erased = Event.objects.filter(action="anonymise").values("report_id")
    result.deliveries += (
        Delivery.objects.filter(to_reporter=True, outbox__report_id__in=erased)
        .delete()[1]
        .get(Delivery._meta.label, 0)
    )
    # Followers (issue 14, item 9): of a report whose data was erased (nothing more will happen to it), and
    # phones never confirmed a day after their code; their browsers' subscriptions go with them.
    stale = Follower.objects.filter(
        Q(report_id__in=erased) | Q(confirmed_at__isnull=True, created_at__lt=now - timedelta(days=1))
    )
    PushSubscription.objects.filter(follower__in=stale).delete()
    stale.delete()
    for message in OutboxMessage.objects.filter(report_id__in=erased).only("pk", "private_context"):
        if message.private_context:  # encrypted: compared once decrypted (few rows: most are purged above)
            OutboxMessage.objects.filter(pk=message.pk).update(private_context="")
    # Messages left with no delivery at all, old enough (a new message's deliveries are written with it).
    orphans = OutboxMessage.objects.filter(created_at__lt=cutoff).exclude(
        Exists(Delivery.objects.filter(outbox=OuterRef("pk")))
    )
    result.messages = orphans.delete()[1].get(OutboxMessage._meta.label, 0)
    return result
