"""The rate limits the portal and the API read from a setting each: scope → (setting, window), one call.

The counting itself is pakn.core.ratelimit.rate_hit; this table only names, for each scope, which setting
holds its number of hits and how long its window is, so that every caller asks the same way.
"""

from __future__ import annotations

from django.conf import settings

from pakn.core.ratelimit import rate_hit

HOUR = 3600

QUOTAS: dict[str, tuple[str, int]] = {
    "citizen-code-address": ("PAKN_CITIZEN_CODES_PER_ADDRESS_HOUR", HOUR),
    "citizen-code-phone": ("PAKN_CITIZEN_CODES_PER_PHONE_HOUR", HOUR),
    "citizen-check-address": ("PAKN_CITIZEN_CHECKS_PER_ADDRESS_HOUR", HOUR),
    "portal-submit-address": ("PAKN_PORTAL_SUBMITS_PER_ADDRESS_HOUR", HOUR),
    "portal-submit-phone": ("PAKN_PORTAL_SUBMITS_PER_PHONE_DAY", 24 * HOUR),
    "portal-lookup": ("PAKN_PORTAL_LOOKUPS_PER_ADDRESS", 600),
    "portal-detail": ("PAKN_PORTAL_DETAILS_PER_ADDRESS", 600),
    "portal-me-too": ("PAKN_ME_TOO_PER_ADDRESS_HOUR", HOUR),
    "api-me-too": ("PAKN_ME_TOO_PER_ADDRESS_HOUR", HOUR),
}


def quota_wait(scope: str, identity: str) -> int:
    """Count one hit of `identity` in `scope`: the seconds to wait when it is over the quota, else 0."""
    setting, window = QUOTAS[scope]
    decision = rate_hit(scope, identity, limit=getattr(settings, setting), window_seconds=window)
    return 0 if decision.allowed else decision.retry_after
