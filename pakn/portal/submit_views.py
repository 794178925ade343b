"""Submitting a report (R-5, R-7.1): the form, the answer once sent (also to the offline queue), the nearby
duplicates and the commune under the pin.

Writes go through pakn.portal.services (which calls pakn.reports.services and pakn.reports.media)."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pakn.core.quotas import quota_wait
from pakn.core.ratelimit import client_ip
from pakn.org.boundaries import commune_at
from pakn.portal import selectors
from pakn.portal.forms import ReportForm
from pakn.portal.labels import state_label
from pakn.portal.services import (
    SentReport,
    portal_report_submit,
    stash_add,
    stash_discard,
    stashed_for,
    submission_replay,
)
from pakn.portal.view_helpers import (
    add_errors,
    check_uploads,
    link_not_found,
    media_limits,
    minutes_text,
    translate_errors,
    wants_json,
)
from pakn.reports.validators import normalize_phone

SENT_SESSION_KEY = "portal_sent"


SENDER_COOKIE = "pakn_sender"


def _rate_refusal(request: HttpRequest, *, phone: str = "") -> int:
    """Seconds to wait when a submission from this address (or for this phone) is over its limit, else 0."""
    wait = quota_wait("portal-submit-address", client_ip(request))
    if wait or not phone:
        return wait
    with contextlib.suppress(ValidationError):  # counted as typed when it is not a valid number
        phone = normalize_phone(phone)
    return quota_wait("portal-submit-phone", phone)


def _form_context(
    form: ReportForm, key: uuid.UUID, *, upload_errors: list[str] | None = None, refusal: str = ""
) -> dict[str, Any]:
    stashed = stashed_for(key)
    return {
        "nav": "submit",
        "form": form,
        "form_key": key,
        "stashed": stashed,
        "upload_errors": upload_errors or [],
        "refusal": refusal,
        "max_attachments": settings.PAKN_MAX_ATTACHMENTS,
        "media_limits_mb": settings.PAKN_MEDIA_LIMITS_MB,
        "media_limits": media_limits(),
        "nearby": _nearby_for(form) if form.is_bound else [],
    }


def _nearby_for(form: ReportForm) -> list[selectors.Nearby]:
    data = getattr(form, "cleaned_data", {})
    category = data.get("category")
    if category is None:
        return []
    return selectors.nearby_similar_reports(
        category=category,
        area=data.get("area"),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        now=timezone.now(),
    )


def _sender(request: HttpRequest) -> str:
    """This browser's random sender cookie (set with the form), which binds a submission key to it."""
    value = request.COOKIES.get(SENDER_COOKIE, "")
    return value if 20 <= len(value) <= 64 else ""


def _with_sender_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not _sender(request):
        response.set_cookie(
            SENDER_COOKIE,
            secrets.token_urlsafe(32),
            max_age=365 * 24 * 3600,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


def _sent_response(request: HttpRequest, sent: SentReport) -> HttpResponse:
    """The answer to a submission (first time or a retry): JSON for the offline queue, else a redirect.

    A retry from another browser (the key leaked, e.g. from the "sent" page's address in a history) has no
    secret in `sent`: it gets the tracking code only, and the key is not added to its session.
    """
    report = sent.report
    key = report.portal_submission.key  # type: ignore[attr-defined]
    if not sent.same_sender:
        public_url = request.build_absolute_uri(reverse("portal:detail", args=[report.tracking_code]))
        if wants_json(request):
            return JsonResponse(
                {"created": False, "tracking_code": report.tracking_code, "public_url": public_url}
            )
        return redirect("portal:detail", code=report.tracking_code)
    seen = [k for k in request.session.get(SENT_SESSION_KEY, []) if k != str(key)]
    request.session[SENT_SESSION_KEY] = [*seen[-19:], str(key)]
    if wants_json(request):
        return JsonResponse(
            {
                "created": sent.created,
                "tracking_code": report.tracking_code,
                "follow_up_url": request.build_absolute_uri(reverse("portal:follow_up", args=[sent.secret]))
                if sent.secret
                else "",
                "public_url": request.build_absolute_uri(
                    reverse("portal:detail", args=[report.tracking_code])
                ),
                "sent_url": reverse("portal:sent", args=[key]),
                "due_at": timezone.localtime(report.due_at).isoformat() if report.due_at else None,
            },
            status=201 if sent.created else 200,
        )
    return redirect("portal:sent", key=key)


def _json_refusal(form: ReportForm, upload_errors: list[str], status: int, message: str = "") -> JsonResponse:
    errors: dict[str, list[str]] = {f: [str(m) for m in msgs] for f, msgs in form.errors.items()}
    if upload_errors:
        errors["attachments"] = upload_errors
    return JsonResponse({"errors": errors, "message": message}, status=status)


def _too_many_response(
    request: HttpRequest, form: ReportForm, key: uuid.UUID, wait: int, *, files_dropped: bool
) -> HttpResponse:
    """429 when this address or phone sent too many reports: the form comes back as typed (JSON: the message)."""
    message = _(
        "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau %(wait)s. "
        "Những gì bạn đã nhập vẫn được giữ nguyên bên dưới."
    ) % {"wait": minutes_text(wait)}
    if wants_json(request):
        response: HttpResponse = _json_refusal(form, [], 429, message)
    else:
        if files_dropped:
            message += " " + _("Các tệp vừa chọn chưa được lưu; vui lòng chọn lại khi gửi.")
        response = render(
            request, "portal/submit.html", _form_context(form, key, refusal=message), status=429
        )
    response["Retry-After"] = str(wait)
    return response


def _form_again(
    request: HttpRequest, form: ReportForm, key: uuid.UUID, keep: list[UploadedFile], upload_errors: list[str]
) -> HttpResponse:
    """The form back with its errors (400); the good files just chosen are stashed so they need not be chosen
    again."""
    for upload in keep:
        try:
            stash_add(form_key=key, upload=upload)
        except ValidationError as e:
            upload_errors.extend(translate_errors(e).get("attachments", []))
    return render(
        request, "portal/submit.html", _form_context(form, key, upload_errors=upload_errors), status=400
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """R-7.1: the report form. A bad field or file sends the form back with everything kept."""
    if request.method == "GET":
        key = uuid.uuid4()
        form = ReportForm(initial={"submission_key": key})
        return _with_sender_cookie(request, render(request, "portal/submit.html", _form_context(form, key)))

    try:
        key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        key = uuid.uuid4()
    data = request.POST.copy()
    data["submission_key"] = str(key)
    form = ReportForm(data)
    sender = None if str(key) in request.session.get(SENT_SESSION_KEY, []) else _sender(request)
    if (replay := submission_replay(key, sender=sender)) is not None:
        return _sent_response(request, replay)

    removed = [int(x) for x in request.POST.getlist("remove_stash") if x.isdigit()]
    if removed:
        stash_discard(form_key=key, ids=removed)
    stashed = stashed_for(key)
    uploads = request.FILES.getlist("attachments")
    accepted, upload_errors = check_uploads(uploads)
    form_ok = form.is_valid()
    too_many = len(stashed) + len(accepted) > settings.PAKN_MAX_ATTACHMENTS

    wait = _rate_refusal(request, phone=form.cleaned_data.get("reporter_phone", "") if form_ok else "")
    if wait:
        return _too_many_response(request, form, key, wait, files_dropped=bool(accepted))

    if too_many:
        upload_errors.append(
            _("Mỗi phản ánh đính kèm tối đa %(n)d tệp; vui lòng bỏ bớt.")
            % {"n": settings.PAKN_MAX_ATTACHMENTS}
        )
    if form_ok and not upload_errors:
        try:
            sent = portal_report_submit(
                key=key,
                fields=form.service_fields(),
                uploads=accepted,
                stashed=stashed,
                sender=_sender(request),
            )
        except ValidationError as e:
            add_errors(form, e, upload_errors)
        else:
            return _sent_response(request, sent)

    if wants_json(request):
        return _json_refusal(form, upload_errors, 400)
    keep = accepted if not too_many else accepted[: max(0, settings.PAKN_MAX_ATTACHMENTS - len(stashed))]
    return _form_again(request, form, key, keep, upload_errors)


@never_cache
@require_GET
def sent(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """After sending: the tracking code, the private link and what happens next (only in the sending browser)."""
    mine = str(key) in request.session.get(SENT_SESSION_KEY, [])
    replay = submission_replay(key, sender=None) if mine else None
    if replay is None:
        return link_not_found(request)
    report = replay.report
    follow_up_url = (
        request.build_absolute_uri(reverse("portal:follow_up", args=[replay.secret])) if replay.secret else ""
    )
    response = render(
        request,
        "portal/sent.html",
        {
            "nav": "submit",
            "report": report,
            "follow_up_url": follow_up_url,
            "public_url": request.build_absolute_uri(reverse("portal:detail", args=[report.tracking_code])),
            "state_label": state_label(report.state),
        },
    )
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """«Is it one of these?»: reports of the same category nearby, open or resolved in the last 30 days."""
    form = ReportForm(request.GET)
    form.is_valid()  # only the place and category fields matter here
    nearby = _nearby_for(form)
    return render(request, "portal/partials/duplicates.html", {"nearby": nearby, "asked": True})


@require_GET
def commune_suggest(request: HttpRequest) -> JsonResponse:
    """The commune whose imported boundary covers the pin, or nothing (no boundaries: nothing is guessed)."""
    try:
        lat = float(request.GET.get("lat", "").replace(",", "."))
        lng = float(request.GET.get("lng", "").replace(",", "."))
    except ValueError:
        return JsonResponse({"area": None}, status=400)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return JsonResponse({"area": None}, status=400)
    area = commune_at(lat, lng)
    if area is None:
        return JsonResponse({"area": None})
    return JsonResponse({"area": area.pk, "name": area.name})
