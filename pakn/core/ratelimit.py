"""Fixed-window rate limits (per address, per phone, per API client), shared by every surface and every worker."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets (0 when allowed)


def rate_hit(
    scope: str,
    identity: str,
    *,
    limit: int,
    window_seconds: int,
    now: float | None = None,
    cost: int = 1,
) -> RateDecision:
    """Count `cost` hits of `identity` in `scope`; refuse when more than `limit` fall in the current window.

    Identities (an address, a phone) are hashed before they are stored, so no personal data is kept. The count
    is shared by every worker process (Redis, or the database's counter table: PAKN_RATE_STORE) and the
    increment is atomic, so concurrent requests cannot slip past the limit.
    """
    moment = time.time() if now is None else now
    bucket = int(moment // window_seconds)
    key = _key(scope, identity, bucket)
    expires = (bucket + 1) * window_seconds + 5
    count = _increment(key, cost, expires_at=expires, now=moment)
    retry_after = int((bucket + 1) * window_seconds - moment) + 1
    return RateDecision(count <= limit, count, limit, 0 if count <= limit else retry_after)


def rate_count(scope: str, identity: str, *, window_seconds: int, now: float | None = None) -> int:
    """How many hits `identity` has in `scope`'s current window, without counting one."""
    moment = time.time() if now is None else now
    key = _key(scope, identity, int(moment // window_seconds))
    if _store() == "database":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT hits FROM {COUNTER_TABLE} WHERE name = %s", [key])
            row = cursor.fetchone()
        return int(row[0]) if row else 0
    return int(cache.get(key) or 0)


def _key(scope: str, identity: str, bucket: int) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{bucket}"


def _store() -> str:
    from django.conf import settings

    return str(getattr(settings, "PAKN_RATE_STORE", "cache"))


def _increment(key: str, cost: int, *, expires_at: float, now: float) -> int:
    if _store() == "database":
        return _increment_in_database(key, cost, expires_at=expires_at, now=now)
    timeout = max(int(expires_at - now), 1)
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _increment_in_redis(backend, key, cost, timeout=timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key, cost))
    except ValueError:  # evicted between add and incr
        cache.set(key, cost, timeout=timeout)
        return cost


def _increment_in_redis(backend: RedisCache, key: str, cost: int, *, timeout: int) -> int:
    """SET NX EX and INCRBY in one MULTI/EXEC: atomic, and one round trip where Django's add() and incr()
    take three (SET NX, EXISTS, INCRBY) — under load each round trip waits for Redis (issue 13)."""
    full_key = backend.make_and_validate_key(key)
    client = backend._cache.get_client(full_key, write=True)  # Django's RedisCache keeps no public client
    with client.pipeline(transaction=True) as pipe:
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incrby(full_key, cost)
        _, count = pipe.execute()
    return int(count)


COUNTER_TABLE = "pakn_rate_counter"


def _increment_in_database(key: str, cost: int, *, expires_at: float, now: float) -> int:
    """One atomic upsert (SQLite ≥ 3.35 and PostgreSQL): concurrent workers each get a distinct count.

    The upsert is one statement, atomic by itself: no transaction around it (BEGIN and COMMIT were two more
    round trips on every public report page, issue 13)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {COUNTER_TABLE} (name, hits, expires_at) VALUES (%s, %s, %s) "
            f"ON CONFLICT (name) DO UPDATE SET hits = {COUNTER_TABLE}.hits + excluded.hits RETURNING hits",
            [key, cost, int(expires_at)],
        )
        count = int(cursor.fetchone()[0])
        if count == cost:  # a new window began for this identity: forget windows that ended
            cursor.execute(f"DELETE FROM {COUNTER_TABLE} WHERE expires_at < %s", [int(now)])
    return count


def create_counter_table(using: str = "default") -> None:
    """The counter table lives outside the migrations, like Django's cache table (created on migrate).

    On PostgreSQL it is UNLOGGED: counts of the current windows (minutes) are not worth a write-ahead log
    record and a disk flush on every counted request; after a crash they start again from zero (issue 13)."""
    from django.db import connections

    db = connections[using]
    unlogged = "UNLOGGED " if db.vendor == "postgresql" else ""
    with db.cursor() as cursor:
        cursor.execute(
            f"CREATE {unlogged}TABLE IF NOT EXISTS {COUNTER_TABLE} "
            "(name varchar(120) PRIMARY KEY, hits integer NOT NULL, expires_at bigint NOT NULL)"
        )
        if unlogged:  # made before it was unlogged
            cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)", [COUNTER_TABLE])
            if cursor.fetchone()[0] == "p":
                cursor.execute(f"ALTER TABLE {COUNTER_TABLE} SET UNLOGGED")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {COUNTER_TABLE}_expires ON {COUNTER_TABLE} (expires_at)")


# The public APIs' limits per client address (R-6.4 open to all, but not to floods), read by the REST API and
# Open311: scope → (requests, window in seconds); PAKN_API_RATES overrides them.
DEFAULT_RATES: dict[str, tuple[int, int]] = {
    "read": (300, 60),
    "submit": (10, 600),
    "reporter": (60, 60),
    "login": (20, 600),
}


def rate_for(scope: str) -> tuple[int, int]:
    from django.conf import settings

    rates = {**DEFAULT_RATES, **getattr(settings, "PAKN_API_RATES", {})}
    return rates[scope]


def client_ip(request: object) -> str:
    """The client's address; behind a proxy listed in PAKN_TRUSTED_PROXIES, the X-Forwarded-For one."""
    from django.conf import settings

    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "")
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and remote in settings.PAKN_TRUSTED_PROXIES:
        return forwarded.split(",")[-1].strip()
    return remote
