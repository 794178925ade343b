"""Readiness checks of one node: database (and replica), Redis, the queue, the worker's heartbeat, free disk.

Each check returns a plain dict with "ok" and its measurements, so /readyz can show them as JSON and the
metrics can reuse them. A check never raises: a failure is reported, not propagated.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from huey.contrib.djhuey import HUEY

HEARTBEAT_KEY = "pakn:worker-heartbeat"
Check = dict[str, Any]


def _timed(probe: Callable[[], Check]) -> Check:
    start = time.perf_counter()
    try:
        result = probe()
    except Exception as e:  # a check reports, it never raises
        result = {"ok": False, "error": type(e).__name__}
    result["ms"] = round((time.perf_counter() - start) * 1000, 1)
    return result


def _database(alias: str) -> Callable[[], Check]:
    def probe() -> Check:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True}

    return probe


def _replica() -> Check:
    """The replica answers; how far behind its last replayed transaction is (information: an idle primary
    makes it grow too, so it never fails the check)."""
    with connections["replica"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
        )
        row = cursor.fetchone()
    in_recovery, lag = (row[0], row[1]) if row else (False, None)
    return {
        "ok": True,
        "in_recovery": bool(in_recovery),
        "replay_lag_seconds": round(float(lag), 1) if lag is not None else None,
    }


def _redis() -> Check:
    url = settings.PAKN_REDIS_URL
    if not url:
        return {"ok": True, "configured": False}
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return {"ok": bool(client.ping()), "configured": True}
    finally:
        client.close()


def oldest_due_delivery_seconds(now: datetime) -> float:
    """How long the oldest notification that is due has been waiting (0 when none waits)."""
    from pakn.notify.models import Delivery

    oldest = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


def _queue() -> Check:
    now = timezone.now()
    waiting = oldest_due_delivery_seconds(now)
    return {
        "ok": waiting <= settings.PAKN_READY_QUEUE_SECONDS,
        "pending_tasks": HUEY.pending_count(),
        "oldest_due_notification_seconds": round(waiting, 1),
        "limit_seconds": settings.PAKN_READY_QUEUE_SECONDS,
    }


def heartbeat_record() -> None:
    """Called by every worker at its start and once a minute: a worker is alive and runs queued tasks."""
    HUEY.put(HEARTBEAT_KEY, {"at": time.time(), "host": socket.gethostname(), "pid": os.getpid()})


def heartbeat() -> dict[str, Any] | None:
    data = HUEY.get(HEARTBEAT_KEY, peek=True)
    return data if isinstance(data, dict) else None


def _worker() -> Check:
    beat = heartbeat()
    if beat is None:
        return {
            "ok": False,
            "last_seen_seconds": None,
            "limit_seconds": settings.PAKN_READY_HEARTBEAT_SECONDS,
        }
    age = max(0.0, time.time() - float(beat["at"]))
    return {
        "ok": age <= settings.PAKN_READY_HEARTBEAT_SECONDS,
        "last_seen_seconds": round(age, 1),
        "host": str(beat.get("host", "")),
        "limit_seconds": settings.PAKN_READY_HEARTBEAT_SECONDS,
    }


def disk_paths() -> dict[str, str]:
    """Directories this node writes to: data (SQLite, queue) and, on the filesystem, media."""
    paths = {"data": str(settings.DATA_DIR)}
    if not settings.PAKN_MEDIA_S3_BUCKET:
        paths["media"] = str(settings.MEDIA_ROOT)
    return paths


def _disk() -> Check:
    minimum = settings.PAKN_READY_MIN_FREE_MB
    free = {}
    for name, path in disk_paths().items():
        os.makedirs(path, exist_ok=True)
        free[name] = shutil.disk_usage(path).free // (1024 * 1024)
    return {"ok": all(mb >= minimum for mb in free.values()), "free_mb": free, "minimum_mb": minimum}


def readiness() -> dict[str, Check]:
    checks: dict[str, Check] = {"database": _timed(_database("default"))}
    if "replica" in connections.databases:
        checks["replica"] = _timed(_replica)
    checks["redis"] = _timed(_redis)
    checks["queue"] = _timed(_queue)
    checks["worker"] = _timed(_worker)
    checks["disk"] = _timed(_disk)
    return checks
