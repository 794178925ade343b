"""Benchmark of the statistics (issue 6): N synthetic reports with their timelines, bulk-inserted, then the
periodic report, the dashboard, the ranking and the late-case list timed on them.

    .venv/bin/python bench/stats_bench.py --reports 100000                                       # SQLite
    .venv/bin/python bench/stats_bench.py --reports 100000 --postgres postgres://postgres@127.0.0.1:5432

The database is the benchmark's own (bench/owndb.py: /tmp/pakn-bench-stats, or the database
pakn_bench_stats on the server given), created, migrated, with the 2025 areas imported and filled once; run
again, it reuses what it made (--fresh to rebuild it). It never changes any other database: the schema it
measures is the one the migrations made.
The timelines are consistent with the workflow (submit, forward, assign, report_result, approve, rate,
escalate, publish_result, reject), so every figure has work to do; they are not hash-chained.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from owndb import own_database


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark's database and refill it")
    parser.add_argument("--rebuild-facts", action="store_true", help="rebuild the statistics' facts first")
    parser.add_argument("--reference", action="store_true", help="also time the figures from the timeline")
    return parser.parse_args()


ARGS = _arguments() if __name__ == "__main__" else None
if ARGS is not None:
    own_database("stats", postgres=ARGS.postgres, fresh=ARGS.fresh)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from pakn.org.models import Agency, Category  # noqa: E402
from pakn.org.services import org_import  # noqa: E402
from pakn.reports.models import Event, Report  # noqa: E402
from pakn.stats import factsync, quality  # noqa: E402
from pakn.stats import figures as F  # noqa: E402
from pakn.stats.documents import dashboard, periodic_report  # noqa: E402
from pakn.stats.late_items import late_done_items, late_pending_items  # noqa: E402
from pakn.stats.models import ReportFact  # noqa: E402
from pakn.stats.periods import month, quarter, year  # noqa: E402
from pakn.stats.ranking import ranking  # noqa: E402
from pakn.stats.scope import PROVINCE, Scope  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2025, 12, 1, tzinfo=VN)
DAYS = 365
BATCH = 5000
CODE = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def code(i: int) -> str:
    raw = ""
    for _ in range(8):
        raw += CODE[i % len(CODE)]
        i //= len(CODE)
    return f"{raw[:4]}-{raw[4:]}"


class Maker:
    def __init__(self, seed: int = 6):
        self.rng = random.Random(seed)
        self.ioc = Agency.objects.get(kind=Agency.Kind.IOC, is_active=True)
        self.communes = list(
            Agency.objects.filter(kind=Agency.Kind.COMMUNE, is_active=True).select_related("area")
        )
        self.categories = list(Category.objects.filter(is_active=True))
        self.channels = ["web", "app", "app", "web", "open311", "staff"]

    def event(
        self, report_index: int, seq: int, at: datetime, action: str, agency: Agency, **kw: Any
    ) -> dict[str, Any]:
        return {"seq": seq, "at": at, "action": action, "agency_id": agency.pk, "_report": report_index, **kw}

    def step(self, at: datetime, hours: float, late_share: float) -> tuple[datetime, datetime]:
        """A step's deadline `hours` after `at`, and when it was done (late with probability late_share)."""
        due = at + timedelta(hours=hours)
        if self.rng.random() < late_share:
            done = due + timedelta(minutes=self.rng.uniform(5, 60 * 30))
        else:
            done = at + timedelta(minutes=self.rng.uniform(2, hours * 60 * 0.95))
        return due, done

    def one(self, i: int, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        r = self.rng
        created = START + timedelta(seconds=r.uniform(0, DAYS * 86400))
        commune = r.choice(self.communes)
        report: dict[str, Any] = {
            "tracking_code": code(i),
            "secret_hash": f"{i:064x}",
            "channel": r.choice(self.channels),
            "category_id": r.choice(self.categories).pk,
            "content": "Nội dung phản ánh thử nghiệm hiệu năng.",
            "latitude": round(21.85 + r.uniform(-0.3, 0.3), 6),
            "longitude": round(106.76 + r.uniform(-0.3, 0.3), 6),
            "area_id": commune.area_id,
            "created_at": created,
            "state": "received",
            "agency_id": self.ioc.pk,
        }
        events = [
            self.event(
                i, 1, created, "submit", self.ioc, to_state="received", due_at=created + timedelta(hours=1)
            )
        ]
        t, seq = created, 1

        def add(
            action: str,
            agency: Agency,
            to_state: str,
            step: str = "",
            due: datetime | None = None,
            done: datetime | None = None,
            target: Agency | None = None,
            next_due: datetime | None = None,
        ) -> None:
            nonlocal seq, t
            seq += 1
            at = done or t + timedelta(minutes=r.uniform(1, 30))
            events.append(
                self.event(
                    i, seq, at, action, agency,
                    to_state=to_state, step=step, step_due_at=due, on_time=(at <= due) if due else None,
                    target_agency_id=target.pk if target else None, due_at=next_due,
                )
            )  # fmt: skip
            t = at
            report["state"] = to_state
            report["due_at"] = next_due

        fate = r.random()
        due, done = self.step(t, 1, 0.1)
        if fate < 0.04:
            add("reject", self.ioc, "rejected", "triage", due, done)
        elif fate < 0.97:
            add(
                "forward",
                self.ioc,
                "routed",
                "triage",
                due,
                done,
                target=commune,
                next_due=done + timedelta(hours=1),
            )
            report["agency_id"] = commune.pk
            if done < now - timedelta(days=3) or r.random() < 0.5:
                due, done = self.step(t, 1, 0.15)
                if r.random() < 0.1:  # escalated to the province, which coordinates and publishes
                    add(
                        "escalate",
                        commune,
                        "coordinating",
                        "escalate",
                        due + timedelta(hours=7),
                        done,
                        target=self.ioc,
                        next_due=done + timedelta(days=3),
                    )
                    report["agency_id"] = self.ioc.pk
                    due, done = self.step(t, 72, 0.2)
                    if done < now:
                        add("publish_result", self.ioc, "resolved", "coordinate", due, done)
                        report["resolved_at"] = done
                else:
                    add(
                        "assign",
                        commune,
                        "in_progress",
                        "assign",
                        due,
                        done,
                        next_due=done + timedelta(hours=24),
                    )
                    due, done = self.step(t, 24, 0.2)
                    if done < now and r.random() < 0.97:
                        add(
                            "report_result",
                            commune,
                            "awaiting_approval",
                            "handle",
                            due,
                            done,
                            next_due=done + timedelta(hours=24),
                        )
                        due, done = self.step(t, 24, 0.05)
                        if done < now:
                            add("approve", commune, "resolved", "approve", due, done)
                            report["resolved_at"] = done
                if report["state"] == "resolved" and r.random() < 0.6:
                    rating = r.choices(["satisfied", "acceptable", "unsatisfied"], weights=[60, 25, 15])[0]
                    at = t + timedelta(hours=r.uniform(1, 48))
                    if at < now:
                        add(
                            "rate",
                            self.ioc if report["agency_id"] == self.ioc.pk else commune,
                            "resolved",
                            done=at,
                        )
                        report["rating"] = rating
                        report["rated_at"] = at
        events = [e for e in events if e["at"] <= now]
        report["updated_at"] = events[-1]["at"]
        report["event_count"] = len(events)
        return report, events


def fill(n: int, now: datetime, offset: int = 0) -> None:
    maker = Maker(seed=6 + offset)
    made = 0
    started = time.perf_counter()
    while made < n:
        size = min(BATCH, n - made)
        rows = [maker.one(offset + made + k, now) for k in range(size)]
        with transaction.atomic():
            reports = Report.objects.bulk_create([Report(**r) for r, _ in rows])
            events = []
            for report, (_, evs) in zip(reports, rows, strict=True):
                for e in evs:
                    e = {k: v for k, v in e.items() if k != "_report"}
                    events.append(
                        Event(report_id=report.pk, actor_kind="system", visibility="public", hash="-", **e)
                    )
            Event.objects.bulk_create(events, batch_size=BATCH)
        made += size
        print(f"  {made:>7} reports ({time.perf_counter() - started:.0f} s)", flush=True)


def timed(label: str, fn: Callable[[], Any], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    best, med = min(times), statistics.median(times)
    print(f"  {label:<52} best {best * 1000:8.0f} ms   median {med * 1000:8.0f} ms", flush=True)
    return med


def _late_list(scope: Scope, period: Any, now: datetime) -> Any:
    return (
        late_done_items(list(quality.late_done(scope, period)[:50])),
        late_pending_items(list(quality.late_pending(scope, period, now)[:50]), period.cutoff(now)),
    )


def measure(now: datetime) -> None:
    """Every page of the statistics for the province and one commune's leader, by month, quarter and year."""
    commune = Agency.objects.filter(kind=Agency.Kind.COMMUNE, is_active=True).order_by("pk").first()
    assert commune is not None
    scopes = {"province": PROVINCE, "one commune": Scope(commune, frozenset({commune.pk}))}
    periods = {"month": month(2026, 6), "quarter": quarter(2026, 2), "year": year(2026)}
    pages: dict[str, Callable[[Scope, Any], Any]] = {
        "periodic report": lambda s, p: periodic_report(s, p, now),
        "dashboard": lambda s, p: dashboard(s, p, now),
        "ranking": lambda s, p: ranking(s, p, now=now),
        "late cases (first page of 50)": lambda s, p: _late_list(s, p, now),
    }
    for page, build in pages.items():
        for scope_name, scope in scopes.items():
            for period_name, period in periods.items():
                timed(f"{page}, {scope_name}, {period_name}", lambda b=build, s=scope, p=period: b(s, p))
    timed("totals only, province, year", lambda: F.totals(PROVINCE, periods["year"], now))


def report_figures(F: Any, Q: Any, scope: Scope, period: Any, now: datetime) -> None:
    """The figures a periodic report computes (without tables), with modules F (figures) and Q (quality)."""
    previous = period.previous()
    F.breakdown(scope, period, now)
    F.totals(scope, previous, now)
    F.per_agency(scope, period, now)
    for p in (period, previous):
        Q.satisfaction(scope, p)
        Q.handling_time(scope, p)
        Q.steps_on_time(scope, p)


def measure_reference(now: datetime) -> None:
    """Before and after: the periodic report's figures from the timeline (the code before the facts, kept as
    the reference implementation in tests/stats/reference) and from the facts."""
    from tests.stats.reference import figures as RF
    from tests.stats.reference import quality as RQ

    for name, period in {"month": month(2026, 6), "quarter": quarter(2026, 2), "year": year(2026)}.items():
        timed(
            f"report figures, province, {name}, timeline",
            lambda p=period: report_figures(RF, RQ, PROVINCE, p, now),
            runs=1,
        )
        timed(
            f"report figures, province, {name}, facts",
            lambda p=period: report_figures(F, quality, PROVINCE, p, now),
        )


def facts(rebuild: bool) -> None:
    """The facts of the statistics: the generator writes reports and events without the services, so it
    builds them from the timeline afterwards (as `pakn stats rebuild-facts` does), and checks them."""
    if rebuild or ReportFact.objects.count() != Report.objects.count():
        started = time.perf_counter()
        factsync.rebuild(lambda line: print("  " + line, flush=True), chunk=5000)
        print(f"facts rebuilt in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    assert ARGS is not None
    now = START + timedelta(days=DAYS)
    call_command("migrate", verbosity=0)
    if not Agency.objects.filter(kind=Agency.Kind.IOC).exists():
        org_import(dataset="2025")
    have = Report.objects.count()
    print(f"database: {connection.vendor}; reports: {have}")
    if have < ARGS.reports:
        print(f"generating {ARGS.reports - have} reports with their timelines…")
        fill(ARGS.reports - have, now, offset=have)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    facts(ARGS.rebuild_facts)
    print(f"reports: {Report.objects.count()}, events: {Event.objects.count()}")
    print("timings:")
    with F.analytics():
        if ARGS.reference:
            measure_reference(now)
        measure(now)


if __name__ == "__main__":
    main()
