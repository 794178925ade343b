"""Views of the citizen portal (R-5, R-7.1, R-8) and of the public transparency pages (R-9.2).

Writes go through pakn.portal.services (which calls pakn.reports.services and pakn.reports.media); public
pages read only through the core's public queryset (pakn.reports.public) and pakn.portal.selectors on it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import secrets
import uuid
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import Image

from pakn.core import province
from pakn.core.paging import CappedPaginator
from pakn.core.ratelimit import client_ip, rate_count, rate_hit
from pakn.org.boundaries import commune_at
from pakn.portal import selectors
from pakn.portal.follow_views import follow_context
from pakn.portal.forms import LookupForm, PublicFilterForm, ReporterActionForm, ReportForm, SupplementForm
from pakn.portal.labels import (
    ACTION_LABELS,
    OTHER_ACTION,
    RATING_LABELS,
    REPORTER_ACTIONS,
    STATE_TONES,
    STEP_LABELS,
    state_label,
)
from pakn.portal.services import (
    SentReport,
    portal_report_submit,
    stash_add,
    stash_discard,
    stashed_for,
    submission_replay,
)
from pakn.reports import services as report_services
from pakn.reports.actions import allowed_actions
from pakn.reports.freshness import cached_public_response
from pakn.reports.media import THUMBNAIL_SIDES, attachment_add, check_upload, size_limit, thumbnail_name
from pakn.reports.models import Attachment, Event, Report
from pakn.reports.public import public_queryset
from pakn.reports.selectors import events_for_reporter, public_events, public_report, reporter_note
from pakn.reports.services import normalize_tracking_code, report_for_secret
from pakn.reports.validators import normalize_phone
from pakn.reports.workflow import ReporterActor, WorkflowError

SENT_SESSION_KEY = "portal_sent"
SENDER_COOKIE = "pakn_sender"
R = TypeVar("R", bound=HttpResponseBase)
THUMB_SIDES = {"nho": 480, "mini": 160}  # the size in the photo's address → the longest side (pixels)
assert set(THUMB_SIDES.values()) == set(THUMBNAIL_SIDES), "redact_photo deletes every size"


# --- Helpers ---------------------------------------------------------------------------------------------


def vietnamese_unless_chosen(view: Any) -> Any:
    """The portal speaks Vietnamese unless the person chose English with the switch (the language cookie).

    A browser's Accept-Language is not enough: many citizens' phones are set to English.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE  # type: ignore[attr-defined]
        response: HttpResponseBase = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie"])  # the language depends on the cookie
        return response

    return wrapper


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _translate_errors(error: ValidationError) -> dict[str, list[str]]:
    """A core ValidationError as {field: [messages]}, each message translated when the catalog knows it."""
    if hasattr(error, "error_dict"):
        return {field: [_(m) for m in msgs] for field, msgs in error.message_dict.items()}
    return {"__all__": [_(m) for m in error.messages]}


def _add_errors(form: Any, error: ValidationError, upload_errors: list[str]) -> None:
    for field, msgs in _translate_errors(error).items():
        if field == "attachments":
            upload_errors.extend(msgs)
        elif field in form.fields:
            for m in msgs:
                form.add_error(field, m)
        else:
            for m in msgs:
                form.add_error(None, m)


def _check_uploads(files: list[UploadedFile]) -> tuple[list[UploadedFile], list[str]]:
    """Files that pass pakn.reports.media's checks (type from the bytes, size) and the errors of the others."""
    accepted, errors = [], []
    for f in files:
        try:
            check_upload(f)
            accepted.append(f)
        except ValidationError as e:
            errors.extend(_translate_errors(e).get("attachments", e.messages))
    return accepted, errors


def _media_limits() -> dict[str, int]:
    return {kind: size_limit(kind) for kind in settings.PAKN_MEDIA_LIMITS_MB}


def _rate_refusal(request: HttpRequest, *, phone: str = "") -> int:
    """Seconds to wait when a submission from this address (or for this phone) is over its limit, else 0."""
    by_address = rate_hit(
        "portal-submit-address",
        client_ip(request),
        limit=settings.PAKN_PORTAL_SUBMITS_PER_ADDRESS_HOUR,
        window_seconds=3600,
    )
    if not by_address.allowed:
        return by_address.retry_after
    if phone:
        with contextlib.suppress(ValidationError):  # counted as typed when it is not a valid number
            phone = normalize_phone(phone)
        by_phone = rate_hit(
            "portal-submit-phone",
            phone,
            limit=settings.PAKN_PORTAL_SUBMITS_PER_PHONE_DAY,
            window_seconds=86400,
        )
        if not by_phone.allowed:
            return by_phone.retry_after
    return 0


def _minutes_text(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    if minutes < 60:
        return _("%(n)d phút") % {"n": minutes}
    hours = (minutes + 59) // 60
    return _("%(n)d giờ") % {"n": hours}


# --- Home and static pages ------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What to do, the big button, look-up by code and the public summary (R-9.2)."""
    now = timezone.now()
    latest = list(public_queryset().order_by("-created_at", "-pk")[:5])
    return render(
        request,
        "portal/home.html",
        {
            "nav": "home",
            "summary": selectors.public_summary(now=now),
            "latest": selectors.public_page_items(latest, now=now),
            "lookup_form": LookupForm(),
            "year": timezone.localtime(now).year,
        },
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html", {"nav": "", "owner": province.site_owner()})


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/offline.html", {"nav": ""})


# --- Submitting (R-5, R-7.1) ----------------------------------------------------------------------------


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
        "media_limits": _media_limits(),
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
        if _wants_json(request):
            return JsonResponse(
                {"created": False, "tracking_code": report.tracking_code, "public_url": public_url}
            )
        return redirect("portal:detail", code=report.tracking_code)
    seen = [k for k in request.session.get(SENT_SESSION_KEY, []) if k != str(key)]
    request.session[SENT_SESSION_KEY] = [*seen[-19:], str(key)]
    if _wants_json(request):
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
    accepted, upload_errors = _check_uploads(uploads)
    form_ok = form.is_valid()
    too_many = len(stashed) + len(accepted) > settings.PAKN_MAX_ATTACHMENTS

    wait = _rate_refusal(request, phone=form.cleaned_data.get("reporter_phone", "") if form_ok else "")
    if wait:
        message = _(
            "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau %(wait)s. "
            "Những gì bạn đã nhập vẫn được giữ nguyên bên dưới."
        ) % {"wait": _minutes_text(wait)}
        if _wants_json(request):
            response: HttpResponse = _json_refusal(form, [], 429, message)
        else:
            if accepted:
                message += " " + _("Các tệp vừa chọn chưa được lưu; vui lòng chọn lại khi gửi.")
            response = render(
                request, "portal/submit.html", _form_context(form, key, refusal=message), status=429
            )
        response["Retry-After"] = str(wait)
        return response

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
            _add_errors(form, e, upload_errors)
        else:
            return _sent_response(request, sent)

    if _wants_json(request):
        return _json_refusal(form, upload_errors, 400)
    keep = accepted if not too_many else accepted[: max(0, settings.PAKN_MAX_ATTACHMENTS - len(stashed))]
    for upload in keep:
        try:
            stash_add(form_key=key, upload=upload)
        except ValidationError as e:
            upload_errors.extend(_translate_errors(e).get("attachments", []))
    return render(
        request, "portal/submit.html", _form_context(form, key, upload_errors=upload_errors), status=400
    )


@never_cache
@require_GET
def sent(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """After sending: the tracking code, the private link and what happens next (only in the sending browser)."""
    mine = str(key) in request.session.get(SENT_SESSION_KEY, [])
    replay = submission_replay(key, sender=None) if mine else None
    if replay is None:
        return _link_not_found(request)
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


# --- Look-up and the private follow-up (R-7.2b, R-8) --------------------------------------------------------


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Anyone can look a report up by its tracking code and sees its public page."""
    if "ma" not in request.GET:
        return render(request, "portal/lookup.html", {"nav": "lookup", "form": LookupForm()})
    form = LookupForm(request.GET)
    status = 200
    if form.is_valid():
        decision = rate_hit(
            "portal-lookup",
            client_ip(request),
            limit=settings.PAKN_PORTAL_LOOKUPS_PER_ADDRESS,
            window_seconds=600,
        )
        if not decision.allowed:
            form.add_error(
                "ma",
                _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(wait)s.")
                % {"wait": _minutes_text(decision.retry_after)},
            )
            response = render(request, "portal/lookup.html", {"nav": "lookup", "form": form}, status=429)
            response["Retry-After"] = str(decision.retry_after)
            return response
        code = normalize_tracking_code(form.cleaned_data["ma"])
        if public_queryset().filter(tracking_code=code).exists():
            return redirect("portal:detail", code=code)
        form.add_error(
            "ma", _("Không tìm thấy phản ánh có mã «%(code)s». Vui lòng kiểm tra lại mã.") % {"code": code}
        )
        status = 404
    else:
        status = 400
    return render(request, "portal/lookup.html", {"nav": "lookup", "form": form}, status=status)


class LinkNotFound(Exception):
    """A private link that matches no report."""


def _reporter_report(secret: str) -> Report:
    report = report_for_secret(secret) if 20 <= len(secret) <= 64 else None
    if report is None:
        raise LinkNotFound
    return report


def _link_not_found(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "portal/link_not_found.html", {"nav": ""}, status=404))


def reporter_view(view: Any) -> Any:
    """A view of the private link: a wrong link gets a page that says so (404), not a bare error."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, secret: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, secret, *args, **kwargs)  # type: ignore[no-any-return]
        except LinkNotFound:
            return _link_not_found(request)

    return wrapper


def _private(response: R) -> R:
    """The private link's pages: never cached, never indexed, and their address (which holds the secret) never
    sent as a referrer to another site such as a tile server. «same-origin», not «no-referrer»: the latter makes
    browsers send «Origin: null» on the page's own forms, which CSRF protection rightly refuses."""
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _timeline(events: list[Any]) -> list[dict[str, Any]]:
    """Timeline rows from Events (the reporter's view) or PublicEvents (whose notes are already public-only)."""
    rows = []
    for e in events:
        agency = e.agency if isinstance(e.agency, str) else (e.agency.name if e.agency else "")
        by_reporter = e.action in REPORTER_ACTIONS
        # A deadline is shown, with "on time" or "late", only when Decision 826 sets it (a target is internal).
        statutory = getattr(e, "statutory", True) is True  # PublicEvents carry statutory deadlines only
        rows.append(
            {
                "at": e.at,
                "action": e.action,
                "label": ACTION_LABELS.get(e.action, OTHER_ACTION),
                # Who acted: the reporter for the reporter's own actions (a rating is the reporter's, of the
                # agency's result), otherwise the agency.
                "agency": "" if by_reporter else agency,
                "about": agency if e.action == "rate" else "",
                "target_agency": e.target_agency
                if isinstance(e.target_agency, str)
                else (e.target_agency.name if e.target_agency else ""),
                "to_state": e.to_state,
                # The reporter's view reads each note as the reporter may (never a staff note, issue 14).
                "note": reporter_note(e) if isinstance(e, Event) else e.note,
                "step": STEP_LABELS.get(e.step, "") if e.step and statutory else "",
                "step_due_at": e.step_due_at if statutory else None,
                "on_time": e.on_time if statutory else None,
                "is_reporter": by_reporter or getattr(e, "actor_kind", "") == Event.ActorKind.REPORTER,
            }
        )
    return rows


def _follow_up_context(request: HttpRequest, report: Report, secret: str, **forms: Any) -> dict[str, Any]:
    now = timezone.now()
    events = list(events_for_reporter(report).order_by("seq"))
    request_note = next((e.note for e in reversed(events) if e.action == "request_info"), "")
    seconds_left = int((report.due_at - now).total_seconds()) if report.due_at else 0
    own_files = list(Attachment.objects.filter(report=report, uploaded_by_reporter=True))
    photos = selectors.public_photos(report) if not (report.is_abusive or report.is_state_secret) else None
    return {
        "nav": "",
        "report": report,
        "secret": secret,
        "state_label": state_label(report.state),
        "tone": STATE_TONES.get(report.state, "new"),
        "timeline": _timeline(events),
        "thread": [e for e in _timeline(events) if e["action"] in ("reply", "clarify") and e["note"]],
        "request_note": request_note,
        "seconds_left": seconds_left,
        "time_left": _minutes_text(seconds_left) if seconds_left > 0 else "",
        "own_files": own_files,
        "result_photos": photos.result if photos else [],
        "has_personal": {
            _("Họ và tên"): bool(report.reporter_name),
            _("Địa chỉ liên hệ"): bool(report.reporter_address),
            _("Số điện thoại"): bool(report.reporter_phone),
            _("Số định danh cá nhân / CCCD"): bool(report.reporter_id_number),
        },
        "rating_label": RATING_LABELS.get(report.rating, ""),
        "supplement_form": forms.get("supplement_form") or SupplementForm(),
        "reply_form": forms.get("reply_form") or ReporterActionForm(action="reply", report=report),
        "rating_form": forms.get("rating_form") or ReporterActionForm(action="rate", report=report),
        # Exactly what the reporter may do now (the page shows these forms and no other).
        "actions": {spec.action for spec in allowed_actions(report, ReporterActor(report.pk), now=now)},
        "upload_errors": forms.get("upload_errors", []),
        "action_error": forms.get("action_error", ""),
        "max_attachments": settings.PAKN_MAX_ATTACHMENTS,
        "media_limits": _media_limits(),
    }


@require_GET
@reporter_view
def follow_up(request: HttpRequest, secret: str) -> HttpResponse:
    """The reporter's private page: his report, its whole timeline, and what he can do now."""
    report = _reporter_report(secret)
    return _private(render(request, "portal/follow_up.html", _follow_up_context(request, report, secret)))


def _follow_up_error(
    request: HttpRequest, report: Report, secret: str, status: int = 400, **forms: Any
) -> HttpResponse:
    return _private(
        render(
            request,
            "portal/follow_up.html",
            _follow_up_context(request, report, secret, **forms),
            status=status,
        )
    )


@require_POST
@reporter_view
def follow_up_supplement(request: HttpRequest, secret: str) -> HttpResponse:
    """R-7.2b: the reporter supplements a report the IOC found incomplete, with files if he has them."""
    report = _reporter_report(secret)
    form = SupplementForm(request.POST)
    uploads = request.FILES.getlist("attachments")
    accepted, upload_errors = _check_uploads(uploads)
    existing = Attachment.objects.filter(report=report).count()
    if existing + len(accepted) > settings.PAKN_MAX_ATTACHMENTS:
        upload_errors.append(
            _("Mỗi phản ánh đính kèm tối đa %(n)d tệp; phản ánh này còn thêm được %(left)d tệp.")
            % {"n": settings.PAKN_MAX_ATTACHMENTS, "left": max(0, settings.PAKN_MAX_ATTACHMENTS - existing)}
        )
    if not form.is_valid() or upload_errors:
        return _follow_up_error(request, report, secret, supplement_form=form, upload_errors=upload_errors)
    fields = form.service_fields()
    note = form.cleaned_data.get("note", "")
    if not fields and not note.strip() and not accepted:
        form.add_error("note", _("Vui lòng nhập thông tin bổ sung."))
        return _follow_up_error(request, report, secret, supplement_form=form)
    if not fields and not note.strip():
        note = "Bổ sung tệp đính kèm."  # stored on the timeline: always Vietnamese
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            event = report_services.report_supplement(
                report=report, actor=ReporterActor(report.pk), note=note, **fields
            )
            for upload in accepted:
                stored.append(attachment_add(report=report, upload=upload, by_reporter=True, event=event))
    except ValidationError as e:
        _delete_files(stored)
        _add_errors(form, e, upload_errors)
        return _follow_up_error(request, report, secret, supplement_form=form, upload_errors=upload_errors)
    except WorkflowError as e:
        _delete_files(stored)
        return _follow_up_error(
            request, report, secret, status=409, supplement_form=form, action_error=_(e.message)
        )
    messages.success(request, _("Đã gửi thông tin bổ sung. Trung tâm IOC sẽ kiểm tra lại phản ánh của bạn."))
    return _private(HttpResponseRedirect(reverse("portal:follow_up", args=[secret])))


def _delete_files(attachments: list[Attachment]) -> None:
    from pakn.portal.services import _delete_stored

    _delete_stored(attachments)


# The reporter's actions besides the supplement (which carries files): the form's name on the page, the
# message once done and where the page returns to. Their inputs and rules are their specs'.
REPORTER_FORMS: dict[str, tuple[str, Any, str]] = {
    "reply": (
        "reply_form",
        gettext_lazy("Đã gửi đề nghị làm rõ. Cơ quan xử lý sẽ trả lời tại trang này."),
        "#trao-doi",
    ),
    "rate": ("rating_form", gettext_lazy("Cảm ơn bạn đã đánh giá kết quả xử lý."), "#danh-gia"),
}


def _reporter_action(action: str) -> Any:
    """The view of one reporter action on the private page, from its spec: check, act, return."""
    form_name, done, anchor = REPORTER_FORMS[action]

    @require_POST
    @reporter_view
    def view(request: HttpRequest, secret: str) -> HttpResponse:
        report = _reporter_report(secret)
        form = ReporterActionForm(request.POST, action=action, report=report)
        shown: dict[str, Any] = {form_name: form}
        if not form.is_valid():
            return _follow_up_error(request, report, secret, **shown)
        try:
            report_services.report_act(
                report=report, action=action, actor=ReporterActor(report.pk), **form.params()
            )
        except ValidationError as e:
            _add_errors(form, e, [])
            return _follow_up_error(request, report, secret, **shown)
        except WorkflowError as e:
            return _follow_up_error(request, report, secret, status=409, action_error=_(e.message), **shown)
        messages.success(request, str(done))
        return _private(HttpResponseRedirect(reverse("portal:follow_up", args=[secret]) + anchor))

    view.__name__ = view.__qualname__ = f"follow_up_{action}"
    return view


follow_up_reply = _reporter_action("reply")  # ask the agency to clarify its result
follow_up_rate = _reporter_action("rate")  # rate the result


@require_GET
@reporter_view
def follow_up_photo(request: HttpRequest, secret: str, pk: int) -> HttpResponseBase:
    """The reporter's own photo, as its EXIF-free copy (the original stays with the staff)."""
    report = _reporter_report(secret)
    attachment = Attachment.objects.filter(pk=pk, report=report, uploaded_by_reporter=True).first()
    if attachment is None or not attachment.public_file:
        raise Http404(_("Không tìm thấy ảnh."))
    return _private(_image_response(attachment, THUMB_SIDES["nho"], public_cache=False))


# --- Public transparency (R-9.2) -----------------------------------------------------------------------------


def _filters(form: PublicFilterForm) -> selectors.PublicFilters:
    """The valid filters of the query string; an unknown value (an old link) drops only its own filter."""
    form.is_valid()
    c = form.cleaned_data
    return selectors.PublicFilters(
        category=c.get("linh_vuc"),
        area=c.get("xa"),
        status=c.get("trang_thai") or "",
        period=c.get("thoi_gian") or "",
        text=c.get("q") or "",
    )


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Every public report, newest first, with filters and pages."""
    now = timezone.now()
    form = PublicFilterForm(request.GET)
    filters = _filters(form)
    paginator = CappedPaginator(selectors.filtered_reports(filters, now=now), selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "nav": "list",
        "form": form,
        "filters": filters,
        "page": page,
        "items": selectors.public_page_items(list(page.object_list), now=now),
        "query": query.urlencode(),
    }
    template = "portal/partials/report_list.html" if request.htmx else "portal/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET)
    return render(
        request,
        "portal/map.html",
        {
            "nav": "map",
            "form": form,
            "filters": _filters(form),
            "data_url": reverse("portal:map_data") + "?" + request.GET.urlencode(),
        },
    )


@require_GET
@gzip_page
@cache_control(public=True, max_age=60)
def map_data(request: HttpRequest) -> HttpResponse:
    """Markers of public reports: code, place, category, state, a redacted summary. No personal data."""

    def build() -> HttpResponse:
        form = PublicFilterForm(request.GET)
        data = selectors.map_points(_filters(form), now=timezone.now())
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    return cached_public_response(request, namespace="portal:map", build=build)


@require_GET
def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One report's public page: its public timeline, deadlines met or missed, the result and its photos."""
    now = timezone.now()
    address = client_ip(request)
    pages = rate_hit(
        "portal-detail", address, limit=settings.PAKN_PORTAL_DETAILS_PER_ADDRESS, window_seconds=600
    )
    lookups = settings.PAKN_PORTAL_LOOKUPS_PER_ADDRESS
    if not pages.allowed or rate_count("portal-lookup", address, window_seconds=600) >= lookups:
        response = render(
            request,
            "portal/lookup.html",
            {
                "nav": "lookup",
                "form": LookupForm(),
                "refusal": _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút."),
            },
            status=429,
        )
        response["Retry-After"] = str(pages.retry_after or 600)
        return response
    try:
        report = selectors.public_report_by_code(code)
    except Http404:
        rate_hit("portal-lookup", address, limit=lookups, window_seconds=600)  # trying codes is a look-up
        return render(request, "portal/not_found.html", {"nav": "", "code": code}, status=404)
    pr = public_report(report, now=now)
    photos = selectors.public_photos(report)
    return render(
        request,
        "portal/detail.html",
        {
            "nav": "list",
            "report": pr,
            "tone": STATE_TONES.get(pr.state, "new"),
            "state_label": state_label(pr.state),
            "current_step": STEP_LABELS.get(report.step, "") if report.step and report.is_open else "",
            "timeline": _timeline(public_events(report)),
            "scene_photos": photos.scene,
            "result_photos": photos.result,
            "rating_label": RATING_LABELS.get(pr.rating, ""),
            "is_open": report.is_open,
            **follow_context(request, report),  # «Tôi cũng gặp» and following (issue 14, item 9)
        },
    )


def _image_response(attachment: Attachment, side: int | None, *, public_cache: bool = True) -> FileResponse:
    """An EXIF-free image: the public copy, or a smaller copy of it made once, on first request, and kept
    (named after the public copy, so a moderator's replacement gets new thumbnails)."""
    name = attachment.public_file.name
    if side is not None:
        thumb_name = thumbnail_name(attachment, side)
        if not default_storage.exists(thumb_name):
            with attachment.public_file.open("rb") as f, Image.open(f) as img:
                small = img.convert("RGB")
                small.thumbnail((side, side))
                out = io.BytesIO()
                small.save(out, format="JPEG", quality=80, optimize=True)
            saved = default_storage.save(thumb_name, ContentFile(out.getvalue()))
            if saved != thumb_name:  # made at the same moment by another request: keep one copy
                default_storage.delete(saved)
        name = thumb_name
    response = FileResponse(default_storage.open(str(name), "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400" if public_cache else "private, no-store"
    response["Content-Disposition"] = (
        f'inline; filename="{attachment.report.tracking_code}-{attachment.pk}.jpg"'
    )
    return response


@require_GET
def public_photo(request: HttpRequest, code: str, pk: int, size: str = "") -> FileResponse:
    """A public photo (EXIF-free copy) of a public report; never the original, never MEDIA_ROOT directly."""
    if size and size not in THUMB_SIDES:
        raise Http404(_("Không tìm thấy ảnh."))
    attachment = selectors.public_attachment(code, pk)
    return _image_response(attachment, THUMB_SIDES[size] if size else None)


# --- As an app (R-6.2) ---------------------------------------------------------------------------------------

ICON_SIZES = (192, 512)


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": province.site_name(),
        "short_name": province.site_short_name(),
        "description": _("Gửi phản ánh, kiến nghị và theo dõi kết quả xử lý."),
        "lang": "vi",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#a3161b",
        "icons": [
            *(
                {"src": static(f"portal/icons/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png"}
                for n in ICON_SIZES
            ),
            {
                "src": static("portal/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [
            {"name": _("Gửi phản ánh"), "url": reverse("portal:submit")},
            {"name": _("Tra cứu"), "url": reverse("portal:lookup")},
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/manifest+json; charset=utf-8",
    )


# The pages and files kept on the phone so the form opens and a report can be written without a connection.
SHELL_PAGES = ("portal:offline", "portal:submit")
SHELL_STATIC = (
    "portal/portal.css",
    "portal/portal.js",
    "portal/outbox.js",
    "portal/form.js",
    "portal/icons/icon-192.png",
    "vendor/htmx/htmx.min.js",
)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from / so that its scope is the whole portal."""
    shell = [reverse(name) for name in SHELL_PAGES] + [static(path) for path in SHELL_STATIC]
    body: str = render_to_string(
        "portal/sw.js", {"shell_json": json.dumps(shell), "outbox_url": static("portal/outbox.js")}
    )
    version = uuid.uuid5(uuid.NAMESPACE_URL, body).hex[:12]
    body = body.replace("__VERSION__", version)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
