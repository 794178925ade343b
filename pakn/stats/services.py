"""Writes of pakn.stats: the agencies' explanations of late or unhandled steps (R-14.4)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pakn.org.models import Agency, User
from pakn.reports.models import Event, Report, State
from pakn.stats.figures import AGENCY_OPEN_STATES, AGENCY_STEPS, STATE_STEP
from pakn.stats.models import LateExplanation

MIN_LENGTH = 10
MAX_LENGTH = 4000


def late_item_event(*, report: Report, step: str, due_at: datetime, agency: Agency) -> Event | None:
    """The event by which `agency` did this step of the report late, if it did."""
    return (
        Event.objects.filter(
            report=report, step=step, step_due_at=due_at, agency=agency, statutory=True, on_time=False
        )
        .order_by("seq")
        .first()
    )


def _is_pending_late(report: Report, step: str, due_at: datetime, agency: Agency, now: datetime) -> bool:
    clarifying = report.state == State.RESOLVED and report.clarification_pending
    return (
        (report.state in AGENCY_OPEN_STATES or clarifying)
        and report.agency_id == agency.pk
        and report.due_at == due_at
        and report.overdue_at is not None
        and report.overdue_at < now
        and STATE_STEP.get(report.state) == step
    )


def late_explanation_save(
    *,
    actor: User,
    report: Report,
    step: str,
    due_at: datetime,
    agency: Agency,
    text: str,
    now: datetime | None = None,
) -> LateExplanation:
    """R-14.4: the agency's leader explains why a step was done late, or is still not done past its deadline.

    Only the leader of that agency may write it; the step must really be late for that agency (done after its
    deadline, or pending past it now). Writing again replaces the text and records who wrote it last.
    """
    now = now or timezone.now()
    if not (actor.is_active and actor.role == User.Role.LEADER and actor.agency_id == agency.pk):
        raise PermissionDenied(
            _("Chỉ lãnh đạo của cơ quan được giải trình các trường hợp trễ hạn của cơ quan mình.")
        )
    if step not in AGENCY_STEPS:
        raise ValidationError({"step": _("Bước xử lý không hợp lệ.")})
    event = late_item_event(report=report, step=step, due_at=due_at, agency=agency)
    if event is None and not _is_pending_late(report, step, due_at, agency, now):
        raise ValidationError(
            {"step": _("Bước này không trễ hạn đối với cơ quan của bạn; không cần giải trình.")}
        )
    text = (text or "").strip()
    if len(text) < MIN_LENGTH:
        raise ValidationError(
            {"text": _("Vui lòng nêu rõ lý do trễ hạn (ít nhất %(n)s ký tự).") % {"n": MIN_LENGTH}}
        )
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("Nội dung giải trình tối đa %(max)s ký tự (hiện có %(n)s).")
                % {"max": MAX_LENGTH, "n": len(text)}
            }
        )
    key = {"report": report, "step": step, "due_at": due_at, "agency": agency}
    values = {"text": text, "author": actor, "updated_at": now, "event": event}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                explanation, created = LateExplanation.objects.select_for_update().get_or_create(
                    **key, defaults={**values, "created_at": now}
                )
                if not created:
                    for name, value in values.items():
                        setattr(explanation, name, value)
                    explanation.save(update_fields=list(values))
                return explanation
        except IntegrityError:  # written at the same moment by another request: update theirs
            continue
    raise ValidationError({"text": _("Không lưu được giải trình, vui lòng thử lại.")})
