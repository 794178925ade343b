"""The citizens' side of the API (R-6.2): reference data, submitting, the public record, the private follow-up.

No account: public reads and submissions are limited per client address; the follow-up endpoints need the
report's private secret in `X-Report-Secret`. Nothing here returns personal data (R-3.2, R-9.2).
"""

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from pakn.api import schemas as s
from pakn.api.common import (
    IDEMPOTENCY_PARAMETER,
    AddressRate,
    decode_cursor,
    encode_cursor,
    idempotent,
    public_scope,
    reporter_auth,
    reporter_report,
    reporter_scope,
)
from pakn.core.links import absolute
from pakn.org.models import Area, Category
from pakn.reports import services
from pakn.reports.actions import allowed_actions, label_of
from pakn.reports.checks import coordinate
from pakn.reports.media import attachment_add, check_upload
from pakn.reports.models import CLOSED_STATES, OPEN_STATES, Attachment, Event, Report, State
from pakn.reports.public import public_media_by_report, public_media_path, public_queryset
from pakn.reports.search import public_search
from pakn.reports.selectors import (
    REPORTER_ACTIONS,
    events_for_reporter,
    public_events,
    public_report,
    reporter_note,
)
from pakn.reports.workflow import ReporterActor

router = Router(tags=["Người dân"], throttle=[AddressRate("read")])
reporter_router = Router(
    tags=["Người phản ánh (mã bí mật)"], auth=reporter_auth, throttle=[AddressRate("reporter")]
)

POST_EXTRA = {"parameters": [IDEMPOTENCY_PARAMETER]}


# --- Reference data ---------------------------------------------------------------------------------------


@router.get(
    "/categories", response=list[s.CategoryOut], summary="Các lĩnh vực phản ánh (theo Điều 6 Quy chế)"
)
def categories(request: HttpRequest) -> Any:
    return Category.objects.filter(is_active=True).order_by("position", "name")


class AreaFilters(Schema):
    kind: Literal["province", "district", "commune"] | None = None
    parent: str | None = Field(None, description="The parent area's code: the communes of a district")


@router.get("/areas", response=list[s.AreaOut], summary="Đơn vị hành chính đang dùng (theo Điều 7 Quy chế)")
def areas(request: HttpRequest, filters: Query[AreaFilters]) -> Any:
    qs = Area.objects.filter(is_active=True).select_related("parent").order_by("kind", "name")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent, parent__is_active=True)
    return [
        s.AreaOut(
            code=a.code,
            name=a.name,
            kind=a.kind,  # type: ignore[arg-type]
            type_label=a.type_label,
            parent_code=a.parent.code if a.parent else None,
        )
        for a in qs
    ]


# --- Submitting (R-5, R-7.1) --------------------------------------------------------------------------------


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise ValidationError({"category": "Lĩnh vực không tồn tại hoặc đã ngừng sử dụng."})
    return category


def _commune(code: str | None) -> Area | None:
    if not code:
        return None
    area = Area.objects.filter(code=code, kind=Area.Kind.COMMUNE, is_active=True).first()
    if area is None:
        raise ValidationError({"area": "Không có xã, phường đang dùng với mã này."})
    return area


def _check_media(files: list[UploadedFile]) -> None:
    """Refuse the whole request before anything is stored when one file is not acceptable."""
    from django.conf import settings

    if len(files) > settings.PAKN_MAX_ATTACHMENTS:
        raise ValidationError({"media": f"Mỗi phản ánh đính kèm tối đa {settings.PAKN_MAX_ATTACHMENTS} tệp."})
    for upload in files:
        check_upload(upload, field="media")  # its errors name the field and keep their codes


def _attach(
    report: Report, files: list[UploadedFile], *, by_reporter: bool, event: Event | None = None
) -> int:
    for upload in files:
        try:
            attachment_add(report=report, upload=upload, by_reporter=by_reporter, event=event)
        except ValidationError as e:
            raise ValidationError({"media": [m for ms in e.message_dict.values() for m in ms]}) from e
    return len(files)


NEXT_STEP = "Trung tâm IOC kiểm tra và chuyển phản ánh đến cơ quan xử lý trong 01 giờ kể từ khi nhận (theo Điều 7 Quy chế)."


@router.post(
    "/reports",
    response={201: s.SubmittedOut},
    throttle=[AddressRate("submit")],
    summary="Gửi phản ánh, kiến nghị (theo Điều 5, Điều 7 Quy chế)",
    description=(
        "multipart/form-data: the fields below and up to PAKN_MAX_ATTACHMENTS files in `media` (images, "
        "video, audio; type from the bytes). Returns the tracking code and the private follow-up `secret`, "
        "shown only in this response. Send an Idempotency-Key so a retry never creates a second report."
    ),
    openapi_extra=POST_EXTRA,
)
@idempotent(public_scope)
def report_create(
    request: HttpRequest,
    payload: Form[s.ReportSubmitIn],
    media: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    files = list(media or [])
    category = _category(payload.category)
    area = _commune(payload.area)
    _check_media(files)
    with transaction.atomic():
        submission = services.report_submit(
            category=category,
            content=payload.content,
            channel=payload.channel,
            title=payload.title,
            reporter_kind=payload.reporter_kind,
            reporter_name=payload.reporter_name,
            reporter_address=payload.reporter_address,
            reporter_phone=payload.reporter_phone,
            reporter_id_number=payload.reporter_id_number,
            reporter_email=payload.reporter_email,
            address_text=payload.address_text,
            latitude=payload.latitude,
            longitude=payload.longitude,
            area=area,
            declared_truthful=payload.declared_truthful,
        )
        report = submission.report
        count = _attach(report, files, by_reporter=True)
    return 201, s.SubmittedOut(
        tracking_code=report.tracking_code,
        secret=submission.secret,
        state=report.state,  # type: ignore[arg-type]
        state_label=str(State(report.state).label),
        due_at=report.due_at,
        created_at=report.created_at,
        attachments=count,
        next_step=NEXT_STEP,
    )


# --- The public record (R-9.2) -------------------------------------------------------------------------------


def _media(request: HttpRequest, attachments: list[Attachment], code: str) -> list[s.MediaOut]:
    return [
        s.MediaOut(id=a.pk, kind=a.kind, url=absolute(request, public_media_path(a, code)))  # type: ignore[arg-type]
        for a in attachments
    ]


def _public_out(request: HttpRequest, report: Report, media: list[Attachment], now: Any) -> dict[str, Any]:
    view = public_report(report, now=now)
    return {
        **{name: getattr(view, name) for name in view.__dataclass_fields__},
        "latitude": float(view.latitude) if view.latitude is not None else None,
        "longitude": float(view.longitude) if view.longitude is not None else None,
        "media": _media(request, media, view.tracking_code),
    }


class PublicFilters(Schema):
    category: str | None = Field(None, description="Category code")
    area: str | None = Field(None, description="Area code: a commune, or a district with its communes")
    state: s.StateCode | None = None
    status: Literal["open", "closed"] | None = None
    q: str | None = Field(
        None,
        max_length=100,
        description="Words of the public text (title, content, place, result), in any case, with or without "
        "diacritics; or a tracking code",
    )
    date_from: date | None = None
    date_to: date | None = None
    cursor: str | None = Field(None, description="`next_cursor` of the previous page")
    limit: int = Field(20, ge=1, le=100)


@router.get(
    "/reports", response=s.PublicReportPage, summary="Danh sách phản ánh công khai (theo Điều 9 Quy chế)"
)
def report_list(request: HttpRequest, filters: Query[PublicFilters]) -> Any:
    """Newest first, keyset pagination (a cursor of the last item's time and id): stable while reports arrive."""
    try:
        cursor = decode_cursor(filters.cursor)
    except ValueError as e:
        raise ValidationError({"cursor": "Con trỏ phân trang không hợp lệ."}) from e
    qs = public_queryset()
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.area:
        qs = qs.filter(Q(area__code=filters.area) | Q(area__parent__code=filters.area), area__is_active=True)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.status:
        qs = qs.filter(state__in=OPEN_STATES if filters.status == "open" else CLOSED_STATES)
    if filters.q:
        qs = public_search(qs, filters.q)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(created_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(
            created_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    if cursor:
        moment, pk = cursor
        qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-pk")[: filters.limit + 1])
    page, more = rows[: filters.limit], len(rows) > filters.limit
    media = public_media_by_report(page)
    now = timezone.now()
    return {
        "items": [_public_out(request, r, media[r.pk], now) for r in page],
        "next_cursor": encode_cursor(page[-1].created_at, page[-1].pk) if more else None,
    }


@router.get(
    "/reports/{tracking_code}",
    response=s.PublicReportDetailOut,
    summary="Một phản ánh công khai với dòng thời gian (theo Điều 9 Quy chế)",
)
def report_detail(request: HttpRequest, tracking_code: str) -> Any:
    code = services.normalize_tracking_code(tracking_code)
    report = public_queryset().filter(tracking_code=code).first()
    if report is None:
        raise Http404
    media = public_media_by_report([report])[report.pk]
    return {
        **_public_out(request, report, media, timezone.now()),
        "timeline": [e.__dict__ for e in public_events(report)],
    }


# --- The reporter's private follow-up (R-7.2b, R-8) -------------------------------------------------------------


def _reporter_actions(report: Report) -> list[str]:
    """What the reporter may do now: exactly `allowed_actions` for him."""
    return [spec.action for spec in allowed_actions(report, ReporterActor(report.pk))]


def _my_report(request: HttpRequest, report: Report) -> dict[str, Any]:
    report = Report.objects.select_related("category", "area", "agency").get(pk=report.pk)
    events = list(events_for_reporter(report).order_by("seq"))
    requested = ""
    if report.state == State.AWAITING_INFO:
        asked = [e for e in events if e.action == "request_info"]
        requested = asked[-1].note if asked else ""
    media = public_media_by_report([report])[report.pk]
    # The reporter sees his own report even when it is hidden from the public (state secret, abusive).
    out = {
        "tracking_code": report.tracking_code,
        "category": report.category.name,
        "title": report.title,
        "content": report.content,
        "address_text": report.address_text,
        "area": report.area.name if report.area else "",
        "latitude": float(report.latitude) if report.latitude is not None else None,
        "longitude": float(report.longitude) if report.longitude is not None else None,
        "state": report.state,
        "state_label": str(State(report.state).label),
        "agency": report.agency.name,
        "due_at": report.due_at,
        "is_overdue": report.is_overdue(timezone.now()),
        "created_at": report.created_at,
        "resolved_at": report.resolved_at,
        "result_text": report.result_text if report.state == State.RESOLVED else "",
        "rating": report.rating,
        "media": _media(request, media, report.tracking_code),
        "timeline": [
            {
                "at": e.at,
                "action": e.action,
                "label": label_of(e.action),
                "agency": e.agency.name if e.agency else "",
                "target_agency": e.target_agency.name if e.target_agency else "",
                "to_state": e.to_state,
                "note": reporter_note(e),
                "step": e.step,
                "step_due_at": e.step_due_at,
                "on_time": e.on_time,
                "visibility": e.visibility,
            }
            for e in events
        ],
        "closed_reason": report.closed_reason,
        "clarification_pending": report.clarification_pending,
        "requested_info": requested,
        "allowed_actions": _reporter_actions(report),
    }
    return out


@reporter_router.get("/report", response=s.MyReportOut, summary="Phản ánh của tôi (mã bí mật)")
def my_report(request: HttpRequest) -> Any:
    return _my_report(request, reporter_report(request))


@reporter_router.post(
    "/report/supplement",
    response={200: s.MyReportOut},
    summary="Bổ sung thông tin khi được đề nghị (theo Điều 7 Quy chế)",
    description="multipart/form-data; the report returns to the IOC's triage. Media files in `media`.",
    openapi_extra=POST_EXTRA,
)
@idempotent(reporter_scope)
def my_supplement(
    request: HttpRequest,
    payload: Form[s.SupplementIn],
    media: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    report = reporter_report(request)
    files = list(media or [])
    _check_media(files)
    fields: dict[str, Any] = {
        name: getattr(payload, name)
        for name in (
            "reporter_name",
            "reporter_address",
            "reporter_phone",
            "reporter_id_number",
            "address_text",
        )
        if getattr(payload, name).strip()
    }
    if (payload.latitude is None) != (payload.longitude is None):
        raise ValidationError({"latitude": "Vui lòng nhập đủ vĩ độ và kinh độ."})
    if payload.latitude is not None:
        fields["latitude"] = coordinate(payload.latitude)
        fields["longitude"] = coordinate(payload.longitude)
    area = _commune(payload.area)
    if area is not None:
        fields["area"] = area
    with transaction.atomic():
        event = services.report_supplement(
            report=report, actor=ReporterActor(report.pk), note=payload.note.strip(), **fields
        )
        _attach(report, files, by_reporter=True, event=event)
    return 200, s.MyReportOut(**_my_report(request, report))


@reporter_router.get(
    "/report/messages",
    response=list[s.MessageOut],
    summary="Trao đổi với cơ quan xử lý (theo Điều 8 Quy chế)",
)
def my_messages(request: HttpRequest) -> Any:
    report = reporter_report(request)
    actions = (*REPORTER_ACTIONS, "approve", "publish_result", "cancel_expired")
    events = events_for_reporter(report).filter(action__in=actions).order_by("seq")
    return [
        {
            "at": e.at,
            "sender": e.actor_kind if e.actor_kind != Event.ActorKind.STAFF else "agency",
            "agency": e.agency.name if e.agency else "",
            "action": e.action,
            "label": label_of(e.action),
            "text": reporter_note(e)
            or (report.result_text if e.action in ("approve", "publish_result") else ""),
        }
        for e in events
    ]


@reporter_router.post(
    "/report/messages",
    response={201: s.MessageOut},
    summary="Đề nghị làm rõ kết quả (theo Điều 8 Quy chế)",
    openapi_extra=POST_EXTRA,
)
@idempotent(reporter_scope)
def my_message(request: HttpRequest, payload: s.MessageIn) -> Any:
    report = reporter_report(request)
    event = services.report_reply(report=report, actor=ReporterActor(report.pk), note=payload.text)
    return 201, s.MessageOut(
        at=event.at,
        sender="reporter",
        agency=report.agency.name,
        action=event.action,
        label=label_of(event.action),
        text=event.note,
    )


@reporter_router.post(
    "/report/rating",
    response={200: s.MyReportOut},
    summary="Đánh giá kết quả (theo Điều 8 Quy chế)",
    openapi_extra=POST_EXTRA,
)
@idempotent(reporter_scope)
def my_rating(request: HttpRequest, payload: s.RatingIn) -> Any:
    report = reporter_report(request)
    services.report_rate(
        report=report,
        actor=ReporterActor(report.pk),
        rating=payload.rating,
        note=payload.note.strip(),
        ask_clarification=payload.ask_clarification,
    )
    return 200, s.MyReportOut(**_my_report(request, report))
