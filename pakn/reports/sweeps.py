"""The sweep every minute (pakn.reports.tasks, `pakn sweep`): expired supplement windows cancelled (R-7.2b),
newly overdue steps and departments' opinions noted once each, every report on its own.

A write like any other: each change goes through `workflow.apply` as the system."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from pakn.reports import workflow
from pakn.reports.models import OPEN_STATES, Report, State
from pakn.reports.oversight import opinion_requests_to_note
from pakn.reports.workflow import SYSTEM

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    cancelled: int = 0
    overdue: int = 0
    opinions_overdue: int = 0  # departments' opinions past their deadline, noted (R-7.5)
    failed: int = 0  # reports whose step raised an unexpected error (logged; the others were swept)


def deadlines_sweep(*, now: datetime | None = None) -> SweepResult:
    """Cancel expired supplement windows (R-7.2b) and record newly overdue steps, once each (statutory
    deadlines notify the agency's leaders and the supervisor; missed targets only whoever must act).

    Idempotent: a report already handled by another sweep (or changed meanwhile) is skipped. Each report is
    swept on its own: one report's unexpected error is logged and rolled back, and the rest are swept.
    """
    now = now or timezone.now()
    result = SweepResult()
    expired = Report.objects.filter(state=State.AWAITING_INFO, due_at__lte=now).select_related("agency")
    for report in expired.iterator():
        outcome = _sweep_one(report, "cancel_expired", now)
        result.cancelled += outcome == "done"
        result.failed += outcome == "failed"
    overdue = (
        Report.objects.filter(Q(state__in=OPEN_STATES) | Q(state=State.RESOLVED, clarification_pending=True))
        # Overdue under Decision 826, or an internal target missed (a warning only): workflow.overdue_to_note.
        .filter(Q(overdue_at__lt=now) | Q(step_statutory=False, due_at__lt=now), overdue_noted=False)
        .exclude(state=State.AWAITING_INFO)
        .select_related("agency")
    )
    for report in overdue.iterator():
        outcome = _sweep_one(report, "note_overdue", now)
        result.overdue += outcome == "done"
        result.failed += outcome == "failed"
    # a department's opinion not given by its deadline, noted once per request (issue 11, item 7).
    for report_id, request_id in list(opinion_requests_to_note(now)):
        report = Report.objects.select_related("agency").get(pk=report_id)
        outcome = _sweep_one(report, "note_opinion_overdue", now, opinion_request=request_id)
        result.opinions_overdue += outcome == "done"
        result.failed += outcome == "failed"
    return result


def _sweep_one(report: Report, action: str, now: datetime, **params: Any) -> str:
    """ "done", "skipped" (the workflow refused: changed meanwhile) or "failed" (an unexpected error, logged
    with the report's id and the error's type and place, never its message, which may quote personal data)."""
    try:
        workflow.apply(report, action, actor=SYSTEM, now=now, **params)
    except workflow.WorkflowError:
        return "skipped"
    except Exception as e:
        where = "".join(traceback.format_tb(e.__traceback__)[-3:])
        log.error("sweep: %s failed on report %s (%s)\n%s", action, report.pk, type(e).__name__, where)
        return "failed"
    return "done"
