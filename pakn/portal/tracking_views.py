"""The reporter's private follow-up page (R-7.2b, R-8): the timeline, the supplement, the reporter's actions
from their specs, and his own photos."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pakn.portal import selectors
from pakn.portal.forms import ReporterActionForm, SupplementForm
from pakn.portal.labels import RATING_LABELS, STATE_TONES, state_label
from pakn.portal.view_helpers import (
    THUMB_SIDES,
    add_errors,
    check_uploads,
    image_response,
    link_not_found,
    media_limits,
    minutes_text,
    private,
    timeline,
)
from pakn.reports import services as report_services
from pakn.reports.actions import allowed_actions
from pakn.reports.media import attachment_add
from pakn.reports.models import Attachment, Report
from pakn.reports.selectors import events_for_reporter
from pakn.reports.services import report_for_secret
from pakn.reports.workflow import ReporterActor, WorkflowError


class LinkNotFound(Exception):
    """A private link that matches no report."""


def _reporter_report(secret: str) -> Report:
    report = report_for_secret(secret) if 20 <= len(secret) <= 64 else None
    if report is None:
        raise LinkNotFound
    return report


def reporter_view(view: Any) -> Any:
    """A view of the private link: a wrong link gets a page that says so (404), not a bare error."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, secret: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, secret, *args, **kwargs)  # type: ignore[no-any-return]
        except LinkNotFound:
            return link_not_found(request)

    return wrapper


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
        "timeline": timeline(events),
        "thread": [e for e in timeline(events) if e["action"] in ("reply", "clarify") and e["note"]],
        "request_note": request_note,
        "seconds_left": seconds_left,
        "time_left": minutes_text(seconds_left) if seconds_left > 0 else "",
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
        "media_limits": media_limits(),
    }


@require_GET
@reporter_view
def follow_up(request: HttpRequest, secret: str) -> HttpResponse:
    """The reporter's private page: his report, its whole timeline, and what he can do now."""
    report = _reporter_report(secret)
    return private(render(request, "portal/follow_up.html", _follow_up_context(request, report, secret)))


def _follow_up_error(
    request: HttpRequest, report: Report, secret: str, status: int = 400, **forms: Any
) -> HttpResponse:
    return private(
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
    accepted, upload_errors = check_uploads(uploads)
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
        add_errors(form, e, upload_errors)
        return _follow_up_error(request, report, secret, supplement_form=form, upload_errors=upload_errors)
    except WorkflowError as e:
        _delete_files(stored)
        return _follow_up_error(
            request, report, secret, status=409, supplement_form=form, action_error=_(e.message)
        )
    messages.success(request, _("Đã gửi thông tin bổ sung. Trung tâm IOC sẽ kiểm tra lại phản ánh của bạn."))
    return private(HttpResponseRedirect(reverse("portal:follow_up", args=[secret])))


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
            add_errors(form, e, [])
            return _follow_up_error(request, report, secret, **shown)
        except WorkflowError as e:
            return _follow_up_error(request, report, secret, status=409, action_error=_(e.message), **shown)
        messages.success(request, str(done))
        return private(HttpResponseRedirect(reverse("portal:follow_up", args=[secret]) + anchor))

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
    return private(image_response(attachment, THUMB_SIDES["nho"], public_cache=False))
