"""Pieces shared by the API's routers: rate limits, authentication, idempotent POSTs, cursors."""

from __future__ import annotations

import base64
import binascii
import functools
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyHeader, HttpBearer
from ninja.throttling import BaseThrottle

from pakn.api.tokens import token_for, token_touch
from pakn.core import idempotency
from pakn.core.ratelimit import client_ip, rate_for, rate_hit
from pakn.org.models import User
from pakn.reports.models import Report
from pakn.reports.services import report_for_secret

# --- Rate limits (per client address; open to all, but not to floods) ------------------------------


class AddressRate(BaseThrottle):
    """A fixed-window limit per client address on the shared cache (pakn.core.ratelimit)."""

    _local = threading.local()

    def __init__(self, scope: str):
        self.scope = scope

    def allow_request(self, request: HttpRequest) -> bool:
        limit, window = rate_for(self.scope)
        decision = rate_hit(
            f"api-{self.scope}", client_ip(request) or "unknown", limit=limit, window_seconds=window
        )
        self._local.retry_after = decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return float(getattr(self._local, "retry_after", 60) or 60)


# --- Authentication ------------------------------------------------------------------------------------


class StaffToken(HttpBearer):
    """`Authorization: Bearer <token>`: an official's device token (POST /auth/token)."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_for(token)
        if found is None:
            return None
        token_touch(found, ip=client_ip(request))
        request.api_token = found  # type: ignore[attr-defined]
        request.user = found.user
        return found.user


class ReporterSecret(APIKeyHeader):
    """`X-Report-Secret: <secret>`: the reporter's private follow-up secret, given once at submission."""

    param_name = "X-Report-Secret"

    def authenticate(self, request: HttpRequest, key: str | None) -> Report | None:
        if not key:
            return None
        return report_for_secret(key.strip())


staff_auth = StaffToken()
reporter_auth = ReporterSecret()


def staff_of(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def reporter_report(request: HttpRequest) -> Report:
    report = request.auth  # type: ignore[attr-defined]
    assert isinstance(report, Report)
    return report


# --- Idempotent POSTs ----------------------------------------------------------------------------------


# The renderer NinjaAPI uses by default (pakn.api.main keeps it), so a remembered response is byte for byte what
# the API would have answered.
RENDERER = JSONRenderer()


def json_response(request: HttpRequest, data: Any, status: int) -> HttpResponse:
    content = RENDERER.render(request, data, response_status=status)
    return HttpResponse(
        content, status=status, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}"
    )


def idempotent(
    scope_of: Callable[[HttpRequest], str],
    *,
    remember: Callable[[HttpResponse], HttpResponse] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a POST view whose result is `(status, schema)`: render it, remember it under Idempotency-Key.

    The wrapped view returns a ready HttpResponse (ninja passes it through); the schema was validated when
    the view built it. `remember` replaces what a replay gets (see idempotency.run_once).
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            def effect() -> HttpResponse:
                status, body = view(request, *args, **kwargs)
                if isinstance(body, HttpResponse):
                    return body
                data = body.model_dump(mode="json", by_alias=True) if hasattr(body, "model_dump") else body
                return json_response(request, data, status)

            return idempotency.run_once(request, scope_of(request), effect, remember=remember)

        return wrapper

    return decorator


def staff_scope(request: HttpRequest) -> str:
    return f"user:{staff_of(request).pk}"


def reporter_scope(request: HttpRequest) -> str:
    return f"report:{reporter_report(request).pk}"


def public_scope(request: HttpRequest) -> str:
    return "public"


IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "A unique key per request (a UUID): a retry with the same key and body gets the first response "
        "without a second effect; the same key with another body is refused (422). Kept 24 hours."
    ),
    "schema": {"type": "string", "minLength": 8, "maxLength": 255, "pattern": "^[A-Za-z0-9_\\-.:]+$"},
}


# --- Keyset cursors ----------------------------------------------------------------------------------------


def encode_cursor(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    """A cursor from encode_cursor, or None when missing; ValueError when it is not one."""
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment, pk = raw.split("|")
        parsed = datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError("naive cursor")
        return parsed, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        raise ValueError("invalid cursor") from e
