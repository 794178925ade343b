"""Console pages of pakn.notify (mounted at /console/notifications/): the list, marking read, the channel
preferences, and the web-push subscription of a member of staff's browser (its service worker is
static/notify/sw.js, scoped to /static/notify/: it controls no console page, it only shows pushed messages)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from pakn.core.bodies import json_object
from pakn.notify import selectors, services
from pakn.notify.models import REQUIRED_KINDS, Channel, Kind, Notification, PushSubscription

PER_PAGE = 20
staff_login = login_required(login_url="console:login")


def _back(request: HttpRequest) -> str:
    """Where to return after a POST: the `next` field if it is a page of this site, else the list."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("notify:list")


@staff_login
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("loc", "")
    unread_only, open_only = show == "chua-doc", show == "can-xu-ly"
    notifications = selectors.notifications_for(request.user, unread_only=unread_only, open_only=open_only)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "notify/list.html",
        {
            "nav": "notifications",
            "page": page,
            "unread_only": unread_only,
            "open_only": open_only,
            "filter_query": f"loc={show}&" if show in ("chua-doc", "can-xu-ly") else "",
            "unread_total": selectors.unread_count(request.user),
            "open_total": selectors.needs_action_count(request.user),
        },
    )


def _mark_read(request: HttpRequest, pk: int) -> Notification:
    """The user's notification `pk`, marked read (404 when it is not his)."""
    try:
        return services.notification_mark_read(user=request.user, notification_id=pk)  # type: ignore[arg-type]
    except Notification.DoesNotExist as e:
        raise Http404 from e


@staff_login
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to what it is about."""
    notification = _mark_read(request, pk)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(url)
    return HttpResponseRedirect(reverse("notify:list"))


@staff_login
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _mark_read(request, pk)
    if getattr(request, "htmx", False):
        return render(request, "notify/_item.html", {"n": notification, "next": request.POST.get("next", "")})
    return HttpResponseRedirect(_back(request))


@staff_login
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)  # type: ignore[arg-type]
    if count:
        text = ngettext(
            "Đã đánh dấu %(n)d thông báo là đã đọc.", "Đã đánh dấu %(n)d thông báo là đã đọc.", count
        )
        messages.success(request, text % {"n": count})
    return HttpResponseRedirect(_back(request))


@staff_login
def preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    kinds = services.kinds_for(user)
    current = services.preferences_of(user)
    errors: list[str] = []
    if request.method == "POST":
        choices = {
            kind: {c for c in Channel.values if request.POST.get(f"{kind}__{c}") == "on"} for kind in kinds
        }
        try:
            services.preferences_set(user=user, choices=choices)
        except ValidationError as e:
            errors = e.messages
            current.update(choices)
        else:
            messages.success(request, gettext("Đã lưu lựa chọn nhận thông báo."))
            return HttpResponseRedirect(reverse("notify:preferences"))
    rows = [
        {
            "kind": kind,
            "label": Kind(kind).label,
            "required": kind in REQUIRED_KINDS,
            "cells": [
                {
                    "channel": c,
                    "label": Channel(c).label,
                    "name": f"{kind}__{c}",
                    "checked": c in current[kind],
                    "disabled": (c == Channel.CONSOLE and kind in REQUIRED_KINDS)
                    or (c == Channel.SMS and not services.sms_allowed(kind))
                    or (c == Channel.PUSH and not services.push_enabled()),
                }
                for c in Channel.values
            ],
        }
        for kind in kinds
    ]
    return render(
        request,
        "notify/preferences.html",
        {
            "nav": "notifications",
            "rows": rows,
            "channels": Channel.choices,
            "errors": errors,
            "has_email": bool(user.email),
            "has_phone": bool(user.phone),
            "devices": PushSubscription.objects.filter(user=user).count(),
            "vapid_public_key": settings.PAKN_VAPID_PUBLIC_KEY,
        },
        status=400 if errors else 200,
    )


@staff_login
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """The browser's PushSubscription.toJSON(): {endpoint, keys: {p256dh, auth}}."""
    data = json_object(request)
    raw_keys = data.get("keys")
    keys: dict[str, Any] = raw_keys if isinstance(raw_keys, dict) else {}
    try:
        services.push_subscribe(
            user=request.user,  # type: ignore[arg-type]
            endpoint=str(data.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as e:
        return JsonResponse({"ok": False, "errors": e.messages}, status=400)
    return JsonResponse({"ok": True}, status=201)


@staff_login
@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    endpoint = str(json_object(request).get("endpoint") or "")
    deleted = services.push_unsubscribe(user=request.user, endpoint=endpoint)  # type: ignore[arg-type]
    return JsonResponse({"ok": True, "deleted": deleted})
