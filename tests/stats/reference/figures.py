"""Every figure of the statistics, computed in the database from the reports and their timelines.

The definitions are written out in docs/statistics.md; this module is their only implementation. Each figure
is an aggregate query (COUNT with FILTER, GROUP BY, EXISTS, correlated sub-queries): nothing here loops over
reports in Python, and the same queries run on SQLite and PostgreSQL. A figure is computed for a scope (the
province, or a set of agencies) and a period [start, end) in Asia/Ho_Chi_Minh.

Which agency a figure belongs to is read from the timeline, where every event records the agency that held
the case when the action was taken (R-9.1): a case received by a commune and resolved by the province counts
as received by the commune and as resolved by the province.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pakn.reports.models import OPEN_STATES, Channel, Event, Rating, Report, State, Step
from pakn.stats.periods import Period
from pakn.stats.scope import Scope

# --- Vocabulary ------------------------------------------------------------------------------------------

# Actions that give a case its result (R-7.3a approval at a commune or district, R-7.5 publication by the IOC).
RESOLVE_ACTIONS = ("approve", "publish_result")
# A report closed as a duplicate of another is a refusal too (issue 14, item 9: `link_duplicate`).
REJECT_ACTIONS = ("reject", "link_duplicate")
# Actions that bring a case to an agency: submission (to the IOC), routing, escalation, take-over.
MOVE_ACTIONS = ("forward", "escalate", "take_over")
# Steps whose deadline binds an agency. Supplementing (R-7.2b) is the reporter's step, not an agency's.
AGENCY_STEPS = tuple(s for s in Step.values if s != Step.SUPPLEMENT)
# Open states in which an agency is the one that must act: waiting for the reporter is not an agency's delay.
AGENCY_OPEN_STATES = tuple(sorted(OPEN_STATES - {State.AWAITING_INFO}))
# The step an open report is at, by its state (every `enter_step` of pakn.reports.workflow).
STATE_STEP: dict[str, str] = {
    State.RECEIVED: Step.TRIAGE,
    State.AWAITING_INFO: Step.SUPPLEMENT,
    State.ROUTED: Step.ASSIGN,
    State.IN_PROGRESS: Step.HANDLE,
    State.AWAITING_APPROVAL: Step.APPROVE,
    State.COORDINATING: Step.COORDINATE,
    State.RESOLVED: Step.CLARIFY,  # only in the late list: a clarification pending
}

# The figures of the periodic report, in their order, with their Vietnamese names.
FIGURES: dict[str, Any] = {
    "received": gettext_lazy("Tiếp nhận trong kỳ"),
    "handled": gettext_lazy("Đã xử lý trong kỳ"),
    "on_time": gettext_lazy("Xử lý đúng hạn"),
    "late": gettext_lazy("Xử lý trễ hạn"),
    "open": gettext_lazy("Đang xử lý cuối kỳ"),
    "overdue": gettext_lazy("Trong đó đã quá hạn"),
    "rejected": gettext_lazy("Từ chối tiếp nhận"),
    "cancelled": gettext_lazy("Hủy do không bổ sung"),
}
DIMENSIONS: dict[str, Any] = {
    "category": gettext_lazy("Lĩnh vực"),
    "channel": gettext_lazy("Kênh tiếp nhận"),
    "area": gettext_lazy("Địa bàn (xã, phường)"),
}
RATINGS = tuple(Rating.values)


@contextmanager
def analytics() -> Iterator[None]:
    """Run the statistics' queries with PostgreSQL's JIT compiler off.

    Their estimated costs are high enough for PostgreSQL to JIT-compile them, which takes seconds and saves
    nothing on queries that run in tens of milliseconds (measured in docs/performance.md). SQLite: no-op.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def in_period(period: Period, field_name: str = "at") -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})


# --- Sets of events and reports behind each figure ---------------------------------------------------------


def arrivals(scope: Scope) -> QuerySet[Any]:
    """Events that brought a case to an agency of the scope, annotated with that agency as `into`."""
    if scope.agency_ids is None:
        condition = Q(action="submit") | Q(action__in=MOVE_ACTIONS)
    else:
        ids = sorted(scope.agency_ids)
        # Written on the columns (not on `into`) so the indexes on agency and target agency can serve it.
        condition = Q(action="submit", agency_id__in=ids) | Q(
            action__in=MOVE_ACTIONS, target_agency_id__in=ids
        )
    return Event.objects.filter(condition).annotate(into=Coalesce("target_agency_id", "agency_id"))


def received_events(scope: Scope, period: Period, *, per_agency: bool = False) -> QuerySet[Any]:
    """The first arrival of each case in the scope (or, per agency, at each agency), when it is in the period.

    A case passed from a commune to its district is received once by a district leader's scope, and once by
    each of the two agencies in a per-agency table.
    """
    earlier = (
        arrivals(scope)
        .filter(report=OuterRef("report"))
        .filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), seq__lt=OuterRef("seq")))
    )
    if per_agency:
        earlier = earlier.filter(into=OuterRef("into"))
    return arrivals(scope).filter(in_period(period)).exclude(Exists(earlier))


def received_report_ids(scope: Scope, period: Period) -> QuerySet[Any]:
    if scope.is_province:
        # Every case arrives first at the IOC by its submission, whose time is the report's created_at.
        return Report.objects.filter(in_period(period, "created_at")).values("pk")
    return received_events(scope, period).values("report_id")


def handled_events(scope: Scope, period: Period) -> QuerySet[Event]:
    """Results approved or published in the period by an agency of the scope."""
    return Event.objects.filter(in_period(period), scope.q("agency"), action__in=RESOLVE_ACTIONS)


def late_steps(scope: Scope) -> QuerySet[Event]:
    """Steps done after a deadline of Decision 826 by an agency of the scope (a missed internal target is
    not late: docs/deadlines.md)."""
    return Event.objects.filter(scope.q("agency"), step__in=AGENCY_STEPS, statutory=True, on_time=False)


def late_handled_events(scope: Scope, period: Period, *, per_agency: bool = False) -> QuerySet[Event]:
    """Results of the period for which the scope (or, per agency, that agency) did some step late before."""
    late = late_steps(scope).filter(report=OuterRef("report"), at__lte=OuterRef("at"))
    if per_agency:
        late = late.filter(agency=OuterRef("agency"))
    return handled_events(scope, period).filter(Exists(late))


def _last_event_before(moment: datetime) -> QuerySet[Event]:
    # An opinion (a department's, or the province's leadership's through its office) does not move the case
    # (the IOC still holds it), so it does not say who holds it.
    return (
        Event.objects.filter(report=OuterRef("pk"), at__lt=moment)
        .exclude(action__in=("give_opinion", "give_leadership_opinion"))
        .order_by("-seq")
    )


def situation(scope: Scope, moment: datetime, *, clarifying: bool = False) -> QuerySet[Any]:
    """The cases open just before `moment` (the end of a period is exclusive), held by an agency of the scope,
    as the timeline says they were then.

    Annotated with `state_at`, `due_at_then` (the deadline of the step pending then), `overdue_at_then` (when
    the case, as it stood then, was overdue under Decision 826: None when only an internal target was pending;
    for a case waiting to be assigned, once the escalation time had passed too) and `holder_at`.
    Only reports still open now or changed after `moment` can differ from their current row; the others are
    skipped before the timeline is read (a report's `updated_at` is the time of its last event).
    With `clarifying`, also resolved cases whose clarification (R-8.2) was pending then with a deadline of
    Decision 826 (the timeline's `overdue_at` is set on a resolved case only then).
    """
    last = _last_event_before(moment)
    pending = Q(state=State.RESOLVED, clarification_pending=True) if clarifying else Q(pk__in=[])
    alive = Q(state__in=OPEN_STATES) | Q(updated_at__gte=moment) | pending
    if scope.agency_ids is None:
        # Two index-friendly candidate lists (open now; changed since), each a sub-query the database reads
        # through its own index, rather than every report created before the moment.
        candidates = Report.objects.filter(
            Q(pk__in=Report.objects.filter(Q(state__in=OPEN_STATES) | pending).values("pk"))
            | Q(pk__in=Report.objects.filter(updated_at__gte=moment).values("pk"))
        )
    else:
        ids = sorted(scope.agency_ids)
        # Only a report that reached an agency of the scope by then can be held by it: a cheap, indexed
        # pre-selection (events by agency and time) before the timeline of each candidate is read.
        reached = Event.objects.filter(Q(agency_id__in=ids) | Q(target_agency_id__in=ids), at__lt=moment)
        candidates = Report.objects.filter(pk__in=reached.values("report_id")).filter(alive)
    reports = (
        candidates.filter(created_at__lt=moment)
        .annotate(
            state_at=Subquery(last.values("to_state")[:1]),
            due_at_then=Subquery(last.values("due_at")[:1]),
            # When it was overdue under Decision 826 as it stood then (None when only a target was pending).
            overdue_at_then=Subquery(last.values("overdue_at")[:1]),
            holder_at=Subquery(
                last.annotate(holder=Coalesce("target_agency_id", "agency_id")).values("holder")[:1],
                output_field=IntegerField(),
            ),
        )
        .filter(
            Q(state_at__in=sorted(OPEN_STATES))
            | (Q(state_at=State.RESOLVED, overdue_at_then__isnull=False) if clarifying else Q(pk__in=[]))
        )
    )
    if scope.agency_ids is not None:
        reports = reports.filter(holder_at__in=sorted(scope.agency_ids))
    return reports


def overdue_q(moment: datetime, *, clarifying: bool = False) -> Q:
    """Among `situation` rows: a case overdue under Decision 826 at `moment`, in an agency's step (with
    `clarifying`, also an unanswered clarification past its deadline)."""
    states = [*AGENCY_OPEN_STATES, State.RESOLVED] if clarifying else AGENCY_OPEN_STATES
    return Q(state_at__in=states, overdue_at_then__lt=moment)


def rejected_events(scope: Scope, period: Period) -> QuerySet[Event]:
    return Event.objects.filter(in_period(period), scope.q("agency"), action__in=REJECT_ACTIONS)


def cancelled_events(scope: Scope, period: Period) -> QuerySet[Event]:
    return Event.objects.filter(in_period(period), scope.q("agency"), action="cancel_expired")


def figure_report_ids(
    figure: str, scope: Scope, period: Period, now: datetime | None = None
) -> QuerySet[Any]:
    """The ids of the reports behind one figure (a sub-query, for the lists each figure links to)."""
    moment = period.cutoff(now)
    if figure == "received":
        return received_report_ids(scope, period)
    if figure == "handled":
        return handled_events(scope, period).values("report_id")
    if figure == "late":
        return late_handled_events(scope, period).values("report_id")
    if figure == "on_time":
        late = late_handled_events(scope, period).values("report_id")
        return handled_events(scope, period).exclude(report_id__in=late).values("report_id")
    if figure == "open":
        return situation(scope, moment).values("pk")
    if figure == "overdue":
        return situation(scope, moment).filter(overdue_q(moment)).values("pk")
    if figure == "rejected":
        return rejected_events(scope, period).values("report_id")
    if figure == "cancelled":
        return cancelled_events(scope, period).values("report_id")
    raise ValueError(f"unknown figure {figure!r}")


def figure_reports(
    figure: str, scope: Scope, period: Period, now: datetime | None = None
) -> QuerySet[Report]:
    return Report.objects.filter(pk__in=figure_report_ids(figure, scope, period, now))


# --- Totals and tables by dimension ----------------------------------------------------------------------


@dataclass
class Counts:
    """The figures of one row (a total, a category, an agency…)."""

    received: int = 0
    handled: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    rejected: int = 0
    cancelled: int = 0

    @property
    def on_time(self) -> int:
        return self.handled - self.late

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.handled if self.handled else None

    def get(self, figure: str) -> int:
        return int(getattr(self, figure))

    @property
    def is_empty(self) -> bool:
        return not any(self.get(f) for f in FIGURES)


_SET_FIGURES = ("received", "handled", "late", "open", "overdue", "rejected", "cancelled")


def _report_sets(scope: Scope, period: Period, now: datetime | None) -> dict[str, QuerySet[Any]]:
    return {name: figure_report_ids(name, scope, period, now) for name in _SET_FIGURES}


def _count_kwargs(sets: dict[str, QuerySet[Any]]) -> dict[str, Count]:
    return {name: Count("pk", filter=Q(pk__in=ids)) for name, ids in sets.items()}


def _universe(sets: dict[str, QuerySet[Any]]) -> Q:
    # `late` ⊂ `handled` and `overdue` ⊂ `open`: the other sets cover every report counted.
    q = Q()
    for name in ("received", "handled", "open", "rejected", "cancelled"):
        q |= Q(pk__in=sets[name])
    return q


def totals(scope: Scope, period: Period, now: datetime | None = None) -> Counts:
    """Every figure of the scope and period, in one query."""
    sets = _report_sets(scope, period, now)
    row = Report.objects.filter(_universe(sets)).aggregate(**_count_kwargs(sets))
    return Counts(**{k: v or 0 for k, v in row.items()})


@dataclass
class Row:
    key: Any
    label: str
    counts: Counts


@dataclass
class Breakdown:
    """The figures of a period by category, channel and area, and their totals, from one grouped query.

    Each report has one category, one channel and one area, so the rows of each dimension add up to the
    totals exactly; the sums over the groups are sums of the database's counts, not a loop over reports.
    """

    totals: Counts
    dimensions: dict[str, list[Row]]


def breakdown(scope: Scope, period: Period, now: datetime | None = None) -> Breakdown:
    sets = _report_sets(scope, period, now)
    groups = (
        Report.objects.filter(_universe(sets))
        .values("category_id", "category__name", "channel", "area_id", "area__name")
        .annotate(**_count_kwargs(sets))
    )
    channel_labels = dict(Channel.choices)
    total = Counts()
    found: dict[str, dict[Any, Row]] = {d: {} for d in DIMENSIONS}
    for g in groups:
        counts = _counts(g)
        _add(total, counts)
        keys = {
            "category": (g["category_id"], g["category__name"]),
            "channel": (g["channel"], str(channel_labels.get(g["channel"], g["channel"]))),
            "area": (g["area_id"], g["area__name"] or _("Chưa xác định")),
        }
        for dimension, (key, label) in keys.items():
            row = found[dimension].setdefault(key, Row(key, label, Counts()))
            _add(row.counts, counts)
    dimensions = {
        d: sorted(rows.values(), key=lambda row: (-row.counts.received, -row.counts.handled, row.label))
        for d, rows in found.items()
    }
    return Breakdown(total, dimensions)


def by_dimension(dimension: str, scope: Scope, period: Period, now: datetime | None = None) -> list[Row]:
    """The figures by category, channel or area (rows add up to the totals)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    return breakdown(scope, period, now).dimensions[dimension]


def _add(total: Counts, counts: Counts) -> None:
    for name in _SET_FIGURES:
        setattr(total, name, total.get(name) + counts.get(name))


def _counts(row: Mapping[str, Any]) -> Counts:
    return Counts(**{name: row.get(name) or 0 for name in _SET_FIGURES})


# --- Per agency: the figures each agency is accountable for (R-12.1) ------------------------------------


@dataclass
class AgencyFigures:
    """What one agency did in a period: the figures of the ranking (R-12.1) and of the per-agency table."""

    agency_id: int
    counts: Counts = field(default_factory=Counts)
    steps: int = 0
    steps_on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    acceptable: int = 0
    unsatisfied: int = 0

    @property
    def step_on_time_rate(self) -> float | None:
        return self.steps_on_time / self.steps if self.steps else None

    @property
    def resolution_rate(self) -> float | None:
        """Results given, against results given plus cases still pending at the end of the period."""
        base = self.counts.handled + self.counts.open
        return self.counts.handled / base if base else None

    @property
    def satisfaction_score(self) -> float | None:
        """Satisfied counts 1, acceptable ½, unsatisfied 0, averaged over the ratings received."""
        return (self.satisfied + 0.5 * self.acceptable) / self.rated if self.rated else None

    @property
    def has_data(self) -> bool:
        return bool(self.steps or self.rated or not self.counts.is_empty)


def per_agency(scope: Scope, period: Period, now: datetime | None = None) -> dict[int, AgencyFigures]:
    """Each agency of the scope with what it did in the period (five grouped queries, whatever the size).

    Long by design: the five queries fill one table in turn; apart, each would pass the table around."""
    moment = period.cutoff(now)
    result: dict[int, AgencyFigures] = {}

    def row(agency_id: int) -> AgencyFigures:
        if agency_id not in result:
            result[agency_id] = AgencyFigures(agency_id)
        return result[agency_id]

    for r in (
        received_events(scope, period, per_agency=True)
        .values("into")
        .annotate(n=Count("report_id", distinct=True))
    ):
        row(r["into"]).counts.received = r["n"]
    # Results, rejections, cancellations and steps: one pass over the period's events of the scope.
    events: QuerySet[Any] = (
        Event.objects.filter(in_period(period), scope.q("agency"))
        .filter(
            Q(action__in=(*RESOLVE_ACTIONS, *REJECT_ACTIONS, "cancel_expired"))
            | Q(step__in=AGENCY_STEPS, statutory=True)
        )
        .values("agency_id")
        .annotate(
            handled=Count("report_id", distinct=True, filter=Q(action__in=RESOLVE_ACTIONS)),
            rejected=Count("report_id", distinct=True, filter=Q(action__in=REJECT_ACTIONS)),
            cancelled=Count("report_id", distinct=True, filter=Q(action="cancel_expired")),
            steps=Count("pk", filter=Q(step__in=AGENCY_STEPS, statutory=True)),
            steps_on_time=Count("pk", filter=Q(step__in=AGENCY_STEPS, statutory=True, on_time=True)),
        )
    )
    for r in events:
        a = row(r["agency_id"])
        a.counts.handled, a.counts.rejected, a.counts.cancelled = r["handled"], r["rejected"], r["cancelled"]
        a.steps, a.steps_on_time = r["steps"], r["steps_on_time"]
    for r in (
        late_handled_events(scope, period, per_agency=True)
        .values("agency_id")
        .annotate(n=Count("report_id", distinct=True))
    ):
        row(r["agency_id"]).counts.late = r["n"]
    for r in (
        situation(scope, moment)
        .values("holder_at")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(moment)))
    ):
        row(r["holder_at"]).counts.open = r["open"]
        row(r["holder_at"]).counts.overdue = r["overdue"]
    ratings: QuerySet[Any] = (
        rating_events(scope, period)
        .values("agency_id")
        .annotate(
            n=Count("pk"),
            **{rating: Count("pk", filter=Q(data__rating=rating)) for rating in RATINGS},
        )
    )
    for r in ratings:
        a = row(r["agency_id"])
        a.rated, a.satisfied, a.acceptable, a.unsatisfied = (
            r["n"],
            r["satisfied"],
            r["acceptable"],
            r["unsatisfied"],
        )
    return result


# --- Steps and ratings (their shares are pakn.stats.quality's) ---------------------------------------------


def step_events(scope: Scope, period: Period) -> QuerySet[Event]:
    """Steps with a deadline of Decision 826 completed in the period by an agency of the scope."""
    return Event.objects.filter(in_period(period), scope.q("agency"), step__in=AGENCY_STEPS, statutory=True)


def rating_events(scope: Scope, period: Period) -> QuerySet[Event]:
    """Ratings given in the period to results of agencies of the scope (the case stays with the agency that
    gave its result, so the rating event names it).

    A rating is an event: it counts in the period it was given, with the value it was given (the event's
    `data["rating"]`), never with the report's current rating, which a reopening (R-4.4) clears and a later
    rating replaces. So a closed period's satisfaction never changes."""
    return Event.objects.filter(in_period(period), scope.q("agency"), action="rate")
