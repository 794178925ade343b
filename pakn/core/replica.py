"""Reads of statistics, open data and public lists from a streaming replica (PAKN_DATABASE_REPLICA_URL).

Which requests may read from the replica is decided here, in one place: safe (GET/HEAD) requests to the
views named below, from a client that has not written anything in the last PAKN_REPLICA_PIN_SECONDS (a
short-lived cookie set on every unsafe request, so a person who has just submitted or acted sees his own
change, whatever the replica's lag). Even then only the domain's tables go to the replica; sessions,
accounts, rate limits and idempotency records always come from the primary, and so does every read made
inside a transaction or after a write in the same request. Migrations run on the primary only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "pakn_primary"
# The domain's tables that public and statistical pages read.
REPLICA_APPS = frozenset({"reports", "org", "workdays", "stats"})
REPLICA_VIEWS = frozenset({"portal:home", "portal:list", "portal:detail", "portal:map_data"})
REPLICA_NAMESPACES = frozenset({"stats", "opendata", "open311"})
REPLICA_PATHS = re.compile(r"^/api/v1/(reports|statistics)(/[^/]+)?/?$")

_reading_from_replica: ContextVar[bool] = ContextVar("pakn_reading_from_replica", default=False)
_wrote: ContextVar[bool] = ContextVar("pakn_wrote", default=False)


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if (
            _reading_from_replica.get()
            and not _wrote.get()
            and model._meta.app_label in REPLICA_APPS  # type: ignore[attr-defined]
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str:
        _wrote.set(True)
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


def replica_eligible(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.COOKIES.get(PIN_COOKIE):
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and (match.view_name in REPLICA_VIEWS or match.namespace in REPLICA_NAMESPACES):
        return True
    return bool(REPLICA_PATHS.match(request.path_info))


def _on_replica(content: Iterable[bytes]) -> Iterator[bytes]:
    reading, wrote = _reading_from_replica.set(True), _wrote.set(False)
    try:
        yield from content
    finally:
        with suppress(ValueError):  # closed from another context: nothing of ours to restore there
            _reading_from_replica.reset(reading)
            _wrote.reset(wrote)


class ReplicaMiddleware:
    """Sends eligible requests' reads to the replica; pins a client that writes to the primary for a while."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wrote = _wrote.set(False)
        reading = _reading_from_replica.set(False)
        try:
            response = self.get_response(request)
            if response.streaming and _reading_from_replica.get():
                # a streamed export runs its queries while the server sends it, after this call returns
                response.streaming_content = _on_replica(response.streaming_content)  # type: ignore[attr-defined]
        finally:
            _reading_from_replica.reset(reading)
            _wrote.reset(wrote)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.PAKN_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        if replica_eligible(request):
            _reading_from_replica.set(True)
