"""How well cases were handled: steps done on time, satisfaction, handling time, the late steps of a period
(R-14.4) and the public view of one report's timeliness.

Definitions in docs/statistics.md; the sets of events they count are pakn.stats.figures'."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from pakn.reports.models import Event, Rating, State, Step
from pakn.stats.periods import Period
from pakn.stats.scope import Scope
from tests.stats.reference.figures import (
    AGENCY_STEPS,
    RATINGS,
    STATE_STEP,
    handled_events,
    in_period,
    late_steps,
    overdue_q,
    rating_events,
    situation,
    step_events,
)


@dataclass
class StepShare:
    step: str
    label: str
    done: int
    on_time: int

    @property
    def late(self) -> int:
        return self.done - self.on_time

    @property
    def rate(self) -> float | None:
        return self.on_time / self.done if self.done else None


def steps_on_time(scope: Scope, period: Period) -> list[StepShare]:
    """For each step of Article 7: how many were done in the period, and how many within the deadline."""
    labels = dict(Step.choices)
    rows = {
        r["step"]: r
        for r in step_events(scope, period)
        .values("step")
        .annotate(done=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
    }
    return [
        StepShare(step, str(labels[step]), rows[step]["done"], rows[step]["on_time"])
        for step in AGENCY_STEPS
        if step in rows
    ]


@dataclass
class Satisfaction:
    satisfied: int = 0
    acceptable: int = 0
    unsatisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.acceptable + self.unsatisfied

    def share(self, rating: str) -> float | None:
        return getattr(self, rating) / self.rated if self.rated else None

    @property
    def shares(self) -> list[tuple[str, str, int, float | None]]:
        labels = dict(Rating.choices)
        return [(r, str(labels[r]), getattr(self, r), self.share(r)) for r in RATINGS]


def satisfaction(scope: Scope, period: Period) -> Satisfaction:
    # Counted per event: a case reopened and rated again in the same period counts both ratings.
    row = rating_events(scope, period).aggregate(
        **{r: Count("pk", filter=Q(data__rating=r)) for r in RATINGS}
    )
    return Satisfaction(**{r: row[r] or 0 for r in RATINGS})


def last_results(scope: Scope, period: Period) -> QuerySet[Event]:
    """The last result of each case in the period (a case reopened and resolved again counts once)."""
    later = handled_events(scope, period).filter(report=OuterRef("report"), seq__gt=OuterRef("seq"))
    return handled_events(scope, period).exclude(Exists(later))


HANDLING_TIME = ExpressionWrapper(F("at") - F("report__created_at"), output_field=DurationField())


@dataclass
class HandlingTime:
    count: int
    median: timedelta | None
    p90: timedelta | None
    mean: timedelta | None


def _ranks(count: int, fraction: float) -> tuple[int, int, float]:
    """The two 0-based ranks around the `fraction` quantile of `count` values, and the weight of the second:
    PostgreSQL's percentile_cont interpolates between the values at floor and ceil of fraction × (count − 1)."""
    position = fraction * (count - 1)
    low = math.floor(position)
    return low, min(low + 1, count - 1), position - low


def percentiles(durations: QuerySet[Any], count: int, fractions: tuple[float, ...]) -> list[timedelta | None]:
    """Quantiles of the `handling` annotation in one query: the rows at the needed ranks, numbered by a
    window function (ROW_NUMBER() OVER (ORDER BY handling)), at most two per quantile."""
    if count == 0:
        return [None for _ in fractions]
    wanted = {rank for f in fractions for rank in _ranks(count, f)[:2]}
    numbered = durations.annotate(
        rank=Window(RowNumber(), order_by=F("handling").asc()),
    )
    values = {
        rank - 1: _as_timedelta(value)
        for rank, value in numbered.filter(rank__in=sorted(r + 1 for r in wanted)).values_list(
            "rank", "handling"
        )
    }
    result: list[timedelta | None] = []
    for f in fractions:
        low, high, weight = _ranks(count, f)
        result.append(values[low] + (values[high] - values[low]) * weight)
    return result


def _as_timedelta(value: Any) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(microseconds=int(value))


def handling_time(scope: Scope, period: Period) -> HandlingTime:
    """From submission to result, for the cases resolved in the period: median, 90th percentile, mean."""
    durations: QuerySet[Any] = last_results(scope, period).annotate(handling=HANDLING_TIME)
    summary = durations.aggregate(n=Count("pk"), mean=Avg("handling"))
    n = summary["n"] or 0
    mean = summary["mean"]
    median, p90 = percentiles(durations, n, (0.5, 0.9))
    return HandlingTime(
        count=n,
        median=median,
        p90=p90,
        mean=_as_timedelta(mean) if mean is not None else None,
    )


def late_done(scope: Scope, period: Period) -> QuerySet[Event]:
    """Steps done late in the period by an agency of the scope, oldest first."""
    return (
        late_steps(scope)
        .filter(in_period(period))
        .select_related("report", "agency")
        .order_by("agency__name", "at", "pk")
    )


def step_at_expression() -> Case:
    return Case(
        *[When(state_at=state, then=Value(step)) for state, step in STATE_STEP.items()],
        default=Value(""),
    )


def late_pending(scope: Scope, period: Period, now: datetime | None = None) -> QuerySet[Any]:
    """Cases whose step was pending past its deadline at the end of the period (or now, while it runs),
    including a clarification still unanswered past its deadline (R-8.2, R-14.4; issue 11, item 8)."""
    moment = period.cutoff(now)
    return (
        situation(scope, moment, clarifying=True)
        .filter(overdue_q(moment, clarifying=True))
        .annotate(step_at=step_at_expression())
        .order_by("holder_at", "due_at_then", "pk")
    )


def on_time_expression() -> Case:
    """True when a resolved report's steps were all done in time by the agencies, False when one was late,
    None while it is not resolved (the open-data export, R-9.2)."""
    late = Event.objects.filter(
        report=OuterRef("pk"),
        step__in=AGENCY_STEPS,
        statutory=True,
        on_time=False,
        at__lte=OuterRef("resolved_at"),
    )
    return Case(
        When(Q(state=State.RESOLVED) & Exists(late), then=Value(False)),
        When(state=State.RESOLVED, then=Value(True)),
        default=Value(None),
        output_field=BooleanField(null=True),
    )
