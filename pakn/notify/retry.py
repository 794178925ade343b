"""The administrator's retry of failed notifications (from the Django admin)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pakn.notify.models import Delivery
from pakn.notify.services import enqueue_delivery
from pakn.org.models import User

Role = User.Role


def deliveries_retry(*, actor: User, deliveries: Iterable[Delivery], now: datetime | None = None) -> int:
    """Send failed (or skipped) deliveries again from the admin; the idempotency key stays the same, so a
    gateway that did receive the first attempt does not send twice."""
    if not (actor.is_superuser or actor.role == Role.ADMIN):
        raise PermissionDenied("Chỉ quản trị hệ thống mới được gửi lại thông báo.")
    now = now or timezone.now()
    ids = [d.pk for d in deliveries]
    count = Delivery.objects.filter(
        pk__in=ids, status__in=(Delivery.Status.FAILED, Delivery.Status.SKIPPED)
    ).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now, lease_until=None, updated_at=now
    )
    outbox_ids = sorted(set(Delivery.objects.filter(pk__in=ids).values_list("outbox_id", flat=True)))
    if count:
        transaction.on_commit(lambda: enqueue_delivery(outbox_ids), robust=True)
    return count
