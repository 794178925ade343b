"""Who may read /readyz and /metrics: a bearer token (PAKN_METRICS_TOKEN) or an allowed address.

Behind nginx every request reaches the application from the proxy's own address (often 127.0.0.1), so an
address is believed only for a direct request, or for a proxied one whose proxy is in PAKN_TRUSTED_PROXIES
(then the client's address is the one the proxy appended). A proxied request from an unknown proxy never
passes by address.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest


@cache
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def _address(request: HttpRequest) -> str | None:
    """The client's address if it can be believed, else None."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") or request.META.get("HTTP_X_REAL_IP", "")
    if not forwarded:
        return remote
    if remote in settings.PAKN_TRUSTED_PROXIES:
        return forwarded.split(",")[-1].strip()
    return None


def address_allowed(request: HttpRequest) -> bool:
    address = _address(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.PAKN_METRICS_ALLOWED_ADDRESSES)))


def token_allowed(request: HttpRequest) -> bool:
    token = settings.PAKN_METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def operations_allowed(request: HttpRequest) -> bool:
    return token_allowed(request) or address_allowed(request)
