"""Password spraying (issue 10, item 8): failed staff sign-ins per client address, across all accounts.

django-axes locks one account at one address after a few failures; an attacker who tries one common password
against many accounts never trips it. Every failed sign-in (console, admin, API token; django's
`user_login_failed` signal) is counted per address on the shared rate-limit store, and an address over
PAKN_LOGIN_FAILURES_PER_ADDRESS in PAKN_LOGIN_FAILURE_WINDOW_SECONDS is refused before any password check.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from pakn.core.ratelimit import client_ip, rate_count, rate_hit

SCOPE = "login-failures"


def _limit() -> tuple[int, int]:
    return (
        int(getattr(settings, "PAKN_LOGIN_FAILURES_PER_ADDRESS", 30)),
        int(getattr(settings, "PAKN_LOGIN_FAILURE_WINDOW_SECONDS", 900)),
    )


def login_refused_for_address(request: Any) -> int:
    """Seconds this client address must wait before signing in again (0: it may try)."""
    limit, window = _limit()
    address = client_ip(request) if request is not None else ""
    if not address or rate_count(SCOPE, address, window_seconds=window) < limit:
        return 0
    import time

    return int(window - time.time() % window) + 1


def count_login_failure(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    """Receiver of `user_login_failed`."""
    if request is None:
        return
    limit, window = _limit()
    address = client_ip(request)
    if address:
        rate_hit(SCOPE, address, limit=limit, window_seconds=window)


class AddressThrottleBackend:
    """First in AUTHENTICATION_BACKENDS: refuses every sign-in from an address over the limit (the console,
    the Django admin and the API alike), even with a right password, like django-axes for one account."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        from django.core.exceptions import PermissionDenied

        if request is not None and login_refused_for_address(request):
            raise PermissionDenied("Too many failed sign-ins from this address")
        return None

    # No get_user(): this backend never signs anyone in, so Django never stores it in a session (and the
    # test client's force_login() does not pick it).
