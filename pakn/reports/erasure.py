"""What the retention (R-13.2) erases, for the workflow's `anonymise` effect: the reporter's personal data,
and what looks like personal data in the report's text (the scheduling is in `retention`)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from pakn.reports.models import PERSONAL_FIELDS, Report
from pakn.reports.pii import mask_personal_data

ACTION = "anonymise"
NAME_MASK = "***"


def retention_cutoff(now: datetime) -> datetime:
    """Cases closed (last changed) before this moment have kept personal data long enough."""
    return now - timedelta(days=settings.PAKN_RETENTION_PERSONAL_DATA_DAYS)


def _without(text: str, values: list[str]) -> str:
    for value in values:
        if len(value) >= 4:
            text = re.sub(re.escape(value), NAME_MASK, text, flags=re.IGNORECASE)
    return mask_personal_data(text)


def anonymise_changes(report: Report, now: datetime) -> dict[str, Any]:
    """The workflow effect's changes (the effect refuses a case too recent or already anonymised)."""
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
