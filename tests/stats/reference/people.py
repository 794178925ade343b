"""The reference implementation of pakn.stats.people.overdue_assigned, from the timeline (before the facts)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from pakn.reports.models import Event, State
from pakn.stats.scope import Scope
from tests.stats.reference.figures import overdue_q, situation


def overdue_assigned(scope: Scope, moment: datetime) -> dict[tuple[int, int], int]:
    assigned = (
        Event.objects.filter(report=OuterRef("pk"), at__lt=moment, action__in=("assign", "reassign"))
        .order_by("-seq")
        .annotate(officer=Cast(KeyTextTransform("officer", "data"), IntegerField()))
        .values("officer")[:1]
    )
    rows = (
        situation(scope, moment)
        .filter(overdue_q(moment), state_at=State.IN_PROGRESS)
        .annotate(officer_then=Subquery(assigned, output_field=IntegerField()))
        .filter(officer_then__isnull=False)
        .values("officer_then", "holder_at")
        .annotate(n=Count("pk"))
    )
    return {(r["officer_then"], r["holder_at"]): r["n"] for r in rows}
