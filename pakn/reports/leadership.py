"""Consulting the province's leadership at step 5 (Điều 7 khoản 5 Quy chế, R-7.5).

"Trung tâm IOC … có trách nhiệm xin ý kiến lãnh đạo UBND tỉnh để phối hợp với các cơ quan chuyên môn của
UBND tỉnh": besides the departments (`request_opinions`), the IOC asks the leadership of the province, through
its office (Văn phòng UBND tỉnh, the agency of kind `supervisor`), for an opinion with a deadline.

- `request_leadership_opinion`: the IOC desk holding a coordinating case asks; an `OpinionRequest` to the
  province's office records the question and its deadline (the `opinion` policy row for agencies of kind
  `supervisor`; a target by default: the regulation sets the IOC's 3 working days, not the leadership's).
- `give_leadership_opinion`: the office (its supervisors) answers; the answer closes the `opinion` step with
  that deadline, recorded against the office, like a department's opinion.

The answer's timeline entry is public like a department's (Điều 9 khoản 2); the question is not shown to the
public beyond the fact that the leadership was asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop as _

from pakn.org.models import Agency, User
from pakn.reports import effects, sla
from pakn.reports.action_spec import ActionSpec, required_text, within
from pakn.reports.actors import Actor, _staff, staff_at_current_agency
from pakn.reports.effects import Outcome, _required
from pakn.reports.models import Event, OpinionRequest, Report, State, Step

Role = User.Role
Visibility = Event.Visibility

# The IOC's desk: the province's office itself coordinating a case does not consult itself.
IOC_DESK_AT_IOC = staff_at_current_agency(Role.OPERATOR, Role.LEADER)


def the_leadership_office() -> Agency | None:
    """The province's office (Văn phòng UBND tỉnh), through which the province's leadership is consulted."""
    return Agency.objects.filter(kind=Agency.Kind.SUPERVISOR, is_active=True).order_by("pk").first()


def ioc_may_consult(actor: Actor, report: Report) -> bool:
    return IOC_DESK_AT_IOC(actor, report) and report.agency.kind == Agency.Kind.IOC


def leadership_asked(actor: Actor, report: Report) -> bool:
    """The province's office, asked for the leadership's opinion and not answered yet."""
    user = _staff(actor)
    return (
        user is not None
        and user.role == Role.SUPERVISOR
        and OpinionRequest.objects.filter(
            report=report, department_id=user.agency_id, answered_at__isnull=True
        ).exists()
    )


def not_waiting_for_leadership(report: Report, now: datetime) -> bool:
    return not OpinionRequest.objects.filter(
        report=report, department__kind=Agency.Kind.SUPERVISOR, answered_at__isnull=True
    ).exists()


def request_leadership_opinion(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    question = _required(p, "question", "Vui lòng nêu nội dung xin ý kiến.")
    office = the_leadership_office()
    if office is None:
        raise ValidationError({"question": "Chưa có Văn phòng UBND tỉnh trong hệ thống."})
    if not not_waiting_for_leadership(report, now):
        raise ValidationError({"question": "Đang chờ ý kiến lãnh đạo UBND tỉnh về phản ánh này."})
    user = actor
    assert isinstance(user, User)
    due_at = sla.due_for(Step.OPINION, office.kind, now) or now

    def create_request(event: Event) -> None:
        effects.opinion_request_create(report, office, question=question, by=user, now=now)

    return Outcome(
        report.state,
        note="Xin ý kiến lãnh đạo UBND tỉnh (qua Văn phòng UBND tỉnh)",
        # No target agency: the case stays with the IOC (the statistics read the holder from the timeline).
        data={"departments": [office.pk], "leadership": True, "due_at": due_at.isoformat()},
        after=[create_request],
    )


REQUEST_LEADERSHIP_OPINION = ActionSpec(
    "request_leadership_opinion",
    _("Xin ý kiến lãnh đạo UBND tỉnh"),
    frozenset({State.COORDINATING}),
    (ioc_may_consult,),
    None,
    Visibility.PUBLIC,
    request_leadership_opinion,
    inputs=(required_text("question", _("Nội dung xin ý kiến"), _("Vui lòng nêu nội dung xin ý kiến.")),),
    ready=not_waiting_for_leadership,
    help=within(
        Step.OPINION,
        _(
            "Văn phòng UBND tỉnh trình lãnh đạo UBND tỉnh và trả lời trong {duration} (theo Điều 7 Quy chế); "
            "phản ánh được công khai trong 03 ngày làm việc."
        ),
        kind=Agency.Kind.SUPERVISOR,
    ),
    submit=_("Gửi xin ý kiến"),
    summary="Xin ý kiến lãnh đạo UBND tỉnh qua Văn phòng UBND tỉnh, có thời hạn (theo Điều 7 Quy chế)",
    api_path="request-leadership-opinion",
)

GIVE_LEADERSHIP_OPINION = ActionSpec(
    "give_leadership_opinion",
    _("Cho ý kiến của lãnh đạo UBND tỉnh"),
    frozenset({State.COORDINATING}),
    (leadership_asked,),
    None,
    Visibility.PUBLIC,
    effects.give_opinion,
    inputs=(
        required_text(
            "answer",
            _("Ý kiến của lãnh đạo UBND tỉnh"),
            _("Vui lòng nhập ý kiến của lãnh đạo UBND tỉnh."),
            rows=5,
        ),
    ),
    submit=_("Gửi ý kiến"),
    summary="Văn phòng UBND tỉnh trả lời ý kiến của lãnh đạo UBND tỉnh (theo Điều 7 Quy chế)",
    api_path="leadership-opinion",
    retry_stale=True,
)

LEADERSHIP_SPECS = (REQUEST_LEADERSHIP_OPINION, GIVE_LEADERSHIP_OPINION)
