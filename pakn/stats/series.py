"""The dashboard's series (received per day, by dimension, by state, on the map) and the cases overdue now.

Definitions in docs/statistics.md; the sets of events they count are pakn.stats.figures'."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Round, TruncDay
from django.utils import timezone
from django.utils.translation import gettext as _

from pakn.reports.models import Channel, Report, State, Step
from pakn.stats.figures import AGENCY_OPEN_STATES, first_arrivals, received_facts
from pakn.stats.periods import Period, local_zone
from pakn.stats.scope import Scope


def received_per_day(scope: Scope, period: Period) -> list[tuple[Any, int]]:
    """(local date, reports received that day) for every day of the period, zero days included."""
    zone = local_zone()
    rows: QuerySet[Any]
    if scope.is_province:
        rows = (
            received_facts(scope, period)
            .annotate(day=TruncDay("created_at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("pk"))
        )
    else:
        rows = (
            first_arrivals(scope, period)
            .annotate(day=TruncDay("at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("report_id", distinct=True))
        )
    found = {_local_date(r["day"]): r["n"] for r in rows}
    days = [period.first_day + timedelta(days=i) for i in range(period.days)]
    return [(d, found.get(d, 0)) for d in days]


def _local_date(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value, local_zone()).date() if timezone.is_aware(value) else value.date()
    return value


def received_by(dimension: str, scope: Scope, period: Period) -> list[tuple[Any, str, int]]:
    """(key, label, count) of the cases received in the period, by category, channel or area, largest first."""
    received = received_facts(scope, period)
    rows: list[tuple[Any, str, int]]
    if dimension == "category":
        rows = [
            (r["category_id"], r["category__name"], r["n"])
            for r in received.values("category_id", "category__name").annotate(n=Count("pk"))
        ]
    elif dimension == "area":
        rows = [
            (r["area_id"], r["area__name"] or _("Chưa xác định"), r["n"])
            for r in received.values("area_id", "area__name").annotate(n=Count("pk"))
        ]
    elif dimension == "channel":
        labels = dict(Channel.choices)
        rows = [
            (r["channel"], str(labels.get(r["channel"], r["channel"])), r["n"])
            for r in received.values("channel").annotate(n=Count("pk"))
        ]
    else:
        raise ValueError(f"unknown dimension {dimension!r}")
    return sorted(rows, key=lambda row: (-row[2], row[1]))


def received_by_state(scope: Scope, period: Period) -> list[tuple[str, str, int]]:
    """Where the cases received in the period stand now: (state, label, count) in workflow order."""
    rows = dict(
        received_facts(scope, period).values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    return [(s, str(label), rows[s]) for s, label in State.choices if rows.get(s)]


@dataclass
class MapCell:
    latitude: float
    longitude: float
    count: int


MAP_PRECISION = 2  # 0.01° ≈ 1.1 km: a commune's centre holds several cells, a street is not singled out


def received_map(scope: Scope, period: Period) -> list[MapCell]:
    """The received cases with a place, counted per cell of a 0.01° grid (the density map)."""
    rows = (
        received_facts(scope, period)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(lat=Round("latitude", MAP_PRECISION), lng=Round("longitude", MAP_PRECISION))
        .values("lat", "lng")
        .annotate(n=Count("pk"))
        .order_by("-n", "lat", "lng")
    )
    return [
        MapCell(round(float(r["lat"]), MAP_PRECISION), round(float(r["lng"]), MAP_PRECISION), r["n"])
        for r in rows
    ]


def overdue_now(scope: Scope, now: datetime | None = None) -> QuerySet[Report]:
    """Cases overdue under Decision 826 now, held by an agency of the scope (R-10.1)."""
    now = now or timezone.now()
    return Report.objects.filter(scope.q("agency"), state__in=AGENCY_OPEN_STATES, overdue_at__lt=now)


def overdue_by_agency(scope: Scope, now: datetime | None = None) -> list[tuple[int, str, int]]:
    rows = (
        overdue_now(scope, now)
        .values("agency_id", "agency__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "agency__name")
    )
    return [(r["agency_id"], r["agency__name"], r["n"]) for r in rows]


def overdue_by_step(scope: Scope, now: datetime | None = None) -> list[tuple[str, str, int]]:
    labels = dict(Step.choices)
    rows = dict(overdue_now(scope, now).values("step").annotate(n=Count("pk")).values_list("step", "n"))
    return [(s, str(labels[s]), rows[s]) for s in Step.values if rows.get(s)]


def agencies_named(ids: Iterable[int]) -> dict[int, str]:
    from pakn.org.models import Agency

    return dict(Agency.objects.filter(pk__in=sorted(set(ids))).values_list("pk", "name"))
