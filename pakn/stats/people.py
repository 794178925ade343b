"""Staff performance (Điều 15 khoản 3 Quy chế, R-15.3): the figures of each official for a period.

"Cá nhân … có thành tích trong công tác tiếp nhận, xử lý, phản hồi thông tin … được xem xét khen thưởng. Nếu
thiếu trách nhiệm, vi phạm … sẽ bị xử lý kỷ luật": these figures are what an official is judged by, so, like
every other figure (docs/statistics.md), they are read from the timeline only, never from a report's
current fields: re-running a closed period after any later action (a reopening, a re-rating, a hand-over, an
official leaving or moving to another agency) gives the same numbers.

A row is an official **at an agency**: the events he took (`Event.actor`) while the case was held by that
agency (`Event.agency`), so an official who moved agency has a row for each, and the scope of R-14.2 (the
agencies whose figures a viewer may see) selects rows by the agency the work was done for.

- **handled** (*Phản ánh đã xử lý*): distinct reports on which he gave a result or an opinion in the period:
  reported the result of a verification (`report_result`), approved or published a result (`approve`,
  `publish_result`), gave a department's or the leadership's opinion.
- **steps**, **on time**, **late**: the steps with a deadline of Decision 826 (`statutory`) he completed in
  the period, and of those the ones done at or before their deadline and after it. A missed internal target
  (approval, opinion, clarification by default) is never late (docs/deadlines.md).
- **clarifications** (*Trả lời làm rõ*): his answers to reporters' requests for clarification (R-8.2).
- **overdue** (*Quá hạn cuối kỳ*): the cases he was verifying at the cut-off (in progress, assigned to him by
  the last assignment or hand-over before it) that were overdue under Decision 826 then: what he has not done.
- **ratings**: the reporters' ratings given in the period (events, with the value given) of the results he
  took part in: the official who approved or published the result rated, and the officer whose verification
  (`report_result`) led to it (the last one since the case last arrived at the agency). One person doing
  both counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from pakn.org.models import Agency, User
from pakn.reports.models import Event, State
from pakn.reports.selectors import agency_subtree_ids
from pakn.stats.figures import (
    AGENCY_STEPS,
    MOVE_ACTIONS,
    RATINGS,
    RESOLVE_ACTIONS,
    held_facts,
    in_period,
    overdue_q,
    ratio,
    satisfaction_score,
)
from pakn.stats.periods import Period
from pakn.stats.scope import PROVINCE, Scope
from pakn.stats.tables import Column, Table

Role = User.Role

RESULT_ACTIONS = ("report_result", *RESOLVE_ACTIONS, "give_opinion", "give_leadership_opinion")
ARRIVALS = ("submit", *MOVE_ACTIONS)


@dataclass
class Person:
    """One official's figures at one agency for a period."""

    user_id: int
    name: str
    role: str
    agency_id: int
    agency: str
    handled: int = 0
    steps: int = 0
    on_time: int = 0
    clarifications: int = 0
    overdue: int = 0
    satisfied: int = 0
    acceptable: int = 0
    unsatisfied: int = 0

    @property
    def late(self) -> int:
        return self.steps - self.on_time

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.steps)

    @property
    def rated(self) -> int:
        return self.satisfied + self.acceptable + self.unsatisfied

    @property
    def satisfaction(self) -> float | None:
        """Satisfied 1, acceptable ½, unsatisfied 0, averaged (as in the ranking, R-12.1)."""
        return satisfaction_score(self.satisfied, self.acceptable, self.rated)


# --- Who sees whose figures (R-14.2) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewing:
    """The rows a viewer may see: those of a scope, or only his own (`only_user`)."""

    scope: Scope
    only_user: int | None = None


def may_see_others(user: User) -> bool:
    """The supervisor, the administrator and the leaders (for their agency and those below it)."""
    if not user.is_active:
        return False
    if user.is_superuser or user.role in (Role.SUPERVISOR, Role.ADMIN):
        return True
    return user.role == Role.LEADER and user.agency_id is not None


def home_viewing(user: User) -> Viewing:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Bạn không có quyền xem số liệu này."))
    if user.is_superuser or user.role in (Role.SUPERVISOR, Role.ADMIN):
        return Viewing(PROVINCE)
    if user.role == Role.LEADER and user.agency is not None:
        return Viewing(Scope(user.agency, frozenset(agency_subtree_ids(user.agency))))
    if user.agency_id is None:
        raise PermissionDenied(_("Tài khoản không thuộc cơ quan nào."))
    return Viewing(PROVINCE, only_user=user.pk)  # his own work, wherever he did it


def viewing_for(user: User, agency_id: str | int | None, *, exact: bool = False) -> Viewing:
    """The rows asked for (an agency, with or without those below it), within what the viewer may see."""
    home = home_viewing(user)
    if agency_id in (None, "") or home.only_user is not None:
        return home
    try:
        pk = int(agency_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PermissionDenied(_("Cơ quan không hợp lệ.")) from None
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None or not home.scope.contains(pk):
        raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi thống kê của bạn."))
    if exact:
        return Viewing(Scope(agency, frozenset({pk}), exact=True))
    ids = frozenset(agency_subtree_ids(agency))
    if home.scope.agency_ids is not None:
        ids &= home.scope.agency_ids
    return Viewing(Scope(agency, ids))


def viewable_agencies(user: User) -> QuerySet[Agency]:
    home = home_viewing(user)
    if home.only_user is not None:
        return Agency.objects.none()
    agencies = Agency.objects.order_by("kind", "name")
    if home.scope.agency_ids is not None:
        agencies = agencies.filter(pk__in=sorted(home.scope.agency_ids))
    return agencies


# --- The figures ---------------------------------------------------------------------------------------------


def _officials_events(scope: Scope, period: Period, only_user: int | None) -> QuerySet[Event]:
    events = Event.objects.filter(in_period(period), scope.q("agency"), actor__isnull=False)
    return events.filter(actor_id=only_user) if only_user is not None else events


def rated_results(scope: Scope, period: Period) -> QuerySet[Event]:
    """The ratings of the period, each annotated with who gave the result rated (`resolver`) and the officer
    whose verification led to it (`verifier`, none when the province published without one)."""
    before = Event.objects.filter(report=OuterRef("report"), seq__lt=OuterRef("seq"))
    # An arrival between a verification and the rating means the verification was for an earlier round.
    arrived_since = Event.objects.filter(
        report=OuterRef("report"),
        seq__gt=OuterRef("seq"),
        seq__lt=OuterRef(OuterRef("seq")),
        action__in=ARRIVALS,
    )
    resolver = before.filter(action__in=RESOLVE_ACTIONS).order_by("-seq").values("actor_id")[:1]
    verifier = (
        before.filter(action="report_result")
        .exclude(Exists(arrived_since))
        .order_by("-seq")
        .values("actor_id")[:1]
    )
    return Event.objects.filter(in_period(period), scope.q("agency"), action="rate").annotate(
        resolver=Subquery(resolver), verifier=Subquery(verifier)
    )


def _rating_counts(ratings: QuerySet[Event], who: str) -> dict[tuple[int, int], dict[str, int]]:
    rows = (
        ratings.filter(**{f"{who}__isnull": False})
        .values(who, "agency_id")
        .annotate(**{r: Count("pk", filter=Q(data__rating=r)) for r in RATINGS})
    )
    return {(row[who], row["agency_id"]): {r: row[r] for r in RATINGS} for row in rows}


def overdue_assigned(scope: Scope, moment: datetime) -> dict[tuple[int, int], int]:
    """(officer, agency) → cases being verified by him at `moment` (in progress, held by an agency of the
    scope, as the timeline says: the officer of the last assignment or hand-over before it) that were overdue
    under Decision 826 then."""
    rows = (
        held_facts(scope, moment)
        .filter(overdue_q(moment), state_at=State.IN_PROGRESS, officer_at__isnull=False)
        .values("officer_at", "holder_at")
        .annotate(n=Count("pk"))
    )
    return {(r["officer_at"], r["holder_at"]): r["n"] for r in rows}


def people(
    scope: Scope, period: Period, *, only_user: int | None = None, now: datetime | None = None
) -> list[Person]:
    """Every official with some figure in the period at an agency of the scope, by agency then name."""
    work = (
        _officials_events(scope, period, only_user)
        .values("actor_id", "agency_id")
        .annotate(
            handled=Count("report", filter=Q(action__in=RESULT_ACTIONS), distinct=True),
            steps=Count("pk", filter=Q(step__in=AGENCY_STEPS, statutory=True)),
            on_time=Count("pk", filter=Q(step__in=AGENCY_STEPS, statutory=True, on_time=True)),
            clarifications=Count("pk", filter=Q(action="clarify")),
        )
    )
    rows: dict[tuple[int, int], dict[str, int]] = {
        (w["actor_id"], w["agency_id"]): {k: w[k] for k in ("handled", "steps", "on_time", "clarifications")}
        for w in work
    }
    ratings = rated_results(scope, period)
    by_resolver = _rating_counts(ratings, "resolver")
    # A leader who verified and approved the same result is counted once, as its resolver.
    verified_only = ratings.exclude(verifier=F("resolver"))  # type: ignore[misc]  # an annotation
    by_verifier = _rating_counts(verified_only, "verifier")
    for counts in (by_resolver, by_verifier):
        for key, values in counts.items():
            if only_user is not None and key[0] != only_user:
                continue
            row = rows.setdefault(key, {})
            for rating in RATINGS:
                row[rating] = row.get(rating, 0) + values[rating]
    for key, n in overdue_assigned(scope, period.cutoff(now)).items():
        if only_user is None or key[0] == only_user:
            rows.setdefault(key, {})["overdue"] = n
    users = User.objects.in_bulk({user_id for user_id, _a in rows})
    agencies = Agency.objects.in_bulk({agency_id for _u, agency_id in rows})
    result = []
    for (user_id, agency_id), values in rows.items():
        if not any(values.values()):
            continue  # only actions that count nothing (a mark, a take-over of another's case, a note)
        user, agency = users[user_id], agencies[agency_id]
        result.append(
            Person(
                user_id=user_id,
                name=str(user),
                role=user.get_role_display() if user.role else "",
                agency_id=agency_id,
                agency=agency.name,
                **values,
            )
        )
    result.sort(key=lambda p: (p.agency, p.name, p.user_id))
    return result


# --- The table (the page, its exports and the periodic report's workbook) ----------------------------------


def people_table(rows: list[Person], title: str) -> Table:
    t = Table(
        "staff",
        _("Cán bộ"),
        title,
        [
            Column(_("Cán bộ")),
            Column(_("Vai trò")),
            Column(_("Cơ quan")),
            Column(_("Phản ánh đã xử lý"), "int"),
            Column(_("Bước có thời hạn"), "int"),
            Column(_("Đúng hạn"), "int"),
            Column(_("Trễ hạn"), "int"),
            Column(_("Tỷ lệ đúng hạn"), "percent"),
            Column(_("Trả lời làm rõ"), "int"),
            Column(_("Quá hạn cuối kỳ"), "int"),
            Column(_("Hài lòng"), "int"),
            Column(_("Chấp nhận được"), "int"),
            Column(_("Không hài lòng"), "int"),
            Column(_("Mức hài lòng"), "percent"),
        ],
        note=_(
            "Theo Điều 15 Quy chế. Trễ hạn: chỉ thời hạn do Quy chế quy định; đánh giá tính theo lượt đánh giá "
            "trong kỳ cho kết quả cán bộ đã xác minh hoặc duyệt."
        ),
    )
    for p in rows:
        t.add(
            p.name,
            p.role,
            p.agency,
            p.handled,
            p.steps,
            p.on_time,
            p.late,
            p.on_time_rate,
            p.clarifications,
            p.overdue,
            p.satisfied,
            p.acceptable,
            p.unsatisfied,
            p.satisfaction,
        )
    return t
