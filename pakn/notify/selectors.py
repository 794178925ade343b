"""Reads of pakn.notify: what the console shows (the header badge, the list)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pakn.notify.models import Notification


def unread_count(user: Any) -> int:
    """How many in-console notifications this user has not read yet (0 for anonymous users)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def needs_action_count(user: Any) -> int:
    """How many of this user's notifications are not done (issue 14, item 7): those asking for a step not
    yet done, and those asking for nothing not yet read. The console's badge."""
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return 0
    return Notification.objects.filter(user_id=user.pk, done_at__isnull=True).count()


def notifications_for(
    user: Any, *, unread_only: bool = False, open_only: bool = False
) -> QuerySet[Notification]:
    """This user's notifications, newest first; only the unread, or only those not done."""
    qs = Notification.objects.filter(user_id=user.pk).select_related("report")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    return qs
