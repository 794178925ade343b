"""Notifications about deadlines (R-7, R-10.1): the due-soon warnings to whoever must act, and the
supervisor's daily digest of what is overdue; both written to the outbox like the workflow's messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation

from pakn.core import province
from pakn.notify.models import Kind, OutboxMessage
from pakn.notify.plans import Planned, moment_text, step_holders
from pakn.notify.services import duration_text, outbox_write
from pakn.org.models import User
from pakn.reports.models import OPEN_STATES, Report, State, Step

Role = User.Role

# --- Due soon ---------------------------------------------


def _due_soon_candidates(now: datetime) -> Any:
    already = OutboxMessage.objects.filter(
        kind=Kind.DUE_SOON,
        report=OuterRef("pk"),
        step=OuterRef("step"),
        step_started_at=OuterRef("step_started_at"),
    )
    return (
        Report.objects.filter(
            Q(state__in=OPEN_STATES) | Q(state=State.RESOLVED, clarification_pending=True),
            due_at__gt=now,
            step_started_at__isnull=False,
        )
        .exclude(state=State.AWAITING_INFO)
        .exclude(step="")
        .exclude(Exists(already))
        .values_list("pk", "step_started_at", "due_at")
    )


def due_soon_scan(*, now: datetime | None = None) -> int:
    """Warn who must act when a share of a step's allowed time has passed (PAKN_NOTIFY_DUE_SOON_SHARE),
    once per (report, step, step start): a unique row makes a second scan, or a second worker, a no-op."""
    now = now or timezone.now()
    share = settings.PAKN_NOTIFY_DUE_SOON_SHARE
    warned = 0
    for pk, started, due in _due_soon_candidates(now).iterator():
        if now < started + (due - started) * share:
            continue
        try:
            with transaction.atomic():
                report = Report.objects.select_related("agency", "category", "assignee").get(pk=pk)
                if report.step_started_at != started or report.due_at != due:
                    continue  # the step changed meanwhile
                outbox_write(
                    [Planned(Kind.DUE_SOON, step_holders(report))],
                    report=report,
                    event=None,
                    at=now,
                    dedupe=f"due_soon:{report.pk}:{report.step}:{started.timestamp():.0f}",
                    step=report.step,
                    step_started_at=started,
                )
                warned += 1
        except IntegrityError:
            continue  # another worker warned first
    return warned


DIGEST_ITEMS = 30


def daily_digest_send(*, now: datetime | None = None) -> OutboxMessage | None:
    """R-10.1: once a day, from PAKN_NOTIFY_DIGEST_HOUR (local time), the supervisors get the list of what is
    overdue across the province. Idempotent per day: the day is in the message's unique key."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.PAKN_NOTIFY_DIGEST_HOUR:
        return None
    key = f"digest:{local.date().isoformat()}"
    if OutboxMessage.objects.filter(dedupe_key__startswith=key).exists():
        return None
    overdue = (
        Report.objects.filter(
            Q(state__in=OPEN_STATES) | Q(state=State.RESOLVED, clarification_pending=True), overdue_at__lt=now
        )
        .select_related("agency")
        .order_by("overdue_at")
    )
    count = overdue.count()
    with translation.override("vi"):
        items = [
            {
                "code": r.tracking_code,
                "agency": r.agency.name,
                "step": str(Step(r.step).label) if r.step else "",
                "due_at": moment_text(r.overdue_at),
                "late": duration_text(now - r.overdue_at) if r.overdue_at else "",
            }
            for r in overdue[:DIGEST_ITEMS]
        ]
    from django.urls import reverse

    context = {
        "site_name": province.site_short_name(),
        "province": province.province_label(),
        "site_url": settings.SITE_URL,
        "date": f"{local:%d/%m/%Y}",
        "count": count,
        "items": items,
        "more": max(0, count - len(items)),
        "url": settings.SITE_URL + reverse("console:inbox"),
    }
    try:
        with transaction.atomic():
            messages = outbox_write(
                [Planned(Kind.DAILY_DIGEST, Q(role=Role.SUPERVISOR))],
                report=None,
                event=None,
                at=now,
                dedupe=key,
                context=context,
            )
    except IntegrityError:
        return None
    return messages[0]
