"""Retention (R-13.2): reports are kept for good (R-9.1); the reporter's personal data is not.

A closed case (resolved, rejected or cancelled) untouched for PAKN_RETENTION_PERSONAL_DATA_DAYS loses its
reporter's name, address, phone, ID number, e-mail and their look-up hashes, and the report's title and
content lose what looks like personal data (numbers, e-mail addresses, and the reporter's own name and
address written in them). This is the workflow action `anonymise`, taken by the system, so the timeline records
it (a public entry) and the change is sealed like any other. docs/operations.md explains the default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from pakn.reports import workflow
from pakn.reports.models import CLOSED_STATES, Event, Report
from pakn.reports.pii import mask_personal_data

PERSONAL_FIELDS = (
    "reporter_name",
    "reporter_address",
    "reporter_phone",
    "reporter_id_number",
    "reporter_email",
)
ACTION = "anonymise"
NAME_MASK = "***"


def retention_cutoff(now: datetime) -> datetime:
    """Cases closed (last changed) before this moment have kept personal data long enough."""
    return now - timedelta(days=settings.PAKN_RETENTION_PERSONAL_DATA_DAYS)


def reports_due_for_anonymisation(*, now: datetime) -> QuerySet[Report]:
    """Closed reports untouched since before the cut-off whose reporter's data was not erased yet."""
    erased = Event.objects.filter(report=OuterRef("pk"), action=ACTION)
    return (
        Report.objects.filter(state__in=CLOSED_STATES, updated_at__lt=retention_cutoff(now))
        .exclude(Exists(erased))
        .select_related("agency")
        .order_by("updated_at", "pk")
    )


def _without(text: str, values: list[str]) -> str:
    for value in values:
        if len(value) >= 4:
            text = re.sub(re.escape(value), NAME_MASK, text, flags=re.IGNORECASE)
    return mask_personal_data(text)


def anonymise_changes(report: Report, now: datetime) -> dict[str, Any]:
    """The workflow effect's changes; refuses a case too recent or already anonymised."""
    if Event.objects.filter(report=report, action=ACTION).exists():
        raise workflow.InvalidTransition("Dữ liệu cá nhân của phản ánh này đã được xóa.")
    if report.updated_at >= retention_cutoff(now):
        raise workflow.InvalidTransition("Phản ánh chưa hết thời hạn lưu trữ dữ liệu cá nhân.")
    known = [report.reporter_name.strip(), report.reporter_address.strip()]
    changes: dict[str, Any] = dict.fromkeys(PERSONAL_FIELDS, "")
    changes.update(
        phone_hash="",
        id_number_hash="",
        title=_without(report.title, known),
        content=_without(report.content, known),
        public_title=_without(report.public_title, known),
        public_content=_without(report.public_content, known),
    )
    return changes


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
