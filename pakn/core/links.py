"""Absolute links for answers and messages that leave the site."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute(request: HttpRequest | None, path: str) -> str:
    """The absolute URL of `path`: from the request when there is one, else from PAKN_SITE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path
