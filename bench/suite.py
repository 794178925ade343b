"""The whole benchmark suite at scale (issue 13), one command: generate a province (bench/generate.py) into the
benchmark's own database, then time the public pages, the Open311 list, the console (bench/console_inbox.py)
and, with --stats, the statistics (bench/stats_bench.py); print the tables for docs/performance.md.

    .venv/bin/python bench/suite.py --reports 1000000 --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/suite.py --reports 100000                      # SQLite
    ... --http [--peer /tmp/peer-src]   # also bench/http_bench.py (per request, against the peer)

Pages are requested through Django's test client (middleware, templates, the database; no network), as an
anonymous visitor, with the public cache off so that each request builds its page (the cached figures are
bench/http_bench.py's). Each page is requested `--runs` times after one warm-up; p50 and p95 in ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from owndb import own_database  # noqa: E402


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark's database and regenerate")
    parser.add_argument("--name", default="suite", help="the benchmark database's name (bench/owndb.py)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-console", action="store_true")
    parser.add_argument(
        "--stats", action="store_true", help="also the statistics (slow before issue 13 item 5)"
    )
    parser.add_argument("--http", action="store_true", help="also bench/http_bench.py")
    parser.add_argument("--peer", default="", help="the peer's source tree, for --http")
    return parser.parse_args()


ARGS = _arguments()
DB = own_database(ARGS.name, postgres=ARGS.postgres, fresh=ARGS.fresh)
os.environ["PAKN_PUBLIC_CACHE_SECONDS"] = "0"
os.environ["PAKN_API_READS_PER_MINUTE"] = "100000000"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from generate import generate  # noqa: E402

from pakn.org.models import Agency, Area, Category  # noqa: E402
from pakn.org.services import org_import  # noqa: E402
from pakn.reports.models import Event, Report  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(client: Client, urls: list[str], runs: int) -> tuple[float, float, int, int]:
    """p50, p95 (ms), queries of the last request, its status; the urls are cycled."""
    client.get(urls[0])
    times = []
    queries = status = 0
    for k in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(urls[k % len(urls)])
            times.append((time.perf_counter() - started) * 1000)
        queries, status = len(ctx.captured_queries), response.status_code
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], queries, status


def public_pages(runs: int) -> list[tuple[str, float, float, int, int]]:
    client = Client()
    listing, map_data = reverse("portal:list"), reverse("portal:map_data")
    category = Category.objects.filter(is_active=True).order_by("pk").first()
    area = Area.objects.filter(kind=Area.Kind.COMMUNE, is_active=True).order_by("pk").first()
    assert category is not None and area is not None
    rng = random.Random(1)
    top = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    codes = list(
        Report.objects.filter(pk__in=[rng.randint(1, top) for _ in range(runs)], is_state_secret=False,
                              is_abusive=False).values_list("tracking_code", flat=True)
    )  # fmt: skip
    plan = [
        ("list, no filter", [listing]),
        ("list, page 50 (the last before the cap)", [f"{listing}?trang=50"]),
        ("list, one category", [f"{listing}?linh_vuc={category.code}"]),
        ("list, one commune", [f"{listing}?xa={area.code}"]),
        ("list, open reports", [f"{listing}?trang_thai=open"]),
        ("list, overdue reports", [f"{listing}?trang_thai=overdue"]),
        ("list, rejected reports", [f"{listing}?trang_thai=rejected"]),
        ("list, this month", [f"{listing}?thoi_gian=month"]),
        ("list, commune + category + resolved", [f"{listing}?xa={area.code}&linh_vuc={category.code}&trang_thai=resolved"]),
        ("list, text search «chợ» (issue 12's search)", [f"{listing}?q=ch%E1%BB%A3"]),
        ("map data, no filter (1000 markers)", [map_data]),
        ("map data, one commune", [f"{map_data}?xa={area.code}"]),
        ("report page (random reports)", [reverse("portal:detail", args=[c]) for c in codes]),
        ("Open311 GET requests.json?page_size=50", ["/open311/v2/requests.json?page_size=50"]),
    ]  # fmt: skip
    rows = []
    for label, urls in plan:
        p50, p95, queries, status = timed(client, urls, runs)
        rows.append((label, p50, p95, queries, status))
        log(f"  {label:<48} p50 {p50:7.1f}  p95 {p95:7.1f} ms  {queries} queries  {status}")
    return rows


def main() -> None:
    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if not Agency.objects.filter(kind=Agency.Kind.IOC).exists():
        org_import(dataset="2025")
    started = time.perf_counter()
    generate(ARGS.reports, log=log)
    log(f"generated in {time.perf_counter() - started:.0f} s")
    reports, events = Report.objects.count(), Event.objects.count()
    load = os.getloadavg()[0]
    print(f"\n{connection.vendor}, {reports:,} reports, {events:,} events, load average {load:.1f}\n")
    print("| public page | p50 ms | p95 ms | queries |\n|---|---:|---:|---:|")
    for label, p50, p95, queries, status in public_pages(ARGS.runs):
        print(
            f"| {label} | {p50:.1f} | {p95:.1f} | {queries} |" + ("" if status == 200 else f" HTTP {status}")
        )
    if not ARGS.no_console:
        import console_inbox

        print()
        console_inbox.table(console_inbox.measure(console_inbox.staff()))
    if ARGS.stats:
        import stats_bench
        from django.utils import timezone

        from pakn.stats import figures

        stats_bench.facts(rebuild=False)
        with figures.analytics():
            stats_bench.measure(timezone.now())
    if ARGS.http:
        command = [sys.executable, str(ROOT / "bench" / "http_bench.py")]
        command += ["--postgres", ARGS.postgres] if ARGS.postgres else []
        command += ["--peer", ARGS.peer] if ARGS.peer else []
        env = {k: v for k, v in os.environ.items() if k not in ("PAKN_DATABASE_URL", "PAKN_DATA_DIR")}
        subprocess.run(command, check=True, env=env)


if __name__ == "__main__":
    main()
