"""Crash tests (issue 7): a real huey worker (`pakn run_huey`, two threads) on PostgreSQL and Redis delivers
a batch of SMS through the HTTP gateway backend to a fake gateway on 127.0.0.1 that records idempotency
keys. In the middle of the batch, at the worst moment (the gateway has accepted an SMS and not answered yet),
1. the worker is killed with SIGKILL, then started again;
2. every database connection of the worker is terminated (pg_terminate_backend), twice.
Afterwards every notification was delivered exactly once: N distinct keys accepted, every delivery "sent",
and the SMS in flight at the crash came back with its key and was refused by the gateway as a duplicate.

The test creates its own database (from a migrated template) and uses Redis database 13, which it flushes
before and after; it is skipped when PostgreSQL or Redis is not reachable.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.notify.gateway import Gateway
from tests.support_process import child_env

N = 40
CRASH_AT = 12  # the 12th SMS accepted by the gateway
PG = "postgresql://postgres@127.0.0.1:5432/"
# Names unique to this run: two runs (or two xdist workers) never drop each other's databases or queues.
RUN = uuid.uuid4().hex[:10]
DB = f"pakn_notify_crash_{RUN}"
TEMPLATE = f"pakn_notify_crash_tpl_{RUN}"
QUEUE = f"pakn-crash-{RUN}"
REDIS = "redis://127.0.0.1:6379/13"
ROOT = Path(__file__).resolve().parents[2]
LEASE = 4

SEED = f"""
from pakn.org.models import Agency, Category
from pakn.reports.services import report_submit
Agency.objects.get_or_create(code="ioc", defaults={{"name": "Trung tâm IOC", "kind": "ioc"}})
category, _ = Category.objects.get_or_create(code="thu-nghiem", defaults={{"name": "Thử nghiệm"}})
for i in range({N}):
    report_submit(category=category, content=f"Phản ánh thử {{i}}", reporter_phone=f"0912{{100000 + i}}",
                  allow_incomplete=True)
"""


def _pg(dbname: str = "postgres") -> Any:
    import psycopg

    return psycopg.connect(PG + dbname, autocommit=True, connect_timeout=3)


def _reachable() -> None:
    try:
        with _pg() as conn:
            conn.execute("SELECT 1")
    except Exception as e:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable ({type(e).__name__})")
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except Exception as e:
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable ({type(e).__name__})")


def _drop(conn: Any, name: str) -> None:
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _flush_redis() -> None:
    """Forget this run's queue (its keys carry its name); other runs sharing database 13 keep theirs."""
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(match=f"*{QUEUE}*"):
        client.delete(key)


def _env(data_dir: Path, database: str, gateway_url: str = "http://127.0.0.1:9/sms") -> dict[str, str]:
    env = child_env()
    env.update(
        {
            "PAKN_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "PAKN_REDIS_URL": REDIS,
            "PAKN_QUEUE_NAME": QUEUE,
            "PAKN_DATA_DIR": str(data_dir),
            "PAKN_SMS_BACKEND": "http",
            "PAKN_SMS_GATEWAY_URL": gateway_url,
            "PAKN_SMS_GATEWAY_TIMEOUT": "2",
            "PAKN_PUSH_TIMEOUT": "2",
            "PAKN_NOTIFY_LEASE_SECONDS": str(LEASE),
            "PAKN_NOTIFY_RETRY_SECONDS": "1",
            "PAKN_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "pakn.settings",
        }
    )
    return env


def _pakn(*args: str) -> list[str]:
    return [sys.executable, "-m", "pakn.cli", *args]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated template database, made once for the module."""
    _reachable()
    data_dir = tmp_path_factory.mktemp("notify-crash")
    with _pg() as conn:
        _drop(conn, TEMPLATE)
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    subprocess.run(
        _pakn("migrate", "--noinput"),
        env=_env(data_dir, TEMPLATE),
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    yield data_dir
    with _pg() as conn:
        _drop(conn, TEMPLATE)


@pytest.fixture
def crash_db(migrated: Path) -> Iterator[Path]:
    with _pg() as conn:
        _drop(conn, DB)
        conn.execute(f'CREATE DATABASE "{DB}" TEMPLATE "{TEMPLATE}"')
    _flush_redis()
    yield migrated
    with _pg() as conn:
        _drop(conn, DB)
    _flush_redis()


class Worker:
    """`pakn run_huey` in its own process group, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path):
        self.log = log
        self.process = subprocess.Popen(
            _pakn("run_huey", "--workers", "2", "--worker-type", "thread"),
            env=env,
            cwd=ROOT,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process.wait(10)


def _statuses() -> dict[str, int]:
    with _pg(DB) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM notify_delivery GROUP BY status").fetchall())


def _keys() -> set[str]:
    with _pg(DB) as conn:
        return {row[0] for row in conn.execute("SELECT idempotency_key FROM notify_delivery").fetchall()}


def _wait_until_all_sent(log: Path, timeout: float = 240) -> None:
    """Poll until every delivery is sent; the deadline is generous for a loaded machine (a run that works
    returns as soon as it is done)."""
    deadline = time.monotonic() + timeout
    import psycopg

    while time.monotonic() < deadline:
        try:
            if _statuses() == {"sent": N}:
                return
        except psycopg.OperationalError:
            pass  # the test itself terminates the database's connections, this poll's too: ask again
        time.sleep(0.25)
    raise AssertionError(f"not all delivered: {_statuses()}\n--- worker log ---\n{log.read_text()[-4000:]}")


def _seed(env: dict[str, str]) -> None:
    """N reports through the real submission: each writes its SMS to the outbox and queues it in Redis."""
    subprocess.run(
        _pakn("shell", "-c", SEED), env=env, cwd=ROOT, check=True, capture_output=True, timeout=120
    )
    assert _statuses() == {"pending": N}


def _assert_exactly_once(gateway: Gateway) -> None:
    keys = _keys()
    assert len(keys) == N
    assert set(gateway.log.accepted) == keys  # every notification reached the gateway…
    assert len(gateway.log.order) == N  # …and was accepted once: no second successful send of a key


def test_a_worker_killed_in_the_middle_of_a_batch_delivers_everything_exactly_once(crash_db, tmp_path):
    with Gateway() as gateway:
        env = _env(crash_db, DB, gateway.url)
        _seed(env)
        log = tmp_path / "worker.log"
        worker = Worker(env, log)
        crashed = threading.Event()
        in_flight: list[str] = []

        def crash(count: int, key: str) -> None:
            if count == CRASH_AT:
                in_flight.append(key)
                worker.kill()  # the SMS is out; the worker never hears the answer
                crashed.set()

        gateway.log.on_accept = crash
        try:
            assert crashed.wait(180), log.read_text()
            worker.process.wait(10)
            assert worker.process.returncode == -signal.SIGKILL
            assert CRASH_AT <= len(gateway.log.accepted) < N
            worker = Worker(env, log)  # restarted
            _wait_until_all_sent(log)
        finally:
            worker.stop()
        _assert_exactly_once(gateway)
        assert (
            gateway.log.suppressed.get(in_flight[0], 0) >= 1
        )  # came back after the lease, refused as a duplicate
        print(
            f"\nkill -9: {N} delivered once; duplicates suppressed by the gateway: {sum(gateway.log.suppressed.values())}"
        )


def test_database_connections_dropped_during_delivery_deliver_everything_exactly_once(crash_db, tmp_path):
    with Gateway() as gateway:
        env = _env(crash_db, DB, gateway.url)
        _seed(env)
        log = tmp_path / "worker.log"
        dropped: list[str] = []

        def drop_connections(count: int, key: str) -> None:
            if count in (CRASH_AT, 2 * CRASH_AT):
                with _pg() as conn:
                    terminated = conn.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                        [DB],
                    ).fetchone()
                assert terminated and terminated[0] >= 1
                dropped.append(key)

        gateway.log.on_accept = drop_connections
        worker = Worker(env, log)
        try:
            _wait_until_all_sent(log)
        finally:
            worker.stop()
        assert len(dropped) == 2
        _assert_exactly_once(gateway)
        for key in dropped:  # the SMS whose result could not be recorded was retried and suppressed
            assert gateway.log.suppressed.get(key, 0) >= 1
        print(
            f"\npg_terminate_backend ×2: {N} delivered once; duplicates suppressed: {sum(gateway.log.suppressed.values())}"
        )
