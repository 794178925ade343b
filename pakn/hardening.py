"""Pure helpers of the security settings (issue 10): the Content-Security-Policy and refused backends.

Kept out of settings.py so they can be tested alone; nothing here reads Django's settings.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

# E-mail backends that write messages (personal data, password-reset links) where they do not belong.
LOGGING_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    }
)

_SELF = "'self'"
_NONE = "'none'"


def origin_of(url: str) -> str:
    """The scheme and host of an absolute URL for a CSP source ("" for a relative one).

    A tile template's `{s}` sub-domain becomes a wildcard: https://{s}.tile.example.org → https://*.tile.example.org.
    """
    url = re.sub(r"\{s\}\.", "*.", url.strip())
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(
    *, image_origins: list[str], report_uri: str, upgrade_insecure: bool
) -> dict[str, Any]:
    """django-csp's CONTENT_SECURITY_POLICY: no inline script (a nonce is offered), no plugins, no framing.

    Inline styles stay allowed (style attributes in templates; Leaflet positions tiles with them); they
    cannot run code.
    """
    from csp.constants import NONCE

    origins = sorted({o for o in image_origins if o})
    images = [_SELF, "data:", "blob:", *origins]
    directives: dict[str, Any] = {
        "default-src": [_SELF],
        "script-src": [_SELF, NONCE],
        "style-src": [_SELF, "'unsafe-inline'"],
        "img-src": images,
        "media-src": [_SELF, "blob:", *origins],
        "font-src": [_SELF, "data:"],
        "connect-src": [_SELF],
        "worker-src": [_SELF],
        "manifest-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
    if report_uri:
        directives["report-uri"] = report_uri
    if upgrade_insecure:
        directives["upgrade-insecure-requests"] = True
    return {"DIRECTIVES": directives}
