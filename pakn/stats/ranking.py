"""The ranking of agencies on their handling of reports (R-12.1), with the figures it is computed from.

score = 100 × (w_on_time·on-time rate + w_resolution·resolution rate + w_satisfaction·satisfaction)
              / (the sum of the weights of the rates the agency has)
        − w_overdue × cases overdue at the end of the period,
then kept between 0 and 100. A rate an agency has no data for (no rating received, say) is left out and the
other weights share its place. Weights: settings.PAKN_RANK_WEIGHTS. Explained in docs/statistics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from pakn.org.models import Agency
from pakn.stats.figures import AgencyFigures, per_agency
from pakn.stats.periods import Period
from pakn.stats.scope import Scope

COMPONENTS = ("on_time", "resolution", "satisfaction")


@dataclass(frozen=True)
class Weights:
    on_time: float
    resolution: float
    satisfaction: float
    overdue: float

    @classmethod
    def from_settings(cls) -> Weights:
        w = settings.PAKN_RANK_WEIGHTS
        return cls(float(w["on_time"]), float(w["resolution"]), float(w["satisfaction"]), float(w["overdue"]))


@dataclass
class Ranked:
    agency: Agency
    figures: AgencyFigures
    score: float | None
    rank: int | None = None

    @property
    def components(self) -> dict[str, float | None]:
        f = self.figures
        return {
            "on_time": f.step_on_time_rate,
            "resolution": f.resolution_rate,
            "satisfaction": f.satisfaction_score,
        }


def score(figures: AgencyFigures, weights: Weights) -> float | None:
    """The agency's score from 0 to 100, or None when it had nothing to do in the period."""
    if not figures.has_data:
        return None
    values = {
        "on_time": figures.step_on_time_rate,
        "resolution": figures.resolution_rate,
        "satisfaction": figures.satisfaction_score,
    }
    used = {name: value for name, value in values.items() if value is not None and getattr(weights, name) > 0}
    total_weight = sum(getattr(weights, name) for name in used)
    base = (
        100 * sum(getattr(weights, name) * value for name, value in used.items()) / total_weight
        if used
        else 100
    )
    return max(0.0, min(100.0, base - weights.overdue * figures.counts.overdue))


def ranking(
    scope: Scope,
    period: Period,
    *,
    now: datetime | None = None,
    kind: str = "",
    weights: Weights | None = None,
) -> list[Ranked]:
    """Every active agency of the scope (of one kind, if given), best score first; agencies with nothing to
    do in the period come last, unranked. Equal scores share a rank (1, 2, 2, 4)."""
    weights = weights or Weights.from_settings()
    figures = per_agency(scope, period, now)
    agencies = Agency.objects.exclude(kind=Agency.Kind.SUPERVISOR)
    if scope.agency_ids is not None:
        agencies = agencies.filter(pk__in=sorted(scope.agency_ids))
    if kind:
        agencies = agencies.filter(kind=kind)
    rows = []
    for agency in agencies.filter(pk__in=list(figures)) | agencies.filter(is_active=True):
        f = figures.get(agency.pk) or AgencyFigures(agency.pk)
        rows.append(Ranked(agency, f, score(f, weights)))
    return assign_ranks(rows)


def assign_ranks(rows: list[Ranked]) -> list[Ranked]:
    """Best score first (then the better on-time rate, fewer overdue cases, the name); equal scores (to the
    hundredth) share a rank: 1, 2, 2, 4. Rows without a score come last, unranked."""
    rows.sort(
        key=lambda r: (
            r.score is None,
            -round(r.score or 0, 2),
            -(r.figures.step_on_time_rate or 0),
            r.figures.counts.overdue,
            r.agency.name,
        )
    )
    previous: float | None = None
    for position, row in enumerate(rows, start=1):
        row.rank = None
        if row.score is None:
            continue
        rounded = round(row.score, 2)
        row.rank = rows[position - 2].rank if previous is not None and rounded == previous else position
        previous = rounded
    return rows
