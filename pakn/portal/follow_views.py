"""Following a public report and «Tôi cũng gặp» on its public page (issue 14, item 9; R-9.2).

No account: «Tôi cũng gặp» counts once per browser (a random id in its session) and is rate-limited per
address; following by SMS sends a one-time code to the phone, kept in the session only as the pending
follower's id (the number itself never enters the session, the URL nor a log line); every message carries a
link to stop, which asks before it acts (a link preview must not unsubscribe anyone).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pakn.core.quotas import quota_wait
from pakn.core.ratelimit import client_ip
from pakn.notify import follow as following
from pakn.notify.models import Follower
from pakn.portal import selectors
from pakn.reports.duplicates import me_too_add, me_too_count, me_too_given
from pakn.reports.models import Report

VOTER_SESSION_KEY = "pakn_voter"
PENDING_SESSION_KEY = "pakn_follow_pending"


def voter_of(request: HttpRequest, *, create: bool = False) -> str:
    """This browser's random id for «Tôi cũng gặp» (in its session; nothing personal)."""
    voter = request.session.get(VOTER_SESSION_KEY, "")
    if not voter and create:
        voter = request.session[VOTER_SESSION_KEY] = secrets.token_urlsafe(18)
    return str(voter)


def _report(code: str) -> Report:
    return selectors.public_report_by_code(code)  # Http404 for what the public may not see


def _to_detail(report: Report, anchor: str) -> HttpResponse:
    return redirect(reverse("portal:detail", args=[report.tracking_code]) + anchor)


def _first_message(error: ValidationError) -> str:
    return _(error.messages[0]) if error.messages else _("Yêu cầu không hợp lệ.")


@require_POST
def me_too(request: HttpRequest, code: str) -> HttpResponse:
    report = _report(code)
    if quota_wait("portal-me-too", client_ip(request)):
        messages.error(request, _("Bạn đã thao tác quá nhiều lần. Vui lòng thử lại sau."))
        return _to_detail(report, "#cung-gap")
    try:
        counted = me_too_add(report=report, voter=voter_of(request, create=True))
    except ValidationError as e:
        messages.error(request, _first_message(e))
        return _to_detail(report, "#cung-gap")
    if counted:
        messages.success(request, _("Cảm ơn bạn. Cơ quan xử lý biết thêm một người cũng gặp sự việc này."))
    else:
        messages.info(request, _("Bạn đã báo «Tôi cũng gặp» cho phản ánh này."))
    return _to_detail(report, "#cung-gap")


def _follow_page(request: HttpRequest, report: Report, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(request, "portal/follow.html", {"nav": "list", "report": report, **context}, status=status)


def _refused(request: HttpRequest, report: Report, step: str, error: ValidationError) -> HttpResponse:
    """The step's page again with why: 429 with Retry-After when over a limit, 400 for a wrong input."""
    if isinstance(error, following.FollowRefused):
        response = _follow_page(request, report, step=step, error=_first_message(error), status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    return _follow_page(request, report, step=step, error=_first_message(error), status=400)


def _set_pending(request: HttpRequest, report: Report, follower_pk: int | None) -> None:
    """Remember (or, with None, forget) the follower waiting for his SMS code on this report."""
    pending = dict(request.session.get(PENDING_SESSION_KEY, {}))
    if follower_pk is None:
        pending.pop(report.tracking_code, None)
    else:
        pending[report.tracking_code] = follower_pk
    request.session[PENDING_SESSION_KEY] = pending


@require_POST
def follow_sms(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1: the phone number; a code is sent to it by SMS."""
    report = _report(code)
    try:
        follower = following.follow_by_sms(
            report=report, phone=request.POST.get("phone", ""), client=client_ip(request)
        )
    except ValidationError as e:
        return _refused(request, report, "phone", e)
    _set_pending(request, report, follower.pk)
    return _follow_page(request, report, step="code")


@require_POST
def follow_confirm(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: the code received; the phone is then told of the report's public updates."""
    report = _report(code)
    pk = request.session.get(PENDING_SESSION_KEY, {}).get(report.tracking_code)
    follower = Follower.objects.filter(pk=pk, report=report).first() if pk else None
    if follower is None:
        return _follow_page(request, report, step="phone", error=_("Vui lòng nhập lại số điện thoại."))
    try:
        following.follow_confirm(
            report=report, phone=follower.phone, code=request.POST.get("code", ""), client=client_ip(request)
        )
    except ValidationError as e:
        return _refused(request, report, "code", e)
    _set_pending(request, report, None)
    messages.success(
        request,
        _("Đã đăng ký theo dõi. Bạn sẽ nhận tin nhắn khi phản ánh được chuyển xử lý hoặc có kết quả."),
    )
    return _to_detail(report, "#theo-doi")


@require_POST
def follow_push(request: HttpRequest, code: str) -> JsonResponse:
    """Follow from this browser by web push (the portal's script posts the browser's subscription)."""
    try:
        report = _report(code)
    except Http404:
        return JsonResponse({"ok": False, "error": _("Không tìm thấy phản ánh.")}, status=404)
    try:
        body = json.loads(request.body or b"{}")
        keys = body.get("keys") or {}
        follower = following.follow_by_push(
            report=report,
            endpoint=str(body.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
            client=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except following.FollowRefused as e:
        return JsonResponse({"ok": False, "error": _first_message(e)}, status=429)
    except (ValidationError, ValueError, AttributeError) as e:
        message = _first_message(e) if isinstance(e, ValidationError) else _("Yêu cầu không hợp lệ.")
        return JsonResponse({"ok": False, "error": message}, status=400)
    unsubscribe = following.unsubscribe_url(follower) if follower else ""
    return JsonResponse({"ok": True, "unsubscribe": unsubscribe})


@require_http_methods(["GET", "POST"])
def unfollow(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every follower's message: asks, then stops."""
    follower = following.follower_for_token(token)
    if request.method == "GET":
        report = follower.report if follower else None
        return render(
            request,
            "portal/unfollow.html",
            {"nav": "", "report": report, "done": False},
            status=200 if follower else 404,
        )
    report = following.unfollow(token=token)
    return render(
        request,
        "portal/unfollow.html",
        {"nav": "", "report": report, "done": True},
        status=200 if report else 404,
    )


def follow_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    """What the public page shows of «Tôi cũng gặp» and following (public: a count, never who)."""
    return {
        "me_too_count": me_too_count(report),
        "me_too_given": me_too_given(report, voter_of(request)),
        "followable": following.followable(report),
        "push_key": settings.PAKN_VAPID_PUBLIC_KEY if following.push_enabled() else "",
    }
