"""Oversight actions: lifting a reporter's ban (R-15.2; issue 10, item 12) and the sweep's note that a
department let its opinion deadline pass (R-7.5; issue 11, item 7). Their effects and specs, with the spec
of `bar_reporter` (its effect is in pakn.reports.effects).

- `lift_ban`: only a leader of the agency that set the ban, or the supervisor, lifts it; the reason is
  required and who lifted it, when and why is kept on the ban (`lifted_by`, `lifted_at`, `lift_reason`) and
  on the timeline of the report that set it (an internal entry, sealed in the chain like every other).
- `note_opinion_overdue`: the sweep records, once per request, that a department did not give its opinion by
  its deadline; the IOC desk that asked (and the department) are told. Whether that deadline counts is the
  policy row's nature (`OpinionRequest.statutory`): an opinion is a target by default (docs/deadlines.md),
  so the note is a warning and no figure counts it.

`OVERSIGHT_SPECS` join the table in pakn.reports.actions like every other spec.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_noop as _

from pakn.org.models import User
from pakn.reports import effects
from pakn.reports.action_spec import ActionSpec, Group, required_text
from pakn.reports.actors import (
    FLAGGERS,
    Actor,
    InvalidTransition,
    StaleReport,
    _staff,
    supervisor_anywhere,
    the_system,
)
from pakn.reports.effects import Outcome, _required
from pakn.reports.models import Event, OpinionRequest, Report, ReporterBan, State

Role = User.Role
Visibility = Event.Visibility

# --- Lifting a ban --------------------------------------------------------------------------------------


def active_bans(report: Report) -> Any:
    """The bans set from this report and not lifted."""
    return ReporterBan.objects.filter(report=report, lifted_at__isnull=True)


def leader_of_banning_agency(actor: Actor, report: Report) -> bool:
    """A leader of the agency that set a ban (from this report) still in force."""
    user = _staff(actor)
    return (
        user is not None
        and user.role == Role.LEADER
        and active_bans(report).filter(agency_id=user.agency_id).exists()
    )


def ban_in_force(report: Report, now: datetime) -> bool:
    return active_bans(report).exists()


def lift_ban(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    note = _required(p, "note", "Vui lòng nêu lý do gỡ hạn chế người gửi.")
    assert isinstance(actor, User)
    bans = active_bans(report)
    if actor.role != Role.SUPERVISOR:  # a leader lifts only what his own agency set
        bans = bans.filter(agency_id=actor.agency_id)
    ids = sorted(bans.values_list("pk", flat=True))
    if not ids:
        raise InvalidTransition("Không có hạn chế nào do cơ quan của bạn đặt đối với người gửi phản ánh này.")

    def lift(event: Event) -> None:
        lifted = ReporterBan.objects.filter(pk__in=ids, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=actor, lift_reason=note
        )
        if lifted != len(ids):
            raise StaleReport("Hạn chế này vừa được gỡ. Vui lòng tải lại trang.")

    return Outcome(report.state, note=note, data={"bans": ids}, after=[lift])


# --- A department's missed opinion deadline -------------------------------------------------------------


def overdue_opinions(report: Report, now: datetime) -> Any:
    """The opinion requests of this report past their deadline, unanswered and not yet noted."""
    return OpinionRequest.objects.filter(
        report=report, answered_at__isnull=True, overdue_noted_at__isnull=True, due_at__lt=now
    )


def opinion_overdue_unnoted(report: Report, now: datetime) -> bool:
    return overdue_opinions(report, now).exists()


def note_opinion_overdue(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    pk = p.get("opinion_request")
    request = (
        overdue_opinions(report, now).select_related("department").filter(pk=int(pk)).first()
        if isinstance(pk, (int, str)) and str(pk).isdigit()
        else None
    )
    if request is None:
        raise InvalidTransition("Yêu cầu xin ý kiến này chưa quá hạn hoặc đã được ghi nhận.")

    def mark(event: Event) -> None:
        if (
            OpinionRequest.objects.filter(pk=request.pk, overdue_noted_at__isnull=True).update(
                overdue_noted_at=now
            )
            != 1
        ):
            raise StaleReport("Quá hạn cho ý kiến đã được ghi nhận.")

    return Outcome(
        report.state,
        note=f"{request.department.name} chưa cho ý kiến đúng hạn.",
        data={
            "opinion_request": request.pk,
            "department": request.department_id,
            "due_at": request.due_at.isoformat(),
            "statutory": request.statutory,
        },
        after=[mark],
    )


OVERSIGHT_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "bar_reporter",
        _("Hạn chế người gửi"),
        frozenset(State.values),
        FLAGGERS,
        None,
        Visibility.INTERNAL,
        effects.bar_reporter,
        inputs=(
            required_text(
                "note", _("Lý do"), _("Vui lòng nêu lý do hạn chế người gửi (theo Điều 15 Quy chế).")
            ),
        ),
        help=_(
            "Người gửi (theo số điện thoại và số định danh) sẽ không gửi được phản ánh mới (theo Điều 15 Quy chế)."
        ),
        danger=True,
        group=Group.MARK,
        summary="Hạn chế người gửi nhiều lần phản ánh sai sự thật (theo Điều 15 Quy chế)",
        api_path="bar-reporter",
    ),
    ActionSpec(
        "lift_ban",
        _("Gỡ hạn chế người gửi"),
        frozenset(State.values),
        (leader_of_banning_agency, supervisor_anywhere),
        None,
        Visibility.INTERNAL,
        lift_ban,
        inputs=(
            required_text(
                "note", _("Lý do gỡ hạn chế"), _("Vui lòng nêu lý do gỡ hạn chế người gửi."), rows=2
            ),
        ),
        ready=ban_in_force,
        help=_(
            "Chỉ lãnh đạo cơ quan đã hạn chế hoặc Văn phòng UBND tỉnh được gỡ; người gỡ, thời điểm và lý do "
            "được ghi lại (theo Điều 15 Quy chế)."
        ),
        submit=_("Gỡ hạn chế"),
        group=Group.MARK,
        summary="Gỡ hạn chế người gửi do cơ quan mình đặt, hoặc của Văn phòng UBND tỉnh (theo Điều 15 Quy chế)",
        api_path="lift-ban",
    ),
    ActionSpec(
        "note_opinion_overdue",
        _("Sở, ngành quá hạn cho ý kiến"),
        frozenset({State.COORDINATING}),
        (the_system,),
        None,
        Visibility.INTERNAL,
        note_opinion_overdue,
        ready=opinion_overdue_unnoted,
        group=Group.SYSTEM,
    ),
)


def opinion_requests_to_note(now: datetime) -> Any:
    """(report, request) ids of every unanswered opinion request past its deadline, not yet noted."""
    return (
        OpinionRequest.objects.filter(
            answered_at__isnull=True,
            overdue_noted_at__isnull=True,
            due_at__lt=now,
            report__state=State.COORDINATING,
        )
        .order_by("due_at", "pk")
        .values_list("report_id", "pk")
    )
