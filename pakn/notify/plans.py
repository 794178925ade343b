"""Who gets which message for each event of the workflow (R-7, R-8, R-10.1, R-14.2): the planners of
pakn.notify.services, one per action (docs/notifications.md has the same table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from pakn.notify.models import Kind
from pakn.org.models import Agency, User
from pakn.reports.models import Event, OpinionRequest, Report, Step

Role = User.Role


def _name(obj: Any) -> str:
    return str(obj) if obj is not None else ""


def moment_text(moment: datetime | None) -> str:
    """'14:30 ngày 02/06/2025' in Vietnam's time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


# --- Who gets what ------------------------------------------------------------------------------------


@dataclass
class Planned:
    """One message to write: its kind, its staff recipients (a query) and whether the reporter gets it."""

    kind: str
    staff: Q | None = None
    reporter: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _members(agency_id: int | None, *roles: str) -> Q:
    return Q(agency_id=agency_id, role__in=roles)


def _desk(agency: Agency) -> Q:
    """Who acts for an agency on a case it holds: its leaders; at province level also its operators."""
    if agency.is_province_level:
        return _members(agency.pk, Role.OPERATOR, Role.LEADER, Role.SUPERVISOR)
    return _members(agency.pk, Role.LEADER)


def _person(user_id: int | None) -> Q:
    return Q(pk=user_id) if user_id else Q(pk__in=[])


def step_holders(report: Report) -> Q:
    """Who must act before the current step's deadline (due-soon and overdue warnings)."""
    step, agency = report.step, report.agency
    if step == Step.ASSIGN or step == Step.APPROVE:
        return _members(agency.pk, Role.LEADER)
    if step == Step.HANDLE:
        return _person(report.assignee_id) if report.assignee_id else _members(agency.pk, Role.LEADER)
    if step == Step.CLARIFY:
        return _person(report.assignee_id) | _desk(agency)
    return _desk(agency)


def _urger(event: Event) -> str:
    return _name(event.actor.agency if event.actor else None)


def _opinion_due(at: datetime, kind: str = Agency.Kind.DEPARTMENT) -> str:
    from pakn.reports import sla

    return moment_text(sla.due_for(Step.OPINION, kind, at))


def _plan_give_opinion(event: Event, report: Report) -> list[Planned]:
    requested_by = (
        OpinionRequest.objects.filter(pk=event.data.get("opinion_request"))
        .values_list("requested_by_id", flat=True)
        .first()
    )
    department = event.agency.name if event.agency else ""
    return [
        Planned(
            Kind.OPINION_GIVEN, _desk(report.agency) | _person(requested_by), extra={"department": department}
        )
    ]


def _overseeing_leaders(agency: Agency) -> Q:
    """R-14.2: the leaders of the agencies above this one below the province (on the 2022 data, a commune's
    district), who answer for their communes' cases."""
    above = [a.pk for a in agency.ancestors() if not a.is_province_level]
    return Q(agency_id__in=above, role=Role.LEADER)


def _plan_overdue(event: Event, report: Report) -> list[Planned]:
    """R-10.1, R-14.2: the officer, the agency's leaders, the leaders above it (a commune's district) and the
    supervisor learn that a step is overdue under Decision 826; a missed internal target (no deadline of the
    regulation) only reminds whoever must act."""
    if event.data.get("statutory") is False:
        return [Planned(Kind.OVERDUE, step_holders(report))]
    who = (
        step_holders(report)
        | _members(report.agency_id, Role.LEADER)
        | _overseeing_leaders(report.agency)
        | Q(role=Role.SUPERVISOR)
    )
    return [Planned(Kind.OVERDUE, who)]


def _plan_opinion_overdue(event: Event, report: Report) -> list[Planned]:
    """R-7.5 (issue 11, item 7): a department did not give its opinion by its deadline. The IOC desk that
    asked (and whoever asked) is told, the department reminded; the supervisor too when the deadline is one
    of Decision 826 (a target, by default, is a warning only)."""
    request = (
        OpinionRequest.objects.filter(pk=event.data.get("opinion_request"))
        .select_related("department")
        .first()
    )
    if request is None:
        return []
    who = (
        _desk(report.agency)
        | _person(request.requested_by_id)
        | Q(agency_id=request.department_id, role__in=(Role.SPECIALIST, Role.LEADER))
    )
    if request.statutory:
        who |= Q(role=Role.SUPERVISOR)
    extra = {
        "step": str(Step.OPINION.label),
        "agency": request.department.name,
        "department": request.department.name,
        "due_at": moment_text(request.due_at),
    }
    return [Planned(Kind.OVERDUE, who, extra=extra)]


Planner = Callable[[Event, Report], list[Planned]]

# For each action of the workflow, the messages it causes (docs/notifications.md has the same table).
PLANNERS: dict[str, Planner] = {
    "submit": lambda e, r: [Planned(Kind.RECEIVED, reporter=True), Planned(Kind.NEW_REPORT, _desk(r.agency))],
    "request_info": lambda e, r: [Planned(Kind.INFO_REQUESTED, reporter=True, extra={"note": e.note})],
    "supplement": lambda e, r: [Planned(Kind.SUPPLEMENTED, _desk(r.agency))],
    "cancel_expired": lambda e, r: [Planned(Kind.CANCELLED, reporter=True, extra={"reason": e.note})],
    "reject": lambda e, r: [Planned(Kind.REJECTED, reporter=True, extra={"reason": e.note})],
    "forward": lambda e, r: [
        Planned(Kind.ROUTED, _members(r.agency_id, Role.LEADER), extra={"note": e.note})
    ],
    "escalate": lambda e, r: [
        Planned(Kind.ESCALATED, _desk(r.agency), extra={"note": e.note, "from_agency": _name(e.agency)})
    ],
    "take_over": lambda e, r: (
        [
            Planned(
                Kind.TAKEN_OVER,
                _members(e.agency_id, Role.LEADER),
                extra={"note": e.note, "from_agency": _name(e.agency)},
            )
        ]
        if e.agency_id != r.agency_id
        else []
    ),
    "assign": lambda e, r: [Planned(Kind.ASSIGNED, _person(r.assignee_id), extra={"note": e.note})],
    "reassign": lambda e, r: [Planned(Kind.ASSIGNED, _person(r.assignee_id), extra={"note": e.note})],
    "report_result": lambda e, r: [
        Planned(Kind.RESULT_SUBMITTED, _members(r.agency_id, Role.LEADER), extra={"officer": _name(e.actor)})
    ],
    "return_result": lambda e, r: [
        Planned(Kind.RESULT_RETURNED, _person(r.assignee_id), extra={"note": e.note})
    ],
    "approve": lambda e, r: [Planned(Kind.RESULT_PUBLISHED, reporter=True)],
    "publish_result": lambda e, r: [Planned(Kind.RESULT_PUBLISHED, reporter=True)],
    "request_opinions": lambda e, r: [
        Planned(
            Kind.OPINION_REQUESTED,
            Q(agency_id__in=e.data.get("departments", []), role__in=(Role.SPECIALIST, Role.LEADER)),
            extra={"due_at": _opinion_due(e.at)},
        )
    ],
    "give_opinion": _plan_give_opinion,
    # The province's leadership consulted through its office (Điều 7 khoản 5): the office's supervisors.
    "request_leadership_opinion": lambda e, r: [
        Planned(
            Kind.OPINION_REQUESTED,
            Q(agency_id__in=e.data.get("departments", []), role=Role.SUPERVISOR),
            extra={"due_at": _opinion_due(e.at, Agency.Kind.SUPERVISOR)},
        )
    ],
    "give_leadership_opinion": _plan_give_opinion,
    "reply": lambda e, r: [Planned(Kind.CLARIFICATION_REQUESTED, _person(r.assignee_id) | _desk(r.agency))],
    "clarify": lambda e, r: [Planned(Kind.CLARIFIED, reporter=True, extra={"note": e.note})],
    "note_overdue": _plan_overdue,
    "note_opinion_overdue": _plan_opinion_overdue,
    # A case moved from a retired 2022 agency to its successor (issue 11): its new leaders take it up.
    "transfer_successor": lambda e, r: [
        Planned(Kind.ROUTED, _members(r.agency_id, Role.LEADER), extra={"note": e.note})
    ],
    "urge": lambda e, r: [  # whoever must act and the holding agency's leaders
        Planned(
            Kind.URGED, step_holders(r) | _desk(r.agency), extra={"note": e.note, "from_agency": _urger(e)}
        )
    ],
}
