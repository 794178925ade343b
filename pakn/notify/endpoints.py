"""Which web-push endpoints the worker may post to (issue 10, item 10: server-side request forgery).

A browser's PushSubscription names the push service's URL; a member of staff (or anyone with a follow-up
link) could register any URL instead, and the worker would POST to it from inside the province's network.
Only HTTPS URLs of the known push services (PAKN_PUSH_SERVICES, host names and their sub-domains) are
accepted, and only when every address the name resolves to is a public one. Checked at registration and
again before each delivery (a name may later resolve elsewhere).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def _known_service(host: str) -> bool:
    # The browsers' push services (settings.PAKN_PUSH_SERVICES: FCM, Mozilla autopush, Apple, WNS).
    services = settings.PAKN_PUSH_SERVICES
    host = host.lower().rstrip(".")
    return any(host == s.lower() or host.endswith("." + s.lower()) for s in services)


def _public_addresses(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {str(info[4][0]).split("%")[0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_global for a in addresses)


def push_endpoint_problem(endpoint: str) -> str:
    """Why the worker must not post to this endpoint, in Vietnamese ("" when it may)."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "Địa chỉ nhận thông báo đẩy không hợp lệ."
    private_allowed = getattr(settings, "PAKN_PUSH_PRIVATE_HOSTS", False)  # tests with a local push service
    if parts.scheme != "https" and not (private_allowed and parts.scheme == "http"):
        return "Địa chỉ nhận thông báo đẩy phải dùng https://."
    host = parts.hostname or ""
    if not host or parts.username or parts.password or (port not in (None, 443) and not private_allowed):
        return "Địa chỉ nhận thông báo đẩy không hợp lệ."
    if not _known_service(host):
        return "Địa chỉ nhận thông báo đẩy không thuộc dịch vụ thông báo đẩy được chấp nhận."
    if not private_allowed and not _public_addresses(host, port or 443):
        return "Địa chỉ nhận thông báo đẩy trỏ tới mạng nội bộ hoặc không phân giải được."
    return ""
