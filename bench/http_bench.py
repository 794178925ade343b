"""Per-request benchmark (issue 13): Open311 POST and GET of a page of 50, pakn against the peer and a bare
Django view, served the same way (gunicorn, 2 sync workers), measured with wrk, alternating rounds.

    .venv/bin/python bench/http_bench.py                                   # pakn on SQLite
    .venv/bin/python bench/http_bench.py --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/http_bench.py --peer /tmp/peer-src              # + the peer (peer-up) beside it
    .venv/bin/python bench/http_bench.py --profile docs/flame-open311.svg  # + py-spy flame graph of a worker
    .venv/bin/python bench/http_bench.py --only post --profile /tmp/post.txt  # collapsed stacks with the waits

pakn runs as `pakn serve` runs it (gunicorn with 2 sync workers and the huey worker; --redis URL for the
Redis queue and cache as in production), DEBUG off, rate limits lifted, in a database the benchmark creates
(bench/owndb.py) and drops at the end. The peer is started with ../shared/bench/peer-up from a source tree
kept outside the project (docs/performance.md says how). Every server binds a free port chosen at run time
and is stopped at the end, even on failure. Prints a Markdown table: requests/s, p50 and p99 per system and
endpoint (median over the rounds), the load average, the memory (RSS) of each pakn process and the outbox's
deliveries still pending when the load stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from owndb import drop_own_database, own_database  # noqa: E402

PEER_UP = ROOT.parent / "shared" / "bench" / "peer-up"
FORM = (
    "service_code=ve-sinh-moi-truong&description=R%C3%A1c+th%E1%BA%A3i+%C4%91%E1%BB%95+tr%E1%BB%99m"
    "+b%C3%AAn+%C4%91%C6%B0%E1%BB%9Dng+Tr%E1%BA%A7n+%C4%90%C4%83ng+Ninh&lat=21.853&long=106.761"
    "&email=nguyen.van.a%40example.vn&first_name=A&last_name=Nguyen&phone=0912345678"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url}")


@dataclass
class System:
    name: str
    base: str  # the Open311 root, e.g. http://127.0.0.1:PORT/open311/v2
    key: str
    stop: list[str] = field(default_factory=list)  # process-group ids to kill at the end
    cleanup: list[Path] = field(default_factory=list)


@dataclass
class Run:
    rps: float
    p50: float
    p99: float
    errors: int
    load: float


def wrk(url: str, *, script: Path | None, seconds: int, connections: int) -> Run:
    load = os.getloadavg()[0]
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
    return Run(rps, ms("50"), ms("99"), errors, load)


def post_script(directory: Path, key: str) -> Path:
    path = directory / f"post-{key[:6]}.lua"
    path.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "api_key={key}&{FORM}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
    )
    return path


def start_pakn(args: argparse.Namespace, logs: Path) -> System:
    """Migrate, seed (areas, an Open311 client, 300 reports) and serve pakn as `pakn serve` does."""
    import django

    django.setup()
    from django.core.management import call_command

    from pakn.open311.services import client_create
    from pakn.org.models import Category
    from pakn.org.services import org_import
    from pakn.reports.models import Channel
    from pakn.reports.services import report_submit

    call_command("migrate", verbosity=0)
    org_import(dataset="2025")
    _, key = client_create(name="bench")
    category = Category.objects.get(code="ve-sinh-moi-truong")
    for i in range(300):
        report_submit(
            category=category,
            content=f"Phản ánh mẫu {i}: rác thải đổ trộm bên đường",
            channel=Channel.OPEN311,
            latitude=21.85 + i / 100000,
            longitude=106.76,
            reporter_phone="0912345678",
            reporter_email="nguyen.van.a@example.vn",
            allow_incomplete=True,
        )
    from django.db import connections

    connections.close_all()
    port = free_port()
    log = open(logs / "pakn-serve.log", "w")  # noqa: SIM115 (open for the server's lifetime)
    process = subprocess.Popen(
        [sys.executable, "-m", "pakn.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=ROOT,
    )
    system = System("pakn", f"http://127.0.0.1:{port}/open311/v2", key, stop=[str(process.pid)])
    wait_for(f"{system.base}/services.json")
    return system


def start_bare(logs: Path) -> System:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bare_wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--chdir", str(ROOT / "bench")],
        stdout=open(logs / "bare.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    system = System("bare Django", f"http://127.0.0.1:{port}/open311/v2", "bare", stop=[str(process.pid)])
    wait_for(f"{system.base}/requests.json")
    return system


def start_peer(source: str) -> System:
    if not PEER_UP.exists():
        raise SystemExit(f"{PEER_UP} not found")
    out = subprocess.run(
        [str(PEER_UP), source, str(free_port())],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("PAKN_", "DJANGO_"))},
    )
    if out.returncode != 0:
        raise SystemExit(f"peer-up failed: {out.stderr.strip()[-500:]}")
    base, key, pgid_file = out.stdout.split()
    pgid = Path(pgid_file).read_text().strip()
    return System("peer", base, key, stop=[pgid], cleanup=[Path(pgid_file).parent])


def process_tree(pgid: str) -> list[tuple[int, str, int, float]]:
    """(pid, command, RSS kB, CPU seconds) of every process in the group."""
    rows = []
    tick = os.sysconf("SC_CLK_TCK")
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[2] != pgid:
                continue
            rss = int(
                next(x for x in (d / "status").read_text().splitlines() if x.startswith("VmRSS")).split()[1]
            )
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:90]
            rows.append((int(d.name), cmd, rss, (int(fields[11]) + int(fields[12])) / tick))
        except (OSError, StopIteration, ValueError):
            continue
    return sorted(rows)


def pending_deliveries() -> int:
    from pakn.notify.models import Delivery

    return Delivery.objects.filter(status="pending").count()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument(
        "--redis", default="", help="Redis URL for huey and the cache (e.g. redis://127.0.0.1:6379/10)"
    )
    parser.add_argument("--peer", default="", help="the peer's source tree (served with peer-up, SQLite)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Django view")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--profile",
        default="",
        help="write a py-spy flame graph (SVG; .txt: collapsed stacks with waits) of one web worker",
    )
    parser.add_argument("--profile-worker", action="store_true", help="profile the huey worker instead")
    parser.add_argument("--only", choices=["post", "get"], default=None)
    args = parser.parse_args()

    db = own_database(f"http_{os.getpid()}", postgres=args.postgres, fresh=True)
    os.environ.update(
        PAKN_API_READS_PER_MINUTE="100000000",
        PAKN_OPEN311_POSTS_PER_HOUR="100000000",
        PAKN_SMS_BACKEND="console",
        PAKN_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    if args.redis:
        os.environ["PAKN_REDIS_URL"] = args.redis
    logs = Path(tempfile.mkdtemp(prefix="pakn-http-bench-"))
    systems: list[System] = []
    results: dict[tuple[str, str], list[Run]] = {}
    try:
        pakn = start_pakn(args, logs)
        systems.append(pakn)
        if args.peer:
            systems.append(start_peer(args.peer))
        if not args.no_bare:
            systems.append(start_bare(logs))
        endpoints = [e for e in ("post", "get") if args.only in (None, e)]
        for s in systems:  # warm-up
            for e in endpoints:
                script = post_script(logs, s.key) if e == "post" else None
                wrk(s.base + "/requests.json" + ("" if e == "post" else "?page_size=50"),
                    script=script, seconds=2, connections=args.connections)  # fmt: skip
        for r in range(args.rounds):
            for e in endpoints:
                for s in systems if r % 2 == 0 else list(reversed(systems)):
                    url = s.base + "/requests.json" + ("" if e == "post" else "?page_size=50")
                    script = post_script(logs, s.key) if e == "post" else None
                    run = wrk(url, script=script, seconds=args.seconds, connections=args.connections)
                    results.setdefault((s.name, e), []).append(run)
                    print(f"round {r + 1} {e:4} {s.name:12} {run.rps:8.1f} req/s  p50 {run.p50:6.1f} ms  "
                          f"p99 {run.p99:6.1f} ms  errors {run.errors}  load {run.load:.1f}", file=sys.stderr, flush=True)  # fmt: skip
        spy_bin = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if args.profile and Path(spy_bin).exists():
            which = "pakn.cli worker" if args.profile_worker else "gunicorn"
            worker = [p for p, cmd, _, _ in process_tree(pakn.stop[0]) if which in cmd][-1]
            # A .txt path: py-spy's collapsed stacks with the idle ones (waits for the database, Redis).
            raw = ["--format", "raw", "--idle"] if args.profile.endswith(".txt") else []
            spy = subprocess.Popen([spy_bin, "record", "-o", args.profile, "-p", str(worker), "-d", "12", "-r", "200", *raw],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            time.sleep(1)
            for e in endpoints:
                url = pakn.base + "/requests.json" + ("" if e == "post" else "?page_size=50")
                wrk(url, script=post_script(logs, pakn.key) if e == "post" else None, seconds=5,
                    connections=args.connections)  # fmt: skip
            spy.wait(timeout=60)
        pending = pending_deliveries()
        processes = process_tree(pakn.stop[0])
    finally:
        for s in systems:
            for pgid in s.stop:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(int(pgid), signal.SIGTERM)
            for path in s.cleanup:
                shutil.rmtree(path, ignore_errors=True)
        time.sleep(2)
        from django.db import connections

        connections.close_all()
        drop_own_database(db)
    print_report(args, db.vendor, systems, results, pending, processes)
    shutil.rmtree(logs, ignore_errors=True)


def print_report(args, vendor, systems, results, pending, processes) -> None:  # type: ignore[no-untyped-def]
    names = [s.name for s in systems]
    loads = [run.load for runs in results.values() for run in runs]
    queue = "Redis" if args.redis else "SQLite huey"
    print(f"\n{vendor}, queue {queue}, {args.rounds} rounds × {args.seconds} s, wrk {args.connections} connections, "
          f"load average {min(loads):.1f}–{max(loads):.1f}\n")  # fmt: skip
    head = " | ".join(f"{n} req/s | {n} p50 / p99 ms" for n in names)
    ratios = " | ".join(f"pakn / {n}" for n in names[1:])
    print(f"| endpoint | {head} | {ratios} |")
    print("|---|" + "---:|" * (2 * len(names) + len(names) - 1))
    for e in ("post", "get"):
        if (names[0], e) not in results:
            continue
        cells, rps = [], {}
        for n in names:
            runs = results[(n, e)]
            rps[n] = statistics.median(r.rps for r in runs)
            p50 = statistics.median(r.p50 for r in runs)
            p99 = statistics.median(r.p99 for r in runs)
            errors = sum(r.errors for r in runs)
            cells += [f"{rps[n]:.0f}" + (f" ({errors} errors)" if errors else ""), f"{p50:.1f} / {p99:.1f}"]
        cells += [f"{rps['pakn'] / rps[n]:.2f}" for n in names[1:]]
        label = "POST requests.json" if e == "post" else "GET requests.json?page_size=50"
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"\ndeliveries still pending when the load stopped: {pending}")
    print("\npakn processes after the run (RSS, CPU time):")
    for pid, cmd, rss, cpu in processes:
        print(f"- {pid} {cmd.strip()[:70]}: {rss / 1024:.0f} MB, {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
