"""Before/after of one Open311 request in-process (issue 13): two source trees (e.g. a worktree of main and
this one), each in its own process with its own database (bench/owndb.py) seeded like bench/http_bench.py,
timed through Django's test client (the whole middleware stack, no HTTP server) in alternating rounds, so a
loaded machine weighs on both alike. Prints the median ms per request of each round and the ratio.

    git worktree add --detach /tmp/pakn-main main && ln -s $PWD/.venv /tmp/pakn-main/.venv
    .venv/bin/python bench/request_ab.py /tmp/pakn-main . --postgres postgres://postgres@127.0.0.1:5432 \
        --redis redis://127.0.0.1:6379/10                     # without --postgres: SQLite
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def child(tree: str, pg: str, redis_url: str, tag: str) -> None:
    """One side: reads 'post N' / 'get N' lines, answers the median and mean ms of N requests."""
    sys.path[:0] = [tree, tree + "/bench"]
    from owndb import drop_own_database, own_database

    db = own_database(f"request_ab_{tag}_{os.getpid()}", postgres=pg, fresh=True)
    os.environ.update(
        PAKN_API_READS_PER_MINUTE="100000000",
        PAKN_OPEN311_POSTS_PER_HOUR="100000000",
        PAKN_SMS_BACKEND="console",
        PAKN_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DJANGO_SETTINGS_MODULE="pakn.settings",
        PAKN_QUEUE_NAME=f"request_ab_{tag}_{os.getpid()}",
    )
    if redis_url:
        os.environ["PAKN_REDIS_URL"] = redis_url
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from pakn.open311.services import client_create
    from pakn.org.models import Category
    from pakn.org.services import org_import
    from pakn.reports.models import Channel
    from pakn.reports.services import report_submit

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        org_import(dataset="2025")
        _, key = client_create(name="bench")
        category = Category.objects.get(code="ve-sinh-moi-truong")
        for i in range(300):
            report_submit(category=category, content=f"Phản ánh mẫu {i}: rác", channel=Channel.OPEN311,
                          latitude=21.85 + i / 1e5, longitude=106.76, reporter_phone="0912345678",
                          reporter_email="a@example.vn", allow_incomplete=True)  # fmt: skip
        client = Client()
        form = {"service_code": "ve-sinh-moi-truong", "description": "Rác thải đổ trộm bên đường Trần Đăng Ninh",
                "lat": "21.853", "long": "106.761", "email": "nguyen.van.a@example.vn", "first_name": "A",
                "last_name": "Nguyen", "phone": "0912345678", "api_key": key}  # fmt: skip

        def one(kind: str) -> None:
            if kind == "get":
                assert client.get("/open311/v2/requests.json?page_size=50").status_code == 200
            else:
                assert client.post("/open311/v2/requests.json", form).status_code == 201

        for kind in ("post", "get"):
            for _ in range(5):
                one(kind)
        print("ready", flush=True)
        for line in sys.stdin:
            kind, n = line.split()
            times = []
            for _ in range(int(n)):
                start = time.perf_counter()
                one(kind)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{statistics.median(times):.2f} {statistics.mean(times):.2f}", flush=True)
    finally:
        connections.close_all()
        drop_own_database(db)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--postgres", default="")
    parser.add_argument("--redis", default="")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--child", nargs=2, metavar=("TREE", "TAG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.postgres, args.redis, args.child[1])
        return
    kids = {}
    for tag in ("before", "after"):
        tree = str(Path(getattr(args, tag)).resolve())
        env = {**os.environ, "PYTHONPATH": tree}
        kids[tag] = subprocess.Popen(
            [sys.executable, __file__, "x", "x", "--postgres", args.postgres, "--redis", args.redis,
             "--child", tree, tag],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tree, env=env,
        )  # fmt: skip
    for tag, kid in kids.items():
        line = kid.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith("ready"):
            raise SystemExit(f"{tag} did not start")
    results: dict[tuple[str, str], list[float]] = {}
    for r in range(args.rounds):
        order = list(kids) if r % 2 == 0 else list(reversed(kids))
        for kind in ("post", "get"):
            for tag in order:
                kid = kids[tag]
                kid.stdin.write(f"{kind} {args.requests}\n")  # type: ignore[union-attr]
                kid.stdin.flush()  # type: ignore[union-attr]
                median, mean = map(float, kid.stdout.readline().split())  # type: ignore[union-attr]
                results.setdefault((tag, kind), []).append(median)
                print(f"round {r + 1} {kind} {tag:6}: median {median:.1f} ms, mean {mean:.1f} ms, "
                      f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)  # fmt: skip
    for kid in kids.values():
        kid.stdin.close()  # type: ignore[union-attr]
        kid.wait(timeout=120)
    for kind in ("post", "get"):
        before = statistics.median(results[("before", kind)])
        after = statistics.median(results[("after", kind)])
        print(f"{kind}: before {before:.1f} ms, after {after:.1f} ms per request, {before / after:.2f}x")


if __name__ == "__main__":
    main()
