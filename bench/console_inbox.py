"""Benchmark of the console's inbox on many reports (issue 4): pages, tab counts, search, the overdue board.

Generates reports with bulk_create (personal data left empty: encryption is not what is measured; the phone
hash of one reporter is planted on a few reports for the search), then times the console's selectors and the
whole inbox page per role. Results go to stdout as a Markdown table (copied into docs/performance.md).

    .venv/bin/python bench/console_inbox.py --reports 1000000                       # SQLite
    .venv/bin/python bench/console_inbox.py --reports 1000000 --postgres postgres://postgres@127.0.0.1:5432

The database is the benchmark's own (bench/owndb.py: /tmp/pakn-bench-console, or the database
pakn_bench_console on the server given); it is filled once and reused (--fresh drops it and starts again).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from owndb import own_database


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--dataset", default="2025", choices=["2022", "2025"])
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark's database and refill it")
    return parser.parse_args()


ARGS = _arguments() if __name__ == "__main__" else None
if ARGS is not None:
    own_database("console", postgres=ARGS.postgres, fresh=ARGS.fresh)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from pakn.core.crypto import lookup_hash  # noqa: E402
from pakn.org.models import Agency, Category, User  # noqa: E402
from pakn.org.services import org_import, user_create  # noqa: E402
from pakn.reports import countdown  # noqa: E402
from pakn.reports import inbox as selectors  # noqa: E402
from pakn.reports.models import OPEN_STATES, Event, OpinionRequest, Report, State, Step  # noqa: E402
from pakn.reports.validators import normalize_phone  # noqa: E402

PASSWORD = "Bench-password-2026!"
SEARCH_PHONE = "0912000999"
BATCH = 5000
CLOSED_SHARE = 0.9


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def staff() -> dict[str, User]:
    ioc = Agency.objects.get(kind=Agency.Kind.IOC)
    communes = list(Agency.objects.filter(kind=Agency.Kind.COMMUNE, is_active=True).order_by("pk"))
    plan = {
        "operator": (ioc, User.Role.OPERATOR),
        "supervisor": (Agency.objects.get(kind=Agency.Kind.SUPERVISOR), User.Role.SUPERVISOR),
        "commune_leader": (communes[0], User.Role.LEADER),
        "officer": (communes[0], User.Role.OFFICER),
        "specialist": (
            Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).order_by("pk").first(),
            User.Role.SPECIALIST,
        ),
    }
    district = Agency.objects.filter(kind=Agency.Kind.DISTRICT, is_active=True).order_by("pk").first()
    if district:
        plan["district_leader"] = (district, User.Role.LEADER)
    people = {}
    for key, (agency, role) in plan.items():
        username = f"bench.{key}"
        people[key] = User.objects.filter(username=username).first() or user_create(
            actor=None, username=username, password=PASSWORD, full_name=f"Thử {key}", agency=agency, role=role
        )
    return people


def fill(total: int, people: dict[str, User], seed: int = 7) -> None:
    """`total` reports over three years: 90% closed, the rest open in every state, spread over the communes."""
    rng = random.Random(seed)
    ioc = Agency.objects.get(kind=Agency.Kind.IOC)
    communes = list(Agency.objects.filter(kind=Agency.Kind.COMMUNE, is_active=True).select_related("area"))
    # The benchmark's commune leader gets a commune-sized share, not more.
    categories = list(Category.objects.all())
    officer = people["officer"]
    department = people["specialist"].agency
    phone_hash = lookup_hash("phone", normalize_phone(SEARCH_PHONE))
    now = timezone.now()
    start = now - timedelta(days=3 * 365)
    open_states = [
        State.RECEIVED,
        State.ROUTED,
        State.IN_PROGRESS,
        State.AWAITING_APPROVAL,
        State.COORDINATING,
    ]
    steps = {
        State.RECEIVED: Step.TRIAGE,
        State.ROUTED: Step.ASSIGN,
        State.IN_PROGRESS: Step.HANDLE,
        State.AWAITING_APPROVAL: Step.APPROVE,
        State.COORDINATING: Step.COORDINATE,
    }
    made = Report.objects.count()
    t0 = time.perf_counter()
    while made < total:
        n = min(BATCH, total - made)
        reports = []
        for i in range(made, made + n):
            created = start + timedelta(seconds=rng.uniform(0, (now - start).total_seconds()))
            closed = rng.random() < CLOSED_SHARE
            state = (
                rng.choice([State.RESOLVED] * 8 + [State.REJECTED, State.CANCELLED])
                if closed
                else rng.choice(open_states)
            )
            commune = rng.choice(communes)
            agency = ioc if state in (State.RECEIVED, State.COORDINATING, State.CANCELLED) else commune
            due = None if closed else now + timedelta(hours=rng.uniform(-24 * 20, 24 * 3))
            reports.append(
                Report(
                    tracking_code=f"B{i:011d}",
                    secret_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                    channel=rng.choice(["web", "app", "open311", "staff"]),
                    category=rng.choice(categories),
                    content=f"Phản ánh thử nghiệm hiệu năng số {i}.",
                    address_text=f"Thôn {i % 97}",
                    area=commune.area,
                    state=state,
                    agency=agency,
                    assignee=officer
                    if state == State.IN_PROGRESS and agency.pk == officer.agency_id
                    else None,
                    step=steps.get(state, ""),
                    due_at=due,
                    agency_since=created,
                    created_at=created,
                    updated_at=created,
                    resolved_at=created + timedelta(days=2) if state == State.RESOLVED else None,
                    phone_hash=phone_hash if i % 200_000 == 0 else "",
                )
            )
        with transaction.atomic():
            Report.objects.bulk_create(reports, batch_size=BATCH)
            saved = list(
                Report.objects.filter(
                    tracking_code__gte=f"B{made:011d}", tracking_code__lte=f"B{made + n - 1:011d}"
                ).values_list("pk", "agency_id", "created_at", "state")
            )
            # One timeline entry each, at the agency that holds the case (the leaders' scope reads events).
            Event.objects.bulk_create(
                [
                    Event(
                        report_id=pk,
                        seq=1,
                        at=created,
                        actor_kind=Event.ActorKind.SYSTEM,
                        agency_id=agency_id,
                        action="submit",
                        to_state=state,
                        visibility=Event.Visibility.PUBLIC,
                        hash="0" * 64,
                    )
                    for pk, agency_id, created, state in saved
                ],
                batch_size=BATCH,
            )
            asked = [pk for pk, _, _, state in saved if state == State.COORDINATING][:20]
            OpinionRequest.objects.bulk_create(
                [
                    OpinionRequest(
                        report_id=pk,
                        department=department,
                        question="Cho ý kiến.",
                        requested_by=people["operator"],
                        requested_at=now,
                        due_at=now + timedelta(days=1),
                    )
                    for pk in asked
                ]
            )
        made += n
        if made % 100_000 == 0 or made == total:
            log(f"  {made:>9,} reports ({time.perf_counter() - t0:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


RUNS = 10


def timed(fn: Callable[[], Any], runs: int = RUNS) -> tuple[float, float, int]:
    """p50 and p95 wall time in milliseconds over `runs` (after one warm-up), and the number of queries."""
    fn()
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], queries


def fresh(user: User) -> User:
    """The viewer as a request loads it (no state kept from an earlier call)."""
    return User.objects.select_related("agency").get(pk=user.pk)


def _case(user: User) -> int | None:
    """A case the viewer may open: the first row of his «agency» tab, else of his «done» tab."""
    now = timezone.now()
    soon = countdown.due_soon_limit(now)
    for tab in ("agency", "done"):
        page = selectors.inbox_page(
            viewer=fresh(user), tab=tab, filters=selectors.InboxFilters(), now=now, soon=soon
        )
        if page.rows:
            return page.rows[0].pk
    return None


Row = tuple[str, str, float, float, int]


def measure(people: dict[str, User]) -> list[Row]:
    rows: list[Row] = []
    now = timezone.now()
    soon = countdown.due_soon_limit(now)
    no_filter = selectors.InboxFilters()
    for key, user in people.items():
        for tab in selectors.TAB_KEYS:
            p50, p95, q = timed(
                lambda u=user, t=tab: selectors.inbox_page(
                    viewer=fresh(u), tab=t, filters=no_filter, now=now, soon=soon
                )
            )
            rows.append((key, f"page «{tab}»", p50, p95, q))
        first = selectors.inbox_page(viewer=fresh(user), tab="agency", filters=no_filter, now=now, soon=soon)
        if first.next_cursor:
            p50, p95, q = timed(
                lambda u=user, c=first.next_cursor: selectors.inbox_page(
                    viewer=fresh(u), tab="agency", filters=no_filter, now=now, soon=soon, after=c
                )
            )
            rows.append((key, "page «agency», next page", p50, p95, q))
        p50, p95, q = timed(
            lambda u=user: selectors.inbox_counts(viewer=fresh(u), filters=no_filter, now=now, soon=soon)
        )
        rows.append((key, "counts of the 5 tabs (cap 1000)", p50, p95, q))
        client = Client()
        client.force_login(user)
        for tab in selectors.TAB_KEYS:
            p50, p95, q = timed(lambda c=client, t=tab: c.get(f"/console/?tab={t}"))
            rows.append((key, f"whole inbox page GET /console/?tab={tab}", p50, p95, q))
        case = _case(user)
        if case is not None:
            p50, p95, q = timed(lambda c=client, pk=case: c.get(f"/console/phan-anh/{pk}/"))
            rows.append((key, "case page GET /console/phan-anh/<pk>/", p50, p95, q))
    supervisor = people["supervisor"]
    p50, p95, q = timed(lambda: selectors.search_reports(viewer=fresh(supervisor), text=SEARCH_PHONE))
    rows.append(("supervisor", "search by phone (keyed hash)", p50, p95, q))
    p50, p95, q = timed(lambda: selectors.search_reports(viewer=fresh(supervisor), text="B00000123456"))
    rows.append(("supervisor", "search by tracking code", p50, p95, q))
    p50, p95, q = timed(lambda: selectors.overdue_board(viewer=fresh(supervisor), now=now))
    rows.append(("supervisor", "overdue board (grouped by agency)", p50, p95, q))
    client = Client()
    client.force_login(supervisor)
    p50, p95, q = timed(lambda: client.get("/console/qua-han/"))
    rows.append(("supervisor", "overdue board page GET /console/qua-han/", p50, p95, q))
    filtered = selectors.InboxFilters(category=Category.objects.first(), channel="web")
    p50, p95, q = timed(
        lambda: selectors.inbox_page(
            viewer=fresh(supervisor), tab="agency", filters=filtered, now=now, soon=soon
        )
    )
    rows.append(("supervisor", "page «agency» filtered (category + channel)", p50, p95, q))
    return rows


def table(rows: list[Row]) -> None:
    """The rows as docs/performance.md's Markdown table, with the load average."""
    print(f"load average {os.getloadavg()[0]:.1f}\n")
    print("| viewer | what | p50 ms | p95 ms | queries |\n|---|---|---:|---:|---:|")
    for who, what, p50, p95, queries in rows:
        print(f"| {who} | {what} | {p50:.1f} | {p95:.1f} | {queries} |", flush=True)


def main() -> None:
    args = ARGS
    assert args is not None
    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    if not Agency.objects.filter(
        kind=Agency.Kind.COMMUNE, area__dataset=args.dataset, is_active=True
    ).exists():
        org_import(dataset=args.dataset)
    people = staff()
    have = Report.objects.count()
    if have < args.reports:
        log(f"generating {args.reports - have:,} reports …")
        fill(args.reports, people)
    total = Report.objects.count()
    open_count = Report.objects.filter(state__in=OPEN_STATES).count()
    log("measuring …")
    rows = measure(people)
    print(f"\n{connection.vendor}, {total:,} reports ({open_count:,} open), dataset {args.dataset}\n")
    print("Queries include loading the viewer (as a request does).\n")
    table(rows)


if __name__ == "__main__":
    main()
