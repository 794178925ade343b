"""Retention (R-13.2): reports are kept for good (R-9.1); the reporter's personal data is not.

A closed case (resolved, rejected or cancelled) untouched for PAKN_RETENTION_PERSONAL_DATA_DAYS loses its
reporter's name, address, phone, ID number, e-mail and their look-up hashes, and the report's title and
content lose what looks like personal data (numbers, e-mail addresses, and the reporter's own name and
address written in them). This is the workflow action `anonymise`, taken by the system, so the timeline records
it (a public entry) and the change is sealed like any other. docs/operations.md explains the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from pakn.reports import workflow
from pakn.reports.erasure import ACTION, retention_cutoff
from pakn.reports.models import CLOSED_STATES, Event, Report


def reports_due_for_anonymisation(*, now: datetime) -> QuerySet[Report]:
    """Closed reports untouched since before the cut-off whose reporter's data was not erased yet."""
    erased = Event.objects.filter(report=OuterRef("pk"), action=ACTION)
    return (
        Report.objects.filter(state__in=CLOSED_STATES, updated_at__lt=retention_cutoff(now))
        .exclude(Exists(erased))
        .select_related("agency")
        .order_by("updated_at", "pk")
    )


def personal_data_anonymise(*, report: Report, now: datetime | None = None) -> Event:
    """Erase one closed report's personal data through the workflow (one public timeline entry)."""
    return workflow.apply(report, ACTION, actor=workflow.SYSTEM, now=now or timezone.now())


@dataclass
class RetentionResult:
    anonymised: int = 0
    skipped: int = 0


def retention_sweep(*, now: datetime | None = None, limit: int = 1000) -> RetentionResult:
    """Anonymise up to `limit` due reports (the oldest first); safe to run twice at once (compare-and-swap)."""
    now = now or timezone.now()
    result = RetentionResult()
    for report in reports_due_for_anonymisation(now=now)[:limit]:
        try:
            personal_data_anonymise(report=report, now=now)
            result.anonymised += 1
        except workflow.WorkflowError:
            result.skipped += 1
    return result
