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
from datetime import datetime, time
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pakn.org.models import Area, Category
from pakn.reports.models import OPEN_STATES, Channel, Event, Rating, Report, State, Step
from pakn.stats.models import DayFact, EventFact, HeldFact, ReportFact
from pakn.stats.periods import Period, local_zone
from pakn.stats.scope import Scope

# --- Vocabulary ------------------------------------------------------------------------------------------

# Actions that give a case its result (R-7.3a approval at a commune or district, R-7.5 publication by the IOC).
RESOLVE_ACTIONS = ("approve", "publish_result")
# A report closed as a duplicate of another is a refusal too (issue 14, item 9: `link_duplicate`).
REJECT_ACTIONS = ("reject", "link_duplicate")
# Actions that bring a case to an agency: submission (to the IOC), routing, escalation, take-over.
MOVE_ACTIONS = ("forward", "escalate", "take_over")
# An opinion (a department's, or the province's leadership's through its office) does not move the case (the
# IOC still holds it), so it does not say who holds it.
OPINION_ACTIONS = ("give_opinion", "give_leadership_opinion")
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


def ratio(part: float, whole: float) -> float | None:
    """part ÷ whole, or None when whole is 0: a rate without data is left out, never shown as 0."""
    return part / whole if whole else None


def satisfaction_score(satisfied: int, acceptable: int, rated: int) -> float | None:
    """Satisfied counts 1, acceptable ½, unsatisfied 0, averaged over the ratings (R-12.1, R-15.3)."""
    return ratio(satisfied + acceptable / 2, rated)


def in_period(period: Period, field_name: str = "at") -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})


# --- Sets of events and reports behind each figure ---------------------------------------------------------


def first_arrivals(scope: Scope, period: Period) -> QuerySet[EventFact]:
    """The first arrival of each case in the scope, when it is in the period (an agency's scope only).

    A case passed from a commune to its district is received once by a district leader's scope. The facts
    hold each case's first arrival at each agency; the first in the scope is the earliest of those."""
    ids = sorted(scope.agency_ids or ())
    earlier = EventFact.objects.filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), seq__lt=OuterRef("seq")),
        report=OuterRef("report"),
        kind=EventFact.Kind.ARRIVAL,
        agency_id__in=ids,
    )
    return EventFact.objects.filter(
        in_period(period), kind=EventFact.Kind.ARRIVAL, agency_id__in=ids
    ).exclude(Exists(earlier))


def received_facts(scope: Scope, period: Period) -> QuerySet[ReportFact]:
    """The cases received by the scope in the period (one fact row each)."""
    if scope.is_province:
        # Every case arrives first at the IOC by its submission, whose time is the report's created_at.
        return ReportFact.objects.filter(in_period(period, "created_at"))
    return ReportFact.objects.filter(report_id__in=first_arrivals(scope, period).values("report_id"))


def received_report_ids(scope: Scope, period: Period) -> QuerySet[Any]:
    return received_facts(scope, period).values("report_id")


def event_facts(kind: str, scope: Scope, period: Period) -> QuerySet[EventFact]:
    """Results (approved or published), rejections or cancellations in the period by an agency of the scope."""
    return EventFact.objects.filter(in_period(period), scope.q("agency"), kind=kind)


def handled_events(scope: Scope, period: Period) -> QuerySet[EventFact]:
    """Results approved or published in the period by an agency of the scope."""
    return event_facts(EventFact.Kind.RESULT, scope, period)


def late_steps(scope: Scope) -> QuerySet[Event]:
    """Steps done after a deadline of Decision 826 by an agency of the scope (a missed internal target is
    not late: docs/deadlines.md)."""
    return Event.objects.filter(scope.q("agency"), step__in=AGENCY_STEPS, statutory=True, on_time=False)


def last_results(scope: Scope, period: Period) -> QuerySet[Any]:
    """The last result of each case in the period by the scope (a case reopened and resolved again counts
    once), annotated with `is_late`: an agency of the scope did a step late before (or at) it.

    Late is read on the last result: a step late before an earlier result is before the last one too."""
    results = handled_events(scope, period)
    if scope.is_province:
        return results.filter(Q(next_result_at__isnull=True) | Q(next_result_at__gte=period.end)).annotate(
            is_late=F("late_any")
        )
    later = handled_events(scope, period).filter(report=OuterRef("report"), seq__gt=OuterRef("seq"))
    late = late_steps(scope).filter(report=OuterRef("report"), at__lte=OuterRef("at"))
    return results.exclude(Exists(later)).annotate(is_late=Exists(late))


def held_q(moment: datetime, prefix: str = "") -> Q:
    """HeldFact rows of the cases as the timeline left them just before `moment`: the spans still running
    that began before it, and the closed spans covering it (at a local midnight, its own rows)."""

    def q(**conditions: Any) -> Q:
        return Q(**{prefix + name: value for name, value in conditions.items()})

    running = q(day__isnull=True, end_at__isnull=True, start_at__lt=moment)
    local = timezone.localtime(moment, local_zone())
    if local.time() == time.min:
        return running | q(day=local.date())
    return running | q(day__isnull=True, end_at__gte=moment, start_at__lt=moment)


def _held_states(scope: Scope, clarifying: bool, prefix: str = "") -> Q:
    states = Q(**{f"{prefix}state__in": sorted(OPEN_STATES)})
    if clarifying:
        states |= Q(**{f"{prefix}state": State.RESOLVED, f"{prefix}overdue_at__isnull": False})
    if scope.agency_ids is not None:
        states &= Q(**{f"{prefix}holder_id__in": sorted(scope.agency_ids)})
    return states


def held_facts(scope: Scope, moment: datetime) -> QuerySet[Any]:
    """`situation` as HeldFact rows (one per case, with its category, channel and area), for counting: the
    reports themselves are not read."""
    return HeldFact.objects.filter(held_q(moment), _held_states(scope, False)).annotate(
        state_at=F("state"),
        overdue_at_then=F("overdue_at"),
        holder_at=F("holder_id"),
        officer_at=F("officer_id"),
    )


def situation(scope: Scope, moment: datetime, *, clarifying: bool = False) -> QuerySet[Any]:
    """The cases open just before `moment` (the end of a period is exclusive), held by an agency of the scope,
    as the timeline says they were then (one HeldFact row each).

    Annotated with `state_at`, `due_at_then` (the deadline of the step pending then), `overdue_at_then` (when
    the case, as it stood then, was overdue under Decision 826: None when only an internal target was pending;
    for a case waiting to be assigned, once the escalation time had passed too) and `holder_at`.
    With `clarifying`, also resolved cases whose clarification (R-8.2) was pending then with a deadline of
    Decision 826 (the timeline's `overdue_at` is set on a resolved case only then).
    """
    states = _held_states(scope, clarifying, "held_facts__")
    # A report has at most one span at a moment: the rows are the reports, joined to that span.
    held = FilteredRelation("held_facts", condition=held_q(moment, "held_facts__") & states)
    return (
        Report.objects.annotate(held=held)
        .filter(held__isnull=False)
        .annotate(
            state_at=F("held__state"),
            due_at_then=F("held__due_at"),
            overdue_at_then=F("held__overdue_at"),
            holder_at=F("held__holder_id"),
            officer_at=F("held__officer_id"),
        )
    )


def overdue_q(moment: datetime, *, clarifying: bool = False) -> Q:
    """Among `situation` rows: a case overdue under Decision 826 at `moment`, in an agency's step (with
    `clarifying`, also an unanswered clarification past its deadline)."""
    states = [*AGENCY_OPEN_STATES, State.RESOLVED] if clarifying else AGENCY_OPEN_STATES
    return Q(state_at__in=states, overdue_at_then__lt=moment)


def figure_report_ids(
    figure: str, scope: Scope, period: Period, now: datetime | None = None
) -> QuerySet[Any]:
    """The ids of the reports behind one figure (a sub-query, for the lists each figure links to)."""
    moment = period.cutoff(now)
    if figure == "received":
        return received_report_ids(scope, period)
    if figure == "handled":
        return last_results(scope, period).values("report_id")
    if figure == "late":
        return last_results(scope, period).filter(is_late=True).values("report_id")
    if figure == "on_time":
        return last_results(scope, period).filter(is_late=False).values("report_id")
    if figure == "open":
        return held_facts(scope, moment).values("report_id")
    if figure == "overdue":
        return held_facts(scope, moment).filter(overdue_q(moment)).values("report_id")
    if figure == "rejected":
        return event_facts(EventFact.Kind.REJECT, scope, period).values("report_id")
    if figure == "cancelled":
        return event_facts(EventFact.Kind.CANCEL, scope, period).values("report_id")
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
        return ratio(self.on_time, self.handled)

    def get(self, figure: str) -> int:
        return int(getattr(self, figure))

    @property
    def is_empty(self) -> bool:
        return not any(self.get(f) for f in FIGURES)


_SET_FIGURES = ("received", "handled", "late", "open", "overdue", "rejected", "cancelled")


# Grouped by the ids only: grouping by the names too made PostgreSQL sort every row by their Vietnamese
# collation (on disk for a year); the names of the groups are read afterwards.
DIMENSION_FIELDS = ("category_id", "channel", "area_id")


def _grouped(scope: Scope, period: Period, now: datetime | None) -> list[dict[str, Any]]:
    """The figures by category, channel and area: one grouped query per kind of fact, each row a group's
    counts (every case has one category, one channel and one area, so groups add up to the totals)."""
    moment = period.cutoff(now)
    decided = Q(kind=EventFact.Kind.REJECT) | Q(kind=EventFact.Kind.CANCEL)
    queries: list[QuerySet[Any]] = [
        received_facts(scope, period).values(*DIMENSION_FIELDS).annotate(received=Count("pk")),
        last_results(scope, period)
        .values(*DIMENSION_FIELDS)
        .annotate(handled=Count("pk"), late=Count("pk", filter=Q(is_late=True))),
        held_facts(scope, moment)
        .values(*DIMENSION_FIELDS)
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(moment))),
        EventFact.objects.filter(decided, in_period(period), scope.q("agency"))
        .values(*DIMENSION_FIELDS)
        .annotate(
            rejected=Count("report_id", distinct=True, filter=Q(kind=EventFact.Kind.REJECT)),
            cancelled=Count("report_id", distinct=True, filter=Q(kind=EventFact.Kind.CANCEL)),
        ),
    ]
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for query in queries:
        for row in query:
            key = tuple(row[f] for f in DIMENSION_FIELDS)
            groups.setdefault(key, {}).update(row)
    categories = dict(Category.objects.filter(pk__in={k[0] for k in groups}).values_list("pk", "name"))
    areas = dict(Area.objects.filter(pk__in={k[2] for k in groups}).values_list("pk", "name"))
    for group in groups.values():
        group["category__name"] = categories.get(group["category_id"])
        group["area__name"] = areas.get(group["area_id"])
    return list(groups.values())


def totals(scope: Scope, period: Period, now: datetime | None = None) -> Counts:
    """Every figure of the scope and period."""
    total = Counts()
    for group in _grouped(scope, period, now):
        _add(total, _counts(group))
    return total


@dataclass
class Row:
    key: Any
    label: str
    counts: Counts


@dataclass
class Breakdown:
    """The figures of a period by category, channel and area, and their totals, from the grouped queries.

    Each report has one category, one channel and one area, so the rows of each dimension add up to the
    totals exactly; the sums over the groups are sums of the database's counts, not a loop over reports.
    """

    totals: Counts
    dimensions: dict[str, list[Row]]


def breakdown(scope: Scope, period: Period, now: datetime | None = None) -> Breakdown:
    groups = _grouped(scope, period, now)
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
        return ratio(self.steps_on_time, self.steps)

    @property
    def resolution_rate(self) -> float | None:
        """Results given, against results given plus cases still pending at the end of the period."""
        base = self.counts.handled + self.counts.open
        return self.counts.handled / base if base else None

    @property
    def satisfaction_score(self) -> float | None:
        """Satisfied counts 1, acceptable ½, unsatisfied 0, averaged over the ratings received."""
        return satisfaction_score(self.satisfied, self.acceptable, self.rated)

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

    for r in event_facts(EventFact.Kind.ARRIVAL, scope, period).values("agency_id").annotate(n=Count("pk")):
        row(r["agency_id"]).counts.received = r["n"]
    # Results, rejections and cancellations: one pass over the period's facts of the scope. A report counts
    # once per agency: by the last result that agency gave it in the period (late if that agency did a step
    # late before it, R-12.1: a step late before an earlier result is before the last one too).
    last_own = Q(kind=EventFact.Kind.RESULT) & (
        Q(next_own_result_at__isnull=True) | Q(next_own_result_at__gte=period.end)
    )
    decided: QuerySet[Any] = (
        EventFact.objects.filter(in_period(period), scope.q("agency"))
        .exclude(kind=EventFact.Kind.ARRIVAL)
        .values("agency_id")
        .annotate(
            handled=Count("pk", filter=last_own),
            late=Count("pk", filter=last_own & Q(late_self=True)),
            rejected=Count("report_id", distinct=True, filter=Q(kind=EventFact.Kind.REJECT)),
            cancelled=Count("report_id", distinct=True, filter=Q(kind=EventFact.Kind.CANCEL)),
        )
    )
    for r in decided:
        counts = row(r["agency_id"]).counts
        counts.handled, counts.rejected, counts.cancelled, counts.late = (
            r["handled"],
            r["rejected"],
            r["cancelled"],
            r["late"],
        )
    for r in day_facts("step", scope, period).values("agency_id").annotate(n=Sum("n"), ok=Sum("ok")):
        row(r["agency_id"]).steps, row(r["agency_id"]).steps_on_time = r["n"], r["ok"]
    for r in (
        held_facts(scope, moment)
        .values("holder_at")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(moment)))
    ):
        row(r["holder_at"]).counts.open = r["open"]
        row(r["holder_at"]).counts.overdue = r["overdue"]
    for r in day_facts("rating", scope, period).values("agency_id", "key").annotate(n=Sum("n")):
        if r["key"] in RATINGS:
            a = row(r["agency_id"])
            setattr(a, r["key"], r["n"])
        row(r["agency_id"]).rated += r["n"]
    return result


# --- Steps and ratings (their shares are pakn.stats.quality's) ---------------------------------------------


def day_facts(kind: str, scope: Scope, period: Period) -> QuerySet[DayFact]:
    """The day counts of the period for the agencies of the scope: statutory agency steps completed
    (`kind` "step", key the step) or ratings given (`kind` "rating", key the value).

    A rating counts in the period it was given, with the value it was given (the event's
    `data["rating"]`), never with the report's current rating, which a reopening (R-4.4) clears and a later
    rating replaces; the rating's event names the agency that gave the result rated. So a closed period's
    satisfaction never changes."""
    return DayFact.objects.filter(
        scope.q("agency"), kind=kind, day__gte=period.first_day, day__lte=period.last_day
    )
