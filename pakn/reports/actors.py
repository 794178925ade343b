"""Who acts on a report: the actors, the rules of who may take an action, and the workflow's errors.

The rules are predicates over (actor, report); an action's spec (pakn.reports.actions) lists the rules of
whom it allows, any one of which is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pakn.org.models import Agency, User
from pakn.reports.models import OpinionRequest, Report

Role = User.Role


# --- Actors -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReporterActor:
    """The reporter, proven by the report's follow-up secret (no account)."""

    report_id: int


@dataclass(frozen=True)
class SystemActor:
    """The system itself: sweeps and automatic cancellations."""

    name: str = "system"


SYSTEM = SystemActor()
Actor = User | ReporterActor | SystemActor


# --- Errors -------------------------------------------------------------------------------------------


class WorkflowError(Exception):
    """An action that cannot be taken; `message` is Vietnamese and shown to the person."""

    code = "workflow_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(WorkflowError):
    code = "invalid_transition"


class ActionRefused(WorkflowError):
    code = "not_allowed"


class StaleReport(WorkflowError):
    code = "conflict"


# --- Rules: who may act -------------------------------------------------------------------------------

Rule = Callable[[Actor, Report], bool]


def _staff(actor: Actor) -> User | None:
    """The actor as an active official of some agency, or None."""
    if isinstance(actor, User) and actor.is_active and actor.agency_id is not None:
        return actor
    return None


def staff_at_current_agency(*roles: str) -> Rule:
    """A member of the agency that holds the case, in one of these roles."""

    def rule(actor: Actor, report: Report) -> bool:
        user = _staff(actor)
        return user is not None and user.role in roles and user.agency_id == report.agency_id

    rule.__doc__ = f"{'/'.join(roles)} of the agency holding the case"
    return rule


def assignee(actor: Actor, report: Report) -> bool:
    """The officer the case is assigned to."""
    user = _staff(actor)
    return user is not None and report.assignee_id == user.pk and user.agency_id == report.agency_id


def supervisor_anywhere(actor: Actor, report: Report) -> bool:
    """The supervisor (Văn phòng UBND tỉnh) watches every agency (R-4.4, R-10.1)."""
    user = _staff(actor)
    return user is not None and user.role == Role.SUPERVISOR


def ioc_desk_anywhere(actor: Actor, report: Report) -> bool:
    """The IOC receives every report and may mark any of them (R-15)."""
    user = _staff(actor)
    return (
        user is not None
        and user.role in (Role.OPERATOR, Role.LEADER)
        and user.agency is not None
        and user.agency.kind == Agency.Kind.IOC
    )


def department_asked(actor: Actor, report: Report) -> bool:
    """A department whose opinion was asked for and not given yet (R-7.5)."""
    user = _staff(actor)
    return (
        user is not None
        and user.role in (Role.SPECIALIST, Role.LEADER)
        and OpinionRequest.objects.filter(
            report=report, department_id=user.agency_id, answered_at__isnull=True
        ).exists()
    )


def the_reporter(actor: Actor, report: Report) -> bool:
    """The person who sent the report, holding its follow-up secret."""
    return isinstance(actor, ReporterActor) and actor.report_id == report.pk


def the_system(actor: Actor, report: Report) -> bool:
    """Automatic steps: sweeps."""
    return isinstance(actor, SystemActor)


# Who sits at which desk: the rules the action specs combine.
IOC_DESK = staff_at_current_agency(Role.OPERATOR, Role.LEADER)
LEADER = staff_at_current_agency(Role.LEADER)
PROVINCE_DESK = staff_at_current_agency(Role.OPERATOR, Role.LEADER, Role.SUPERVISOR)
HOLDING_AGENCY = staff_at_current_agency(Role.OPERATOR, Role.LEADER, Role.OFFICER, Role.SUPERVISOR)
FLAGGERS = (staff_at_current_agency(Role.OPERATOR, Role.LEADER), ioc_desk_anywhere, supervisor_anywhere)
