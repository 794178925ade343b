"""The officials' side of the API (R-6.3): device tokens, the inbox, a case, every workflow action, uploads.

Reads go through the scoped selectors (report_scope, report_get_for; the console's inbox), writes through
pakn.reports.services; a case lists the actions the workflow allows this user now, so an app shows only
valid buttons. Personal data only through GET …/reporter, to those who may see it, every view recorded.
"""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from pakn.api import schemas as s
from pakn.api.actions import by_code, register_actions
from pakn.api.common import (
    IDEMPOTENCY_PARAMETER,
    AddressRate,
    idempotent,
    staff_auth,
    staff_of,
    staff_scope,
)
from pakn.api.models import ApiToken
from pakn.api.problems import Problem, problem
from pakn.api.tokens import LoginFailed, token_issue, token_refusal, token_revoke
from pakn.core.links import absolute
from pakn.notify.follow import follower_count
from pakn.org.models import Agency, Area, Category, User
from pakn.org.selectors import forward_targets
from pakn.org.services import suggested_commune_agency
from pakn.reports import inbox as tabs
from pakn.reports import services
from pakn.reports.actions import SPECS, allowed_actions, check, label_of
from pakn.reports.checks import missing_information
from pakn.reports.countdown import Clock
from pakn.reports.duplicates import me_too_count
from pakn.reports.models import Attachment, Event, OpinionRequest, Report, State
from pakn.reports.public import attachment_is_public, public_media_path
from pakn.reports.selectors import (
    assignable_officers,
    can_see_personal_data,
    case_events,
    case_opinions,
    note_readers,
    redact_numbers,
    report_get_for,
    report_personal_data,
    report_scope,
    staff_file,
    staff_text,
)

auth_router = Router(tags=["Cán bộ: đăng nhập"])
router = Router(tags=["Cán bộ"], auth=staff_auth)

POST_EXTRA = {"parameters": [IDEMPOTENCY_PARAMETER]}
Role = User.Role


# --- Tokens per device (R-3.1) ----------------------------------------------------------------------------


def _has_totp(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _agency_ref(agency: Agency | None) -> dict[str, Any] | None:
    if agency is None:
        return None
    return {"id": agency.pk, "code": agency.code, "name": agency.name, "kind": agency.kind}


def _user_ref(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "full_name": user.get_full_name() or user.username, "role": user.role}


def _me(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name() or user.username,
        "role": user.role,
        "role_label": str(User.Role(user.role).label) if user.role else "",
        "agency": _agency_ref(user.agency),
        "is_focal": user.is_focal,
        "two_factor": _has_totp(user),
    }


def _login_scope(request: HttpRequest) -> str:
    return "login"


def _token_not_replayed(response: HttpResponse) -> HttpResponse:
    """A token is shown once: a replayed Idempotency-Key gets a refusal, never the token again."""
    return problem(
        409,
        "token_already_issued",
        "Yêu cầu với khóa Idempotency-Key này đã được cấp mã truy cập; mã chỉ hiển thị một lần. "
        "Hãy đăng nhập lại với khóa mới.",
    )


@auth_router.post(
    "/token",
    response={201: s.TokenIssuedOut, 401: Problem, 403: Problem, 409: Problem, 429: Problem},
    throttle=[AddressRate("login")],
    summary="Đăng nhập từ một thiết bị, nhận mã truy cập (theo Điều 3 Quy chế)",
    description=(
        "Username, password, a device name and, when the account has a confirmed TOTP device, the current "
        "code (403 `otp_required` without it). Repeated failures lock the account for a while (429 "
        "`login_locked`). The token is shown only in this response; it is stored hashed."
    ),
    openapi_extra=POST_EXTRA,
)
@idempotent(_login_scope, remember=_token_not_replayed)
def token_create(request: HttpRequest, payload: s.TokenIn) -> Any:
    try:
        issued = token_issue(
            request=request,
            username=payload.username,
            password=payload.password,
            device_name=payload.device_name,
            otp_code=payload.otp_code,
        )
    except LoginFailed as e:
        status = {
            "invalid_credentials": 401,
            "otp_invalid": 401,
            "login_locked": 429,
            "otp_throttled": 429,
        }.get(e.code, 403)
        headers = {"Retry-After": str(e.retry_after)} if e.retry_after else None
        return status, problem(status, e.code, e.message, headers=headers)
    user = issued.token.user
    token = issued.token
    return 201, s.TokenIssuedOut(
        id=token.pk,
        token=issued.raw,
        device_name=token.device_name,
        created_at=token.created_at,
        expires_at=token.expires_at,
        user=s.MeOut(**_me(user)),
    )


@auth_router.get("/me", response=s.MeOut, auth=staff_auth, summary="Tài khoản của mã truy cập này")
def me(request: HttpRequest) -> Any:
    return _me(staff_of(request))


def _token_out(token: ApiToken, request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "api_token", None)
    return {
        "id": token.pk,
        "device_name": token.device_name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "current": current is not None and current.pk == token.pk,
    }


@auth_router.get("/tokens", response=list[s.TokenOut], auth=staff_auth, summary="Các thiết bị đang đăng nhập")
def tokens(request: HttpRequest) -> Any:
    user = staff_of(request)
    active = ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("user", "otp_device")
    return [_token_out(t, request) for t in active.order_by("-created_at") if not token_refusal(t)]


@auth_router.delete(
    "/tokens/{token_id}",
    response={204: None},
    auth=staff_auth,
    summary="Thu hồi mã truy cập của một thiết bị",
)
def token_delete(request: HttpRequest, token_id: int) -> Any:
    user = staff_of(request)
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    token_revoke(token=token, actor=user)
    return HttpResponse(status=204)


@auth_router.delete("/token", response={204: None}, auth=staff_auth, summary="Đăng xuất thiết bị này")
def token_delete_current(request: HttpRequest) -> Any:
    token_revoke(token=request.api_token, actor=staff_of(request))  # type: ignore[attr-defined]
    return HttpResponse(status=204)


# --- The inbox (R-7, R-10.1) ---------------------------------------------------------------------------------


def _summary(report: Report, clock: Clock) -> dict[str, Any]:
    countdown = clock.for_report(report)
    # Lists show the public copies, masked (a department without the right to personal data reads lists
    # too); a case's detail shows the originals to those with the right (`_case`).
    text = redact_numbers(report.public_content)
    excerpt = text if len(text) <= 200 else text[:199].rstrip() + "…"
    return {
        "id": report.pk,
        "tracking_code": report.tracking_code,
        "title": redact_numbers(report.public_title),
        "excerpt": excerpt,
        "category": report.category.name,
        "area": report.area.name if report.area else "",
        "state": report.state,
        "state_label": str(State(report.state).label),
        "step": report.step,
        "due_at": report.due_at,
        "is_overdue": report.is_overdue(clock.now),
        "countdown": countdown.text if countdown else "",
        "agency": _agency_ref(report.agency),
        "assignee": _user_ref(report.assignee),
        "channel": report.channel,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "clarification_pending": report.clarification_pending,
    }


@router.get("/inbox", response=s.InboxOut, summary="Hộp việc: các tab và bộ lọc như bảng điều khiển")
def inbox(request: HttpRequest, filters: Query[s.InboxFiltersIn]) -> Any:
    """The console's inbox: `mine` (waiting for my role here), `agency`, `due_soon`, `overdue`, `done`.

    Open tabs are sorted by deadline; pass `next_cursor` as `cursor` for the next page. `q` finds a
    tracking code, or (for roles that handle personal data) a phone or ID number, recorded (R-3.2).
    """
    user = staff_of(request)
    inbox_filters = tabs.InboxFilters(
        category=by_code(Category, filters.category, "category", "Lĩnh vực không tồn tại."),
        area=by_code(Area, filters.area, "area", "Đơn vị hành chính không tồn tại.", is_active=True),
        state=filters.state or "",
        channel=filters.channel or "",
        agency=by_code(Agency, filters.agency, "agency", "Cơ quan không tồn tại."),
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    clock = Clock.start()
    now, soon = clock.now, clock.soon
    message = ""
    next_cursor: str | None = None
    if filters.q:
        search, rows = tabs.search_reports(viewer=user, text=filters.q, limit=filters.page_size)
        message = search.message
        if search.kind != "invalid":
            wanted = {r.pk for r in rows}
            scoped = report_scope(user).filter(pk__in=wanted).filter(inbox_filters.condition())
            keep = set(scoped.values_list("pk", flat=True))
            rows = [r for r in rows if r.pk in keep]
    else:
        page = tabs.inbox_page(
            viewer=user,
            tab=filters.tab,
            filters=inbox_filters,
            now=now,
            soon=soon,
            after=filters.cursor,
            size=filters.page_size,
        )
        rows, next_cursor = page.rows, page.next_cursor or None
    counts = tabs.inbox_counts(viewer=user, filters=inbox_filters, now=now, soon=soon)
    return {
        "tab": filters.tab,
        "items": [_summary(r, clock) for r in rows],
        "next_cursor": next_cursor,
        "counts": [
            {"tab": c.key, "label": tabs.tab_label(user, c.key), "count": c.count, "capped": c.capped}
            for c in counts
        ],
        "message": message,
    }


# --- A case ---------------------------------------------------------------------------------------------------


def _case_actions(report: Report, user: User, now: datetime) -> list[dict[str, str]]:
    """The actions the workflow allows this user now, as buttons an app can offer."""
    base = reverse("api:case", args=[report.pk])
    return [
        {"action": spec.action, "label": spec.title(), "method": "POST", "path": f"{base}/{spec.api_path}"}
        for spec in allowed_actions(report, user, now=now)
        if spec.api_path
    ]


def _event_out(e: Event) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at,
        "action": e.action,
        "label": label_of(e.action),
        "actor": _user_ref(e.actor),
        "actor_kind": e.actor_kind,
        "agency": e.agency.name if e.agency else "",
        "target_agency": e.target_agency.name if e.target_agency else "",
        "from_state": e.from_state,
        "to_state": e.to_state,
        "step": e.step,
        "step_due_at": e.step_due_at,
        "on_time": e.on_time,
        "due_at": e.due_at,
        "note": e.note,
        "note_readers": note_readers(e),
        "visibility": e.visibility,
    }


def _attachment_out(request: HttpRequest, report: Report, a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "content_type": a.content_type,
        "size": a.size,
        "uploaded_by_reporter": a.uploaded_by_reporter,
        "created_at": a.created_at,
        "url": absolute(request, reverse("api:case_attachment", args=[report.pk, a.pk])),
        "public_url": absolute(request, public_media_path(a, report.tracking_code))
        if attachment_is_public(a, report)
        else None,
    }


def _opinion_out(o: OpinionRequest) -> dict[str, Any]:
    return {
        "id": o.pk,
        "department": _agency_ref(o.department),
        "question": o.question,
        "requested_at": o.requested_at,
        "due_at": o.due_at,
        "answer": o.answer,
        "answered_at": o.answered_at,
        "answered_by": _user_ref(o.answered_by),
    }


def _case(request: HttpRequest, report: Report, user: User) -> dict[str, Any]:
    """A case as its staff reader sees it: the summary, the full text, the allowed actions and the records."""
    clock = Clock.start()
    actions = _case_actions(report, user, clock.now)
    suggested = None
    if any(a["action"] == "forward" for a in actions):
        suggested = _agency_ref(suggested_commune_agency(report.area, report.latitude, report.longitude))
    attachments = (
        Attachment.objects.filter(report=report).select_related("event").order_by("created_at", "pk")
    )
    title, content = staff_text(user, report)
    return {
        **_summary(report, clock),
        "title": title,
        "content": content,
        "address_text": report.address_text,
        "missing_information": missing_information(report) if report.state == State.RECEIVED else [],
        "area_code": report.area.code if report.area else None,
        "latitude": float(report.latitude) if report.latitude is not None else None,
        "longitude": float(report.longitude) if report.longitude is not None else None,
        "escalate_by": report.escalate_by,
        "is_complex": report.is_complex,
        "is_state_secret": report.is_state_secret,
        "is_valuable": report.is_valuable,
        "is_abusive": report.is_abusive,
        "result_text": report.result_text,
        "closed_reason": report.closed_reason,
        "rating": report.rating,
        "resolved_at": report.resolved_at,
        "version": report.version,
        "reporter_kind": report.reporter_kind,
        "can_see_personal_data": can_see_personal_data(user, report),
        "suggested_agency": suggested,
        "me_too_count": me_too_count(report),  # issue 14, item 9
        "follower_count": follower_count(report),
        "allowed_actions": actions,
        "timeline": [_event_out(e) for e in case_events(report)],
        "attachments": [_attachment_out(request, report, a) for a in attachments],
        "opinions": [_opinion_out(o) for o in case_opinions(report)],
    }


def _case_for(user: User, case_id: int) -> Report:
    return report_get_for(user, case_id)


@router.get(
    "/cases/{case_id}", response=s.CaseOut, url_name="case", summary="Một vụ việc, với các thao tác được phép"
)
def case(request: HttpRequest, case_id: int) -> Any:
    user = staff_of(request)
    return _case(request, _case_for(user, case_id), user)


class PurposeIn(Schema):
    purpose: str = Field("", max_length=200, description="Why (kept in the access record)")


@router.get(
    "/cases/{case_id}/reporter",
    response=s.PersonalDataOut,
    summary="Thông tin cá nhân người phản ánh (theo Điều 3 Quy chế; mỗi lần xem được ghi lại)",
)
def case_reporter(request: HttpRequest, case_id: int, filters: Query[PurposeIn]) -> Any:
    user = staff_of(request)
    report = _case_for(user, case_id)
    data = report_personal_data(viewer=user, report=report, purpose=filters.purpose or "API")
    return {
        "reporter_kind": report.reporter_kind,
        "name": data.name,
        "address": data.address,
        "phone": data.phone,
        "id_number": data.id_number,
        "email": data.email,
    }


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    url_name="case_attachment",
    response={200: None},
    summary="Tệp gốc (ảnh, video, ghi âm) của một vụ việc",
    openapi_extra={
        "responses": {"200": {"description": "The file", "content": {"application/octet-stream": {}}}}
    },
)
def case_attachment(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponseBase:
    user = staff_of(request)
    report = _case_for(user, case_id)
    attachment = Attachment.objects.filter(report=report, pk=attachment_id).first()
    allowed = staff_file(user, report, attachment) if attachment is not None and attachment.file else None
    if allowed is None:  # no right to personal data and no stripped copy (video, audio)
        raise Http404
    stored, content_type = allowed
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{(stored.name or "tep").rsplit("/", 1)[-1]}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/cases/{case_id}/attachments",
    response={201: s.CaseOut},
    summary=SPECS["attach_media"].summary,
    description=(
        "multipart/form-data with files in `media`, by staff of the agency holding the case (or its "
        "assigned officer). Recorded on the timeline with the uploader; images get an EXIF-free public copy, "
        "public only once published (`publish-media`, or the approval of a result they came with)."
    ),
    openapi_extra=POST_EXTRA,
)
@idempotent(staff_scope)
def case_upload(request: HttpRequest, case_id: int, media: File[list[UploadedFile]]) -> Any:
    user = staff_of(request)
    report = _case_for(user, case_id)
    check(report, "attach_media", user)  # the spec's states and people, before the files are read
    from pakn.api.public import _check_media

    files = list(media)
    if not files:
        raise ValidationError({"media": "Vui lòng chọn ít nhất một tệp."})
    _check_media(files)
    # Recorded on the timeline with the uploader; public only once published (issue 10, item 6).
    services.report_attach_media(report=report, actor=user, uploads=files)
    return 201, s.CaseOut(**_case(request, report, user))


# --- Workflow actions: one endpoint each, derived from the action specs (pakn.api.actions) -------------------

register_actions(router, _case, s.CaseOut, POST_EXTRA)


# --- Choices for the actions ---------------------------------------------------------------------------------------


@router.get("/officers", response=list[s.OfficerOut], summary="Cán bộ có thể phân công (cơ quan của tôi)")
def officers(request: HttpRequest) -> Any:
    user = staff_of(request)
    if user.agency is None:
        return []
    return [
        {"id": o.pk, "full_name": o.get_full_name() or o.username, "role": o.role, "open_cases": o.open_cases}
        for o in assignable_officers(user.agency)
    ]


class AgencyFilters(Schema):
    kind: Literal["department", "district", "commune", "enterprise"] | None = None
    q: str | None = Field(None, max_length=100, description="Words of the name")


@router.get("/agencies", response=list[s.AgencyOut], summary="Cơ quan có thể chuyển đến hoặc xin ý kiến")
def agencies(request: HttpRequest, filters: Query[AgencyFilters]) -> Any:
    qs = forward_targets()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        for word in filters.q.split()[:5]:
            qs = qs.filter(name__icontains=word)
    return [{**(_agency_ref(a) or {}), "parent_code": a.parent.code if a.parent else None} for a in qs[:500]]
