"""Rebuild the facts of the statistics from the timeline, or check that they agree with it
(`pakn stats rebuild-facts`, `pakn stats check-facts`).

Both read the reports in chunks of ids with their events and compute the facts with the functions the
listener uses (pakn.stats.facts), so the facts written event by event and those rebuilt are the same by
construction; `check-facts` proves it on the data.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any

from django.db import transaction
from django.db.models import Sum

from pakn.reports.models import Event, Report
from pakn.stats.facts import EVENT_FIELDS, REPORT_FIELDS, Facts, day_counts, report_facts, save
from pakn.stats.models import DayFact, EventFact, HeldFact, ReportFact

CHUNK = 2000
DayKey = tuple[date, Any, str, str]


def _chunks(chunk: int) -> Iterator[tuple[list[int], Facts, Counter[DayKey], Counter[DayKey]]]:
    """Per chunk of reports: their ids, their facts, and what their events add to the day counts (n, ok)."""
    last = 0
    while True:
        reports = list(Report.objects.filter(pk__gt=last).order_by("pk").values(*REPORT_FIELDS)[:chunk])
        if not reports:
            return
        last = reports[-1]["pk"]
        ids = [r["pk"] for r in reports]
        events = Event.objects.filter(report_id__in=ids).order_by("report_id", "seq").values(*EVENT_FIELDS)
        by_report = {pk: list(evs) for pk, evs in groupby(events.iterator(), key=lambda e: e["report_id"])}
        facts = Facts()
        n: Counter[DayKey] = Counter()
        ok: Counter[DayKey] = Counter()
        for report in reports:
            evs = by_report.get(report["pk"], [])
            report_facts(report, evs, facts)
            for e in evs:
                for day, agency, kind, key, count, on_time in day_counts(e):
                    n[(day, agency, kind, key)] += count
                    ok[(day, agency, kind, key)] += on_time
        yield ids, facts, n, ok


@dataclass
class Progress:
    out: Callable[[str], None]
    total: int
    done: int = 0
    started: float = field(default_factory=time.perf_counter)

    def step(self, n: int) -> None:
        self.done += n
        elapsed = time.perf_counter() - self.started
        self.out(f"{self.done}/{self.total} reports ({elapsed:.0f} s)")


def rebuild(out: Callable[[str], None] = print, chunk: int = CHUNK) -> None:
    """Delete every fact and write them again from the timeline (each chunk of reports in a transaction)."""
    progress = Progress(out, Report.objects.count())
    with transaction.atomic():
        for model in (ReportFact, EventFact, HeldFact, DayFact):
            model.objects.all().delete()
    n_total: Counter[DayKey] = Counter()
    ok_total: Counter[DayKey] = Counter()
    for ids, facts, n, ok in _chunks(chunk):
        with transaction.atomic():
            save(facts)
        n_total.update(n)
        ok_total.update(ok)
        progress.step(len(ids))
    DayFact.objects.bulk_create(
        [
            DayFact(
                day=day, agency_id=agency, kind=kind, key=key, n=count, ok=ok_total[(day, agency, kind, key)]
            )
            for (day, agency, kind, key), count in n_total.items()
        ],
        batch_size=5000,
    )
    out(f"day counts: {len(n_total)} rows")


FIELDS: dict[Any, tuple[str, ...]] = {
    ReportFact: (
        "report_id",
        "created_at",
        "category_id",
        "channel",
        "area_id",
        "state",
        "latitude",
        "longitude",
    ),
    EventFact: (
        "event_id",
        "report_id",
        "kind",
        "seq",
        "at",
        "agency_id",
        "late_any",
        "late_self",
        "duration",
        "next_result_at",
        "next_own_result_at",
        "category_id",
        "channel",
        "area_id",
    ),
    HeldFact: (
        "report_id",
        "day",
        "start_at",
        "end_at",
        "state",
        "holder_id",
        "due_at",
        "overdue_at",
        "officer_id",
        "category_id",
        "channel",
        "area_id",
    ),
}


def _rows(model: Any, objects: list[Any]) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(getattr(o, f) for f in FIELDS[model]) for o in objects)


def check(out: Callable[[str], None] = print, chunk: int = CHUNK) -> int:
    """Compare the stored facts with those the timeline gives; print each difference; return their number."""
    progress = Progress(out, Report.objects.count())
    differences = 0
    n_total: Counter[DayKey] = Counter()
    ok_total: Counter[DayKey] = Counter()
    for ids, facts, n, ok in _chunks(chunk):
        expected: dict[Any, list[Any]] = {
            ReportFact: facts.reports,
            EventFact: facts.events,
            HeldFact: facts.held,
        }
        for model, objects in expected.items():
            stored = Counter(model.objects.filter(report_id__in=ids).values_list(*FIELDS[model]))
            want = _rows(model, objects)
            for row in (want - stored) + (stored - want):
                differences += 1
                out(f"{model.__name__} differs: {row}")
        n_total.update(n)
        ok_total.update(ok)
        progress.step(len(ids))
    stored_days = {
        (d["day"], d["agency_id"], d["kind"], d["key"]): (d["n"], d["ok"])
        for d in DayFact.objects.values("day", "agency_id", "kind", "key").annotate(n=Sum("n"), ok=Sum("ok"))
    }
    want_days = {key: (count, ok_total[key]) for key, count in n_total.items()}
    for key in set(stored_days) | set(want_days):
        if stored_days.get(key) != want_days.get(key):
            differences += 1
            out(f"DayFact differs: {key}: stored {stored_days.get(key)}, timeline {want_days.get(key)}")
    out(f"{differences} differences")
    return differences
