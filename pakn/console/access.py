"""Who may enter the console (R-3.1): signed in, a second factor when enrolled or required, not idle too long.

`StaffGuardMiddleware` guards every page under /console/ — including the statistics and notification pages
that other apps mount there — so no view can forget it; the Django admin's pages need the second factor too.
Views then check roles with `require_roles`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django_otp import user_has_device

from pakn.org.models import User

Role = User.Role

# Pages anyone may open (signing in, resetting a forgotten password).
OPEN_PREFIXES = ("/console/dang-nhap/", "/console/quen-mat-khau/")
# Pages a signed-in user may open before the second factor (the second factor itself, signing out).
HALF_OPEN_PREFIXES = ("/console/xac-thuc/", "/console/dang-xuat/")
ADMIN_OPEN_PREFIXES = ("/admin/login/", "/admin/logout/")
SEEN_KEY = "console_seen"


def two_factor_required() -> bool:
    return bool(getattr(settings, "PAKN_STAFF_2FA_REQUIRED", False))


def idle_seconds() -> int:
    return int(getattr(settings, "PAKN_CONSOLE_IDLE_MINUTES", 30)) * 60


def _redirect(request: HttpRequest, url_name: str, *, next_url: str | None = None) -> HttpResponse:
    url = reverse(url_name)
    if next_url:
        url += "?" + urlencode({"next": next_url})
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def is_console_user(user: Any) -> bool:
    """A staff account with a role (or a superuser created from the command line)."""
    return bool(user.is_authenticated and user.is_active and (user.role or user.is_superuser))


class StaffGuardMiddleware:
    """Sign-in, idle expiry and the TOTP step for every console page (R-3.1)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/console/") and not path.startswith(OPEN_PREFIXES):
            refusal = self.guard(request, path)
            if refusal is not None:
                return refusal
        elif path.startswith("/admin/") and not path.startswith(ADMIN_OPEN_PREFIXES):
            refusal = self.second_factor(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def second_factor(self, request: HttpRequest) -> HttpResponse | None:
        """The Django admin signs in with a password only: its pages need the second factor too."""
        user = request.user
        if not user.is_authenticated:
            return None
        if user_has_device(user, confirmed=True):
            if not user.is_verified():  # type: ignore[union-attr,attr-defined]
                return _redirect(request, "console:otp_verify", next_url=request.get_full_path())
        elif two_factor_required():
            return _redirect(request, "console:otp_enrol", next_url=request.get_full_path())
        return None

    def guard(self, request: HttpRequest, path: str) -> HttpResponse | None:
        user = request.user
        here = request.get_full_path()
        if not user.is_authenticated:
            return _redirect(request, "console:login", next_url=here)
        now = int(time.time())
        seen = request.session.get(SEEN_KEY)
        if isinstance(seen, int) and now - seen > idle_seconds():
            logout(request)
            messages.info(request, "Phiên làm việc đã hết hạn do lâu không thao tác. Vui lòng đăng nhập lại.")
            return _redirect(request, "console:login", next_url=here)
        if not isinstance(seen, int) or now - seen >= 30:
            request.session[SEEN_KEY] = now
        if path.startswith(HALF_OPEN_PREFIXES):
            return None
        if user_has_device(user, confirmed=True):
            if not user.is_verified():  # type: ignore[union-attr,attr-defined]  # set by django_otp's middleware
                return _redirect(request, "console:otp_verify", next_url=here)
        elif two_factor_required():
            return _redirect(request, "console:otp_enrol", next_url=here)
        if not is_console_user(user):
            return render(request, "console/forbidden.html", {"reason": "no_role"}, status=403)
        return None


V = TypeVar("V", bound=Callable[..., HttpResponse])


def require_roles(*roles: str, superuser: bool = False) -> Callable[[V], V]:
    """Refuse (403, with a page saying why) a console user whose role is not one of these."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            allowed = getattr(user, "role", "") in roles or (superuser and user.is_superuser)
            if not allowed:
                return render(request, "console/forbidden.html", {"reason": "role"}, status=403)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def staff_user(request: HttpRequest) -> User:
    """The signed-in official (the middleware has already let only console users through)."""
    user = request.user
    assert isinstance(user, User)
    return user


def refuse(request: HttpRequest, message: str) -> HttpResponse:
    """A 403 page in the console's layout with the reason."""
    return render(request, "console/forbidden.html", {"reason": "action", "message": message}, status=403)
