"""Fixed-window rate limits on the cache (per address, per phone, per API client), shared by every surface."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets (0 when allowed)


def rate_hit(
    scope: str, identity: str, *, limit: int, window_seconds: int, now: float | None = None
) -> RateDecision:
    """Count one hit of `identity` in `scope`; refuse when more than `limit` hits fall in the current window.

    Identities (an address, a phone) are hashed before they reach the cache, so no personal data is stored.
    """
    moment = time.time() if now is None else now
    bucket = int(moment // window_seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}:{bucket}"
    cache.add(key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window_seconds + 5)
        count = 1
    retry_after = int((bucket + 1) * window_seconds - moment) + 1
    return RateDecision(count <= limit, count, limit, 0 if count <= limit else retry_after)


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
