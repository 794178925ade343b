"""Views of "Phản ánh của tôi" (issue 14, item 8): sign in with the phone number and a code sent by SMS, see
one's own reports, get a new private link, turn on web push; sign out. Services: pakn.portal.citizen.

The citizen's session is its own cookie (`pakn_citizen`, path /phan-anh-cua-toi/), not Django's session:
signing in here never signs anyone in to the console, and a staff login means nothing here. Every page is
private (never cached, never indexed, no referrer); no phone number is ever put in a URL or a page's text.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pakn.core.bodies import json_object
from pakn.core.ratelimit import client_ip
from pakn.notify.services import push_enabled
from pakn.portal import citizen
from pakn.portal.forms import PhoneSignInForm, SignInCodeForm
from pakn.portal.models import CitizenSession
from pakn.portal.view_helpers import minutes_text, private
from pakn.reports.services import normalize_tracking_code

SESSION_COOKIE = "pakn_citizen"
CHALLENGE_COOKIE = "pakn_signin"
COOKIE_PATH = "/phan-anh-cua-toi/"


def sms_available() -> bool:
    return settings.PAKN_SMS_BACKEND != "off"


def _cookie(response: HttpResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _session(request: HttpRequest) -> CitizenSession | None:
    return citizen.session_for(request.COOKIES.get(SESSION_COOKIE, ""))


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return private(render(request, template, {"nav": "mine", **context}, status=status))


def _to_sign_in() -> HttpResponseRedirect:
    return private(HttpResponseRedirect(reverse("portal:mine_sign_in")))


def _wait_text(seconds: int) -> str:
    return _("Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau %(wait)s.") % {"wait": minutes_text(seconds)}


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number. The answer is the same whether or not it has reports."""
    if _session(request) is not None:
        return private(HttpResponseRedirect(reverse("portal:mine")))
    form = PhoneSignInForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "sms_available": sms_available()}
    if request.method == "POST" and sms_available() and form.is_valid():
        try:
            key = citizen.sign_in_code_request(phone=form.cleaned_data["phone"], address=client_ip(request))
        except ValidationError:
            form.add_error("phone", _("Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678."))
        except citizen.RateLimited as e:
            response = _page(
                request, "portal/mine_sign_in.html", {**context, "refusal": _wait_text(e.retry_after)}, 429
            )
            response["Retry-After"] = str(e.retry_after)
            return response
        else:
            response = private(HttpResponseRedirect(reverse("portal:mine_code")))
            _cookie(response, CHALLENGE_COOKIE, key, settings.PAKN_CITIZEN_CODE_SECONDS)
            return response
    return _page(request, "portal/mine_sign_in.html", context, 400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the SMS. A wrong code says how many tries are left; a dead one asks for a new one."""
    key = request.COOKIES.get(CHALLENGE_COOKIE, "")
    if not key:
        return _to_sign_in()
    form = SignInCodeForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "minutes": max(1, settings.PAKN_CITIZEN_CODE_SECONDS // 60)}
    if request.method == "POST" and form.is_valid():
        try:
            session_key = citizen.sign_in_code_check(
                key=key, code=form.cleaned_data["code"], address=client_ip(request)
            )
        except citizen.RateLimited as e:
            response = _page(
                request, "portal/mine_code.html", {**context, "refusal": _wait_text(e.retry_after)}, 429
            )
            response["Retry-After"] = str(e.retry_after)
            return response
        except citizen.CodeRefused as e:
            if e.reason == "wrong":
                form.add_error("code", _("Mã xác nhận không đúng. Bạn còn %(n)d lần thử.") % {"n": e.left})
            else:
                context["dead"] = True
                response = _page(request, "portal/mine_code.html", context, 400)
                response.delete_cookie(CHALLENGE_COOKIE, path=COOKIE_PATH)
                return response
        else:
            response = private(HttpResponseRedirect(reverse("portal:mine")))
            response.delete_cookie(CHALLENGE_COOKIE, path=COOKIE_PATH)
            _cookie(response, SESSION_COOKIE, session_key, settings.PAKN_CITIZEN_SESSION_SECONDS)
            return response
    return _page(request, "portal/mine_code.html", context, 400 if form.errors else 200)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """His reports: tracking code, category, state, date; a new private link for each; web push."""
    session = _session(request)
    if session is None:
        return _to_sign_in()
    return _page(
        request,
        "portal/mine.html",
        {
            "reports": citizen.own_reports(session),
            "session_ends": session.expires_at,
            "push_enabled": push_enabled(),
            "vapid_public_key": settings.PAKN_VAPID_PUBLIC_KEY,
        },
    )


@require_POST
def recover(request: HttpRequest, tracking_code: str) -> HttpResponse:
    """A new private link for one of his reports, shown once (the old one stops working)."""
    session = _session(request)
    if session is None:
        return _to_sign_in()
    new = citizen.followup_link_recover(session, normalize_tracking_code(tracking_code)[:12])
    if new is None:
        raise Http404
    return _page(request, "portal/mine_link.html", {"link": new})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    citizen.sign_out(request.COOKIES.get(SESSION_COOKIE, ""))
    response = _to_sign_in()
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    messages.success(request, _("Bạn đã đăng xuất khỏi Phản ánh của tôi."))
    return response


@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """The browser's PushSubscription.toJSON() ({endpoint, keys: {p256dh, auth}}), for all his reports."""
    session = _session(request)
    if session is None:
        return private(JsonResponse({"ok": False, "errors": [_("Phiên đăng nhập đã hết hạn.")]}, status=401))
    data = json_object(request)
    raw_keys = data.get("keys")
    keys: dict[str, Any] = raw_keys if isinstance(raw_keys, dict) else {}
    try:
        count = citizen.push_subscribe_all(
            session,
            endpoint=str(data.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as e:
        return private(JsonResponse({"ok": False, "errors": [_(m) for m in e.messages]}, status=400))
    return private(JsonResponse({"ok": True, "reports": count}, status=201))


@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    session = _session(request)
    if session is None:
        return private(JsonResponse({"ok": False}, status=401))
    deleted = citizen.push_unsubscribe_all(session, endpoint=str(json_object(request).get("endpoint") or ""))
    return private(JsonResponse({"ok": True, "deleted": deleted}))
