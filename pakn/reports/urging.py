"""Urging an overdue case ("Đôn đốc", issue 14 item 12; R-10.1): its rule, effect and spec.

Văn phòng UBND tỉnh urges the agencies to answer on time (theo Điều 10 Quy chế: "đôn đốc, theo dõi các cơ
quan xử lý", and the IOC to route promptly); the head of an agency directs and supervises the units under it
(theo Điều 14 Quy chế: "chỉ đạo, hướng dẫn, kiểm tra, giám sát các đơn vị trực thuộc"), so a district's
leader may urge its communes. Nobody urges an agency for its own case, and only a case that is overdue.

The action changes nothing on the case: it is recorded on the timeline (internal: staff only, never on the
public page) with its note and the agency urged, and pakn.notify tells the holding agency's leaders and the
officer handling it (the `urged` notification). `URGE_SPECS` join the table in pakn.reports.actions like
every other spec, so the console's form, the API's endpoint and the surface tests follow from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_noop as _

from pakn.org.models import Agency, User
from pakn.reports.action_spec import ActionSpec, note_input
from pakn.reports.actors import Actor, InvalidTransition, _staff
from pakn.reports.effects import Outcome
from pakn.reports.models import Event, Report, State

Role = User.Role
Visibility = Event.Visibility

# The states in which an agency (or the IOC, at reception) owes the next step; not awaiting the reporter.
URGE_STATES = frozenset(
    {State.RECEIVED, State.ROUTED, State.IN_PROGRESS, State.AWAITING_APPROVAL, State.COORDINATING}
)


def supervisor_of_another_agency(actor: Actor, report: Report) -> bool:
    """Văn phòng UBND tỉnh, for a case another agency holds (theo Điều 10 Quy chế)."""
    user = _staff(actor)
    return user is not None and user.role == Role.SUPERVISOR and user.agency_id != report.agency_id


def leader_above(actor: Actor, report: Report) -> bool:
    """The leader of an agency above the holding one that directs it (a district over its communes, theo
    Điều 14 Quy chế); the province-level desks (the IOC) are escalation targets, not the communes' heads."""
    user = _staff(actor)
    if user is None or user.role != Role.LEADER or user.agency_id == report.agency_id:
        return False
    agency = user.agency
    if agency is None or agency.is_province_level or agency.kind == Agency.Kind.SUPERVISOR:
        return False
    return any(a.pk == user.agency_id for a in report.agency.ancestors())


def is_overdue(report: Report, now: datetime) -> bool:
    """The current step's deadline (of Decision 826, or the agency's target) has passed."""
    return report.due_at is not None and report.due_at < now


def _urge(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    if not is_overdue(report, now):
        raise InvalidTransition("Chỉ đôn đốc được phản ánh đã quá hạn.")
    note = (p.get("note") or "").strip()
    data = {
        "urged_agency": report.agency_id,
        "step": report.step,
        "due_at": report.due_at.isoformat() if report.due_at else None,
    }
    return Outcome(report.state, note=note, data=data)


URGE_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "urge",
        _("Đôn đốc"),
        URGE_STATES,
        (supervisor_of_another_agency, leader_above),
        None,
        Visibility.INTERNAL,
        _urge,
        inputs=(
            note_input(
                _("Nội dung đôn đốc (không bắt buộc)"),
                help=_("Gửi đến lãnh đạo cơ quan đang xử lý; chỉ cán bộ xem được, không công khai."),
            ),
        ),
        ready=is_overdue,
        help=_(
            "Nhắc cơ quan đang xử lý phản hồi phản ánh đã quá hạn (theo Điều 10 Quy chế). "
            "Việc đôn đốc được ghi vào dòng thời gian nội bộ."
        ),
        submit=_("Gửi đôn đốc"),
        summary="Đôn đốc cơ quan xử lý phản ánh quá hạn (theo Điều 10, Điều 14 Quy chế)",
        api_path="urge",
    ),
)
