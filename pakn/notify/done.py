"""When a console notification is done (issue 14, item 7): the step it asked for is done.

A notification about a case asks whoever gets it for the case's step at that moment (triage, assignment,
handling, approval, an opinion, a clarification), recorded as the step and the moment it started. It is
done once the case is no longer at that step, whoever acted: forwarded, assigned, escalated, taken over,
resolved (every new step starts at a new moment, so a step begun again is another step), and for a message
to one person about his case, once the case is no longer his (reassigned); an opinion request once the
department answered. A notification that asks for nothing (information) is done once read.

`close_done` runs in the transaction of every timeline event (pakn.notify.services.notifications_for_event);
a notification delivered after its step was done is created done (pakn.notify.channels).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from pakn.notify.models import Kind, Notification
from pakn.org.models import User
from pakn.reports.models import OpinionRequest, Report

# Kinds that ask for nothing: done once read.
INFO_KINDS = frozenset({Kind.TAKEN_OVER, Kind.DAILY_DIGEST})
# Kinds addressed to one person about the case he holds: done once the case is no longer his.
PERSONAL_KINDS = frozenset({Kind.ASSIGNED, Kind.RESULT_RETURNED})


def asked_step(kind: str, report: Report | None) -> tuple[str, datetime | None]:
    """The step a message of this kind written now asks for: the case's current one; none for information
    or for a case that has no step left (closed)."""
    if report is None or kind in INFO_KINDS or not report.step:
        return "", None
    return report.step, report.step_started_at


def still_open(notification: Any, report: Report) -> bool:
    """Whether the step a notification asked for is still to be done (the case as it is now)."""
    if not notification.step:
        return notification.read_at is None
    if report.step != notification.step or report.step_started_at != notification.step_started_at:
        return False
    if notification.kind in PERSONAL_KINDS and report.assignee_id != notification.user_id:
        return False
    if notification.kind == Kind.OPINION_REQUESTED:
        return OpinionRequest.objects.filter(
            report_id=report.pk, department_id=notification.user.agency_id, answered_at__isnull=True
        ).exists()
    return True


def close_done(report: Report, at: datetime, *, answered_by: int | None = None) -> int:
    """Mark done every open notification about this report whose step is done; how many.

    `answered_by`: the department whose opinion the event records (its answer is stored just after the
    event, so its requests are closed by name)."""
    pending = Notification.objects.filter(report_id=report.pk, done_at__isnull=True).exclude(step="")
    done = [
        n.pk
        for n in pending.select_related("user")
        if not still_open(n, report)
        or (n.kind == Kind.OPINION_REQUESTED and answered_by and n.user.agency_id == answered_by)
    ]
    if not done:
        return 0
    return Notification.objects.filter(pk__in=done, done_at__isnull=True).update(done_at=at)


# --- Reading notifications ------------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int, now: datetime | None = None) -> Notification:
    """Mark one of this person's notifications read (someone else's: not found). Reading finishes a
    notification that asks for nothing; one that asks for a step stays to do until the step is done."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        if not notification.step and notification.done_at is None:
            notification.done_at = notification.read_at
            Notification.objects.filter(pk=notification.pk, done_at__isnull=True).update(
                done_at=notification.done_at
            )
    return notification


def notifications_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Mark every notification read; those that ask for nothing are done with it (not those asking a step)."""
    now = now or timezone.now()
    with transaction.atomic():
        Notification.objects.filter(user=user, step="", done_at__isnull=True).update(done_at=now)
        return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
