"""The facts of the statistics (pakn.stats.models: ReportFact, EventFact, HeldFact, DayFact), derived from the
timeline.

`report_facts()` computes every per-report fact of one report from its events; `record()` is the listener the
core calls in the transaction of each event (pakn.reports.listeners), which rewrites the facts of that report
and adds the event to the day's counts; `pakn stats rebuild-facts` and `check-facts` (pakn.stats.factsync)
use the same functions over the whole timeline. Definitions: docs/statistics.md, section "Facts".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pakn.reports.models import OPEN_STATES, Event, Report, State
from pakn.stats.figures import (
    AGENCY_STEPS,
    MOVE_ACTIONS,
    OPINION_ACTIONS,
    REJECT_ACTIONS,
    RESOLVE_ACTIONS,
)
from pakn.stats.models import DayFact, EventFact, HeldFact, ReportFact
from pakn.stats.periods import local_midnight, local_zone

EVENT_FIELDS = (
    "pk",
    "report_id",
    "seq",
    "at",
    "action",
    "agency_id",
    "target_agency_id",
    "to_state",
    "step",
    "on_time",
    "statutory",
    "due_at",
    "overdue_at",
    "data",
)
REPORT_FIELDS = ("pk", "created_at", "category_id", "channel", "area_id", "state", "latitude", "longitude")
ASSIGN_ACTIONS = ("assign", "reassign")


@dataclass
class Facts:
    """The per-report facts of some reports, as unsaved rows."""

    reports: list[ReportFact] = field(default_factory=list)
    events: list[EventFact] = field(default_factory=list)
    held: list[HeldFact] = field(default_factory=list)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment, local_zone()).date()


def midnights_between(start: datetime, end: datetime) -> list[date]:
    """The local days whose midnight m satisfies start < m ≤ end."""
    day = local_day(start) + timedelta(days=1)
    days = []
    while local_midnight(day) <= end:
        days.append(day)
        day += timedelta(days=1)
    return days


def is_late_step(e: dict[str, Any]) -> bool:
    return e["step"] in AGENCY_STEPS and e["statutory"] is True and e["on_time"] is False


def _officer(e: dict[str, Any]) -> int | None:
    try:
        return int((e["data"] or {})["officer"])
    except (KeyError, TypeError, ValueError):
        return None


def report_facts(report: dict[str, Any], events: Sequence[dict[str, Any]], into: Facts) -> None:
    """Append the facts of one report (its fields as `REPORT_FIELDS`, its events as `EVENT_FIELDS` ordered by
    seq) to `into`."""
    dims = {
        "report_id": report["pk"],
        "category_id": report["category_id"],
        "channel": report["channel"],
        "area_id": report["area_id"],
    }
    into.reports.append(
        ReportFact(
            report_id=report["pk"],
            created_at=report["created_at"],
            category_id=report["category_id"],
            channel=report["channel"],
            area_id=report["area_id"],
            state=report["state"],
            latitude=report["latitude"],
            longitude=report["longitude"],
        )
    )
    into.events.extend(_event_facts(report, events, dims))
    into.held.extend(_held_facts(events, dims))


def _event_facts(
    report: dict[str, Any], events: Sequence[dict[str, Any]], dims: dict[str, Any]
) -> list[EventFact]:
    late = [e for e in events if is_late_step(e)]
    first_arrival: dict[Any, dict[str, Any]] = {}
    for e in sorted(events, key=lambda e: (e["at"], e["seq"])):
        if e["action"] == "submit" or e["action"] in MOVE_ACTIONS:
            first_arrival.setdefault(e["target_agency_id"] or e["agency_id"], e)
    rows = [
        EventFact(
            event_id=e["pk"], kind=EventFact.Kind.ARRIVAL, seq=e["seq"], at=e["at"], agency_id=into, **dims
        )
        for into, e in first_arrival.items()
    ]
    results = [e for e in events if e["action"] in RESOLVE_ACTIONS]
    for i, e in enumerate(results):
        rows.append(
            EventFact(
                event_id=e["pk"],
                kind=EventFact.Kind.RESULT,
                seq=e["seq"],
                at=e["at"],
                agency_id=e["agency_id"],
                late_any=any(s["at"] <= e["at"] for s in late),
                late_self=any(s["at"] <= e["at"] and s["agency_id"] == e["agency_id"] for s in late),
                duration=e["at"] - report["created_at"],
                next_result_at=results[i + 1]["at"] if i + 1 < len(results) else None,
                next_own_result_at=next(
                    (later["at"] for later in results[i + 1 :] if later["agency_id"] == e["agency_id"]), None
                ),
                **dims,
            )
        )
    for e in events:
        kind = (
            EventFact.Kind.REJECT
            if e["action"] in REJECT_ACTIONS
            else EventFact.Kind.CANCEL
            if e["action"] == "cancel_expired"
            else None
        )
        if kind is not None:
            rows.append(
                EventFact(
                    event_id=e["pk"], kind=kind, seq=e["seq"], at=e["at"], agency_id=e["agency_id"], **dims
                )
            )
    return rows


def _held_facts(events: Sequence[dict[str, Any]], dims: dict[str, Any]) -> list[HeldFact]:
    """The spans of the states read at a cut-off, each with a row per midnight it covers once closed."""
    moves = [e for e in events if e["action"] not in OPINION_ACTIONS]
    rows: list[HeldFact] = []
    officer: int | None = None
    for i, e in enumerate(moves):
        if e["action"] in ASSIGN_ACTIONS:
            officer = _officer(e)
        state = e["to_state"]
        if not (state in OPEN_STATES or (state == State.RESOLVED and e["overdue_at"] is not None)):
            continue
        end = moves[i + 1]["at"] if i + 1 < len(moves) else None
        span = {
            "start_at": e["at"],
            "end_at": end,
            "state": state,
            "holder_id": e["target_agency_id"] or e["agency_id"],
            "due_at": e["due_at"],
            "overdue_at": e["overdue_at"],
            "officer_id": officer if state == State.IN_PROGRESS else None,
            **dims,
        }
        rows.append(HeldFact(day=None, **span))
        if end is not None:
            rows.extend(HeldFact(day=day, **span) for day in midnights_between(e["at"], end))
    return rows


def day_counts(event: dict[str, Any]) -> Iterable[tuple[date, Any, str, str, int, int]]:
    """(day, agency, kind, key, n, ok) that one event adds to the DayFact counts."""
    if event["step"] in AGENCY_STEPS and event["statutory"] is True:
        yield (
            local_day(event["at"]),
            event["agency_id"],
            "step",
            event["step"],
            1,
            int(event["on_time"] is True),
        )
    if event["action"] == "rate":
        rating = (event["data"] or {}).get("rating")
        yield (local_day(event["at"]), event["agency_id"], "rating", str(rating or ""), 1, 0)


def add_day_counts(rows: Iterable[tuple[date, Any, str, str, int, int]]) -> None:
    """Add to the day counts (an upsert: INSERT … ON CONFLICT DO UPDATE, on SQLite and PostgreSQL)."""
    rows = list(rows)
    if not rows:
        return
    table = DayFact._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (day, agency_id, kind, key, n, ok) VALUES (%s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (day, agency_id, kind, key) DO UPDATE SET n = {table}.n + excluded.n, "
            f"ok = {table}.ok + excluded.ok",
            [(day.isoformat(), *rest) for day, *rest in rows],
        )


def save(facts: Facts) -> None:
    ReportFact.objects.bulk_create(facts.reports, batch_size=2000)
    EventFact.objects.bulk_create(facts.events, batch_size=2000)
    HeldFact.objects.bulk_create(facts.held, batch_size=2000)


def delete_report_facts(report_ids: Sequence[int]) -> None:
    for model in (ReportFact, EventFact, HeldFact):
        model.objects.filter(report_id__in=report_ids).delete()


def refresh_report(report_id: int) -> None:
    """Rewrite the per-report facts of one report from its timeline."""
    report = Report.objects.filter(pk=report_id).values(*REPORT_FIELDS).get()
    events = list(Event.objects.filter(report_id=report_id).order_by("seq").values(*EVENT_FIELDS))
    facts = Facts()
    report_facts(report, events, facts)
    delete_report_facts([report_id])
    save(facts)


def record(event: Event, report: Report, *, context: dict[str, Any] | None = None) -> None:
    """The listener: keep the facts of `report` in step with its timeline, in the event's transaction."""
    del context
    row = {f: getattr(event, f) for f in EVENT_FIELDS}
    # The event's transaction is the one to join (no savepoint of its own: an error aborts the action anyway).
    with transaction.atomic(savepoint=False):
        if event.seq == 1:
            # A new report: its timeline is this event and no fact of it exists yet (no reads, no deletes).
            facts = Facts()
            report_facts({f: getattr(report, f) for f in REPORT_FIELDS}, [row], facts)
            save(facts)
        else:
            refresh_report(report.pk)
        add_day_counts(day_counts(row))
