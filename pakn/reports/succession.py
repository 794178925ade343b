"""Cases of agencies that a new set of areas retired (2022 → 2025): who takes them over, and the move itself.

When `pakn import-areas --dataset 2025` replaces the 2022 communes and districts, their People's Committees
go inactive; a case still open there would be stranded (nobody above to escalate to). Each such case moves to
its *successor*: the active People's Committee of the 2025 commune whose `legacy_codes` list the old commune.

- A case at an old **commune** goes to the 2025 commune that absorbed it.
- A case at an old **district** goes to the 2025 commune that absorbed the commune where the incident is (the
  report's own area): the two-tier local government gave the districts' tasks to the communes, and the new
  commune escalates to the province (the IOC) as every 2025 commune does.
- An old commune split between several new communes is decided by the imported boundaries (the report's
  point); failing that, or without a commune for the report, the case is *unmapped*: listed, never dropped
  or guessed, and left where it is until the administrator names its successor (`--successor CODE=AGENCY`).

Every move is the workflow action `transfer_successor`, taken by the system: one public event on the case's
timeline (the old and the new agency named, in Vietnamese, no internal id). The case keeps its state, its
step and every deadline (`due_at`, `escalate_by`, `overdue_at`, `agency_since`): the time already spent
counts, nothing restarts. The officer it was assigned to stays only if his account already belongs to the
new agency; otherwise the new agency's leader assigns it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_noop as _

from pakn.org.boundaries import commune_at
from pakn.org.models import Agency, Area, User
from pakn.org.services import successor_areas
from pakn.reports.action_spec import ActionSpec, Group
from pakn.reports.actors import Actor, InvalidTransition, the_system
from pakn.reports.effects import Outcome
from pakn.reports.models import OPEN_STATES, Event, Report, State

ACTION = "transfer_successor"
COMMITTEE_KINDS = (Agency.Kind.COMMUNE, Agency.Kind.DISTRICT)


def _agency_retired(report: Report, now: datetime) -> bool:
    return not report.agency.is_active


def transfer_note(old: Agency, new: Agency) -> str:
    """The public wording of a move (shown on the case's public timeline)."""
    if old.name == new.name:  # e.g. Phường Đông Kinh before and after the merger
        return (
            f"Do sắp xếp đơn vị hành chính, phản ánh được chuyển đến {new.name} (sau sắp xếp) để tiếp tục "
            "xử lý. Thời hạn xử lý giữ nguyên."
        )
    return (
        f"Do sắp xếp đơn vị hành chính, {old.name} không còn hoạt động; phản ánh được chuyển đến {new.name} "
        "để tiếp tục xử lý. Thời hạn xử lý giữ nguyên."
    )


def _transfer_successor(report: Report, actor: Actor, now: datetime, p: dict[str, Any]) -> Outcome:
    target = p.get("agency")
    if not isinstance(target, Agency) or not target.is_active or target.is_province_level:
        raise ValidationError({"agency": "Cơ quan kế thừa phải là cơ quan xử lý đang hoạt động."})
    if report.agency.is_active:
        raise InvalidTransition(
            "Cơ quan đang xử lý phản ánh vẫn hoạt động: không cần chuyển cơ quan kế thừa."
        )
    if report.state == State.RESOLVED and not report.clarification_pending:
        raise InvalidTransition("Phản ánh đã xử lý xong, không còn việc của cơ quan.")
    officer = report.assignee
    keep = officer is not None and officer.is_active and officer.agency_id == target.pk
    return Outcome(
        report.state,
        {"agency": target, "assignee": officer if keep else None},
        note=transfer_note(report.agency, target),
        target_agency=target,
        data={"previous_agency": report.agency_id, "previous_officer": report.assignee_id},
    )


SUCCESSION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(
        ACTION,
        _("Chuyển cơ quan kế thừa do sắp xếp đơn vị hành chính"),
        OPEN_STATES | {State.RESOLVED},
        (the_system,),
        None,
        Event.Visibility.PUBLIC,
        _transfer_successor,
        ready=_agency_retired,
        group=Group.SYSTEM,
    ),
)


# --- The plan and the move (`pakn import-areas`) ------------------------------------------------------------


@dataclass
class Move:
    report: Report
    old: Agency
    new: Agency | None
    problem: str = ""  # why no successor was found (unmapped), in Vietnamese


@dataclass
class SuccessionPlan:
    moves: list[Move] = field(default_factory=list)
    unmapped: list[Move] = field(default_factory=list)
    # Active accounts whose agency is no longer active: the administrator moves or closes them.
    stranded_staff: list[User] = field(default_factory=list)

    def counts(self) -> list[tuple[str, str, int]]:
        """("old agency (code)", "new agency (code)", number of cases), by old agency name: the codes tell
        apart a 2022 and a 2025 committee of the same name (the administrator's output, not public)."""
        counter = Counter(
            (f"{m.old.name} ({m.old.code})", f"{m.new.name} ({m.new.code})") for m in self.moves if m.new
        )
        return sorted((old, new, n) for (old, new), n in counter.items())


def stranded_reports() -> Any:
    """Cases still needing an agency that is no longer active: open, or resolved with a clarification owed."""
    return (
        Report.objects.filter(agency__is_active=False)
        .filter(Q(state__in=OPEN_STATES) | Q(state=State.RESOLVED, clarification_pending=True))
        .select_related("agency", "agency__area", "area", "assignee")
        .order_by("agency__name", "created_at", "pk")
    )


def _committee(area: Area) -> Agency | None:
    return Agency.objects.filter(area=area, kind=Agency.Kind.COMMUNE, is_active=True).order_by("pk").first()


def _successor(report: Report, cache: dict[int, list[Area]]) -> tuple[Agency | None, str]:
    """The successor agency of a stranded case, or None and why not."""
    old = report.agency
    if old.kind not in COMMITTEE_KINDS or old.area is None:
        return None, f"{old.name} không phải UBND cấp xã hay cấp huyện"
    place: Area | None = old.area if old.kind == Agency.Kind.COMMUNE else None
    if place is None and report.area is not None and report.area.kind == Area.Kind.COMMUNE:
        place = report.area
    point = None
    if report.latitude is not None and report.longitude is not None:
        point = commune_at(float(report.latitude), float(report.longitude))
    if place is None:
        if point is not None and (agency := _committee(point)) is not None:
            return agency, ""
        return None, "phản ánh không ghi xã/phường nơi xảy ra sự việc"
    if place.is_active:  # the report's area already belongs to the new set
        candidates = [place]
    else:
        if place.pk not in cache:
            cache[place.pk] = successor_areas(place)
        candidates = cache[place.pk]
    if len(candidates) > 1 and point is not None and point in candidates:
        candidates = [point]
    if not candidates:
        return None, f"không có xã/phường mới nào nhận {place.name} (mã {place.code}) trong cột legacy_codes"
    if len(candidates) > 1:
        names = ", ".join(a.name for a in candidates)
        return None, f"{place.name} được chia cho nhiều xã/phường mới ({names})"
    agency = _committee(candidates[0])
    if agency is None:
        return None, f"{candidates[0].name} chưa có UBND đang hoạt động"
    return agency, ""


def succession_plan(*, successors: dict[str, str] | None = None) -> SuccessionPlan:
    """Who takes over each stranded case; `successors` maps a tracking code to an agency code (explicit)."""
    chosen = {code.upper(): agency for code, agency in (successors or {}).items()}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=set(chosen.values()), is_active=True)}
    unknown = sorted(set(chosen.values()) - set(agencies))
    if unknown:
        raise ValidationError(f"Không có cơ quan đang hoạt động với mã: {', '.join(unknown)}.")
    plan = SuccessionPlan()
    cache: dict[int, list[Area]] = {}
    for report in stranded_reports():
        new: Agency | None
        if report.tracking_code in chosen:
            new, problem = agencies[chosen[report.tracking_code]], ""
        else:
            new, problem = _successor(report, cache)
        move = Move(report, report.agency, new, problem)
        (plan.moves if new is not None else plan.unmapped).append(move)
    plan.stranded_staff = list(
        User.objects.filter(is_active=True, agency__is_active=False)
        .select_related("agency")
        .order_by("agency__name", "username")
    )
    return plan
