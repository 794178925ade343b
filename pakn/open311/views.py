"""Open311 GeoReport v2 at /open311/v2/: discovery, services, requests and tokens, each in .json and .xml.

Everything read here comes from the public view of reports (public_reports, public_report): no personal
data, no state secrets, no reports rejected as abusive (R-9.2, R-3.2). Writes go through report_submit on
the open311 channel (see services.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from pakn.core import idempotency, province
from pakn.core.links import absolute
from pakn.core.ratelimit import client_ip, rate_for, rate_hit
from pakn.open311 import services
from pakn.open311.render import errors, iso, respond
from pakn.org.models import Category
from pakn.reports.freshness import cached_public_response
from pakn.reports.models import CLOSED_STATES, OPEN_STATES, Event, Report, State
from pakn.reports.public import public_media_by_report, public_media_path, public_queryset
from pakn.reports.search import public_search
from pakn.reports.selectors import public_report, public_reports
from pakn.reports.services import Submission, normalize_tracking_code

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this document's shape last changed (discovery's `changeset`).
CHANGESET = "2026-03-01T00:00:00+07:00"
MAX_RESULTS = 1000
MAX_SPAN = timedelta(days=90)
DESCRIPTION_MAX = 4000

View = Callable[..., HttpResponse]


def _over_read_limit(request: HttpRequest, fmt: str, cost: int = 1) -> HttpResponse | None:
    """Count `cost` reads from this client address: the 429 answer (with Retry-After) when over the limit."""
    limit, window = rate_for("read")
    decision = rate_hit(
        "open311-read", client_ip(request) or "unknown", limit=limit, window_seconds=window, cost=cost
    )
    if decision.allowed:
        return None
    return errors(
        429,
        [f"Quá nhiều yêu cầu. Vui lòng thử lại sau {decision.retry_after} giây."],
        fmt,
        headers={"Retry-After": str(decision.retry_after)},
    )


def open311_view(view: View) -> View:
    """Common checks: jurisdiction_id, and the read limit per client address (429 with Retry-After)."""

    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return checked(request, *args, fmt=fmt, **kwargs)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
            return errors(413, [f"Nội dung yêu cầu quá lớn (tối đa {limit} MB, không kể tệp)."], fmt)
        except (TooManyFieldsSent, TooManyFilesSent):
            return errors(413, ["Yêu cầu có quá nhiều trường hoặc tệp."], fmt)

    def checked(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
        if jurisdiction and jurisdiction != province.open311_jurisdiction():
            return errors(
                404,
                [f"jurisdiction_id không đúng: hệ thống này phục vụ {province.open311_jurisdiction()}."],
                fmt,
            )
        return _over_read_limit(request, fmt) or view(request, *args, fmt=fmt, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- Discovery and services ---------------------------------------------------------------------------------


@require_GET
@open311_view
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = absolute(request, reverse("open311:discovery", kwargs={"fmt": "json"})).rsplit("/", 1)[0]
    return respond(
        {
            "changeset": CHANGESET,
            "contact": province.open311_contact(),
            "key_service": "Quản trị hệ thống cấp api_key cho từng ứng dụng (trang quản trị, mục Ứng dụng Open311).",
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        fmt,
        "discovery",
    )


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": True,  # every service has the attributes of the fields the specification lacks
        "type": "realtime",
        "keywords": None,
        "group": category.department.name if category.department else None,
    }


@require_GET
@open311_view
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    categories = (
        Category.objects.filter(is_active=True).select_related("department").order_by("position", "name")
    )
    return respond([_service(c) for c in categories], fmt, "services")


@require_GET
@open311_view
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if not Category.objects.filter(code=code, is_active=True).exists():
        return errors(404, [f"Không có dịch vụ (lĩnh vực) với service_code «{code}»."], fmt)
    attributes = []
    for order, a in enumerate(services.attributes(), start=1):
        attribute: dict[str, Any] = {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": False,
            "datatype_description": a.datatype_description or None,
            "order": order,
            "description": a.description,
        }
        if a.values:
            attribute["values"] = [{"key": k, "name": n} for k, n in a.values]
        attributes.append(attribute)
    return respond({"service_code": code, "attributes": attributes}, fmt, "service_definition")


# --- Requests: the public record -------------------------------------------------------------------------------


# The moment of a report's last public step (internal ones, like marks, do not change updated_datetime).
_last_public_event = (
    Event.objects.filter(report=OuterRef("pk")).exclude(visibility=Event.Visibility.INTERNAL).order_by("-seq")
)


def _queryset() -> QuerySet[Report]:
    return public_queryset().annotate(public_updated=Subquery(_last_public_event.values("at")[:1]))


def _status_notes(report: Report, label: str, result_text: str) -> str:
    if report.state == State.RESOLVED and result_text:
        return f"{label}: {result_text}"
    return label


def _request(request: HttpRequest, report: Report, media: list[Any], now: datetime) -> dict[str, Any]:
    view = public_report(report, now=now)
    description = (
        view.content if len(view.content) <= DESCRIPTION_MAX else view.content[: DESCRIPTION_MAX - 1] + "…"
    )
    address = view.address_text
    if view.area and view.area.lower() not in address.lower():
        address = ", ".join(x for x in (address, view.area) if x)
    return {
        "service_request_id": view.tracking_code,
        "status": "open" if report.state in OPEN_STATES else "closed",
        "status_notes": _status_notes(report, view.state_label, view.result_text),
        "service_name": view.category,
        "service_code": report.category.code,
        "description": description,
        "agency_responsible": view.agency,
        "service_notice": None,
        "requested_datetime": iso(view.created_at),
        "updated_datetime": iso(getattr(report, "public_updated", None) or view.created_at),
        "expected_datetime": iso(view.due_at) if report.state in OPEN_STATES else None,
        "address": address or None,
        "address_id": report.area.code if report.area else None,
        "zipcode": None,
        "lat": float(view.latitude) if view.latitude is not None else None,
        "long": float(view.longitude) if view.longitude is not None else None,
        "media_url": absolute(request, public_media_path(media[0], view.tracking_code)) if media else None,
    }


def _requests(request: HttpRequest, reports: list[Report]) -> list[dict[str, Any]]:
    media = public_media_by_report(reports)
    now = timezone.now()
    return [_request(request, r, media[r.pk], now) for r in reports]


def _moment(text: str) -> datetime | None:
    """A W3C date-time (a date alone means its midnight, local time), or None when unreadable."""
    value = text.strip().replace(" ", "+") if text else ""
    try:
        parsed = parse_datetime(value)
        day = None if parsed else parse_date(value)
    except ValueError:  # well formed but impossible, e.g. month 13
        return None
    if parsed is None:
        if day is None:
            return None
        parsed = datetime.combine(day, time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _positive(text: str | None, default: int, maximum: int) -> int | None:
    if text is None or text == "":
        return default
    if not re.fullmatch(r"\d{1,7}", text) or not 1 <= int(text) <= maximum:
        return None
    return int(text)


def _requests_by_id(request: HttpRequest, fmt: str, ids: list[str]) -> HttpResponse:
    """The requests with these codes (the specification: a list of ids overrides every other parameter)."""
    if len(ids) > settings.PAKN_OPEN311_MAX_REQUEST_IDS:
        return errors(
            400,
            [f"Mỗi yêu cầu tra cứu tối đa {settings.PAKN_OPEN311_MAX_REQUEST_IDS} mã service_request_id."],
            fmt,
        )
    # Each code is a look-up: a list counts against the read limit like as many requests (issue 10).
    refused = _over_read_limit(request, fmt, cost=len(ids) - 1) if len(ids) > 1 else None
    if refused:
        return refused
    rows = list(_queryset().filter(tracking_code__in=ids[:MAX_RESULTS]).order_by("-created_at", "-pk"))
    return respond(_requests(request, rows), fmt, "service_requests")


@dataclass(frozen=True)
class _ListQuery:
    """The parameters of a GET requests list, read and checked."""

    start: datetime
    end: datetime
    statuses: list[str]
    codes: list[str]
    words: str
    page: int
    page_size: int

    def rows(self) -> list[Report]:
        qs = _queryset().filter(created_at__gte=self.start, created_at__lte=self.end)
        if self.codes:
            qs = qs.filter(category__code__in=self.codes)
        if self.statuses and len(set(self.statuses)) == 1:
            qs = qs.filter(state__in=OPEN_STATES if self.statuses[0] == "open" else CLOSED_STATES)
        if self.words:  # an extension of GeoReport v2: the same public search as the portal and the REST API
            qs = public_search(qs, self.words)
        offset = (self.page - 1) * self.page_size
        return list(qs.order_by("-created_at", "-pk")[offset : offset + self.page_size])


def _list_query(params: QueryDict) -> _ListQuery | list[str]:
    """The checked parameters of a requests list, or what is wrong with them (in the order they are named)."""
    problems: list[str] = []
    start = end = None
    if params.get("start_date"):
        start = _moment(params.get("start_date", ""))
        if start is None:
            problems.append("start_date không đúng định dạng W3C (ví dụ 2026-03-02T08:00:00+07:00).")
    if params.get("end_date"):
        end = _moment(params.get("end_date", ""))
        if end is None:
            problems.append("end_date không đúng định dạng W3C (ví dụ 2026-03-02T17:00:00+07:00).")
    statuses = [x.strip() for x in params.get("status", "").split(",") if x.strip()]
    if any(x not in ("open", "closed") for x in statuses):
        problems.append("status chỉ nhận open hoặc closed.")
    page = _positive(params.get("page"), 1, 1_000_000)
    page_size = _positive(params.get("page_size"), MAX_RESULTS, MAX_RESULTS)
    words = params.get("q", "").strip()
    if len(words) > 100:
        problems.append("q không được dài quá 100 ký tự.")
    if page is None:
        problems.append("page phải là số nguyên dương.")
    if page_size is None:
        problems.append(f"page_size phải là số nguyên từ 1 đến {MAX_RESULTS}.")
    if problems:
        return problems
    assert page is not None and page_size is not None
    # The specification's default range: the last 90 days; a range may not span more than 90 days.
    if end is None:
        end = start + MAX_SPAN if start else timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if start > end:
        return ["start_date phải trước end_date."]
    if end - start > MAX_SPAN:
        return ["Khoảng thời gian tra cứu không được quá 90 ngày."]
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    return _ListQuery(start, end, statuses, codes, words, page, page_size)


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    ids = [
        normalize_tracking_code(i) for i in request.GET.get("service_request_id", "").split(",") if i.strip()
    ]
    if ids:
        return _requests_by_id(request, fmt, ids)
    query = _list_query(request.GET)
    if isinstance(query, list):
        return errors(400, query, fmt)
    return respond(_requests(request, query.rows()), fmt, "service_requests")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create_request(request, fmt)
    return cached_public_response(
        request, namespace=f"open311:{fmt}", build=lambda: _list_requests(request, fmt)
    )


@require_GET
@open311_view
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        report = _queryset().filter(tracking_code=normalize_tracking_code(request_id)).first()
        if report is None:
            return errors(404, [f"Không tìm thấy yêu cầu «{request_id}»."], fmt)
        return respond(_requests(request, [report]), fmt, "service_requests")

    return cached_public_response(request, namespace=f"open311:{fmt}", build=build)


@require_GET
@open311_view
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """Requests are created at once, so a token is the service_request_id itself (docs/api.md)."""
    code = normalize_tracking_code(token)
    if not public_reports().filter(tracking_code=code).exists():
        return errors(404, [f"Không tìm thấy token «{token}»."], fmt)
    return respond([{"service_request_id": code, "token": code}], fmt, "service_requests")


# --- Requests: submitting ---------------------------------------------------------------------------------------

FORM_FIELDS = (
    "description",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "media_url",
)
ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_\-]+)\]$")


def _request_input(request: HttpRequest) -> services.RequestInput:
    return services.RequestInput(
        service_code=request.POST.get("service_code", ""),
        attributes={
            m.group(1): request.POST.get(name, "") for name in request.POST if (m := ATTRIBUTE.match(name))
        },
        **{name: request.POST.get(name, "") for name in FORM_FIELDS},
    )


def _created(submission: Submission, fmt: str) -> HttpResponse:
    """The 201 answer to a submitted request: its code (also its token), the notice and the follow-up secret."""
    report = submission.report
    due = timezone.localtime(report.due_at).strftime("%H:%M %d/%m/%Y") if report.due_at else ""
    notice = (
        f"Đã tiếp nhận phản ánh {report.tracking_code}. Trung tâm IOC kiểm tra và chuyển xử lý trước {due} "
        "(theo Điều 7 Quy chế); nếu thiếu địa chỉ liên hệ hoặc số định danh cá nhân, người phản ánh sẽ được đề nghị bổ sung."
    )
    body = [
        {
            "service_request_id": report.tracking_code,
            "token": report.tracking_code,
            "service_notice": notice,
            "account_id": None,
            "follow_up_secret": submission.secret,
        }
    ]
    return respond(body, fmt, "service_requests", status=201)


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    client = services.client_for_key(request.POST.get("api_key") or request.GET.get("api_key"))
    if client is None:
        return errors(
            403, ["api_key không hợp lệ hoặc đã bị thu hồi. Liên hệ quản trị hệ thống để được cấp."], fmt
        )
    limit = settings.PAKN_OPEN311_POSTS_PER_HOUR
    decision = rate_hit("open311-post", str(client.pk), limit=limit, window_seconds=3600)
    if not decision.allowed:
        return errors(
            429,
            [f"Ứng dụng đã gửi quá {limit} yêu cầu trong một giờ. Vui lòng thử lại sau."],
            fmt,
            headers={"Retry-After": str(decision.retry_after)},
        )
    scope = f"open311:{client.pk}"
    try:
        seen = idempotency.replay_if_seen(request, scope)
        if seen is not None:
            return seen
        data = _request_input(request)
        checked = services.request_check(data)
        uploads = list(request.FILES.getlist("media"))
        if data.media_url.strip():
            uploads.insert(0, services.media_fetch(data.media_url))
        return idempotency.run_once(
            request,
            scope,
            lambda: _created(services.request_submit(data=data, uploads=uploads, checked=checked), fmt),
        )
    except services.RequestInvalid as e:
        return errors(e.status, [f"{name}: {message}" for name, message in e.errors], fmt)
    except services.MediaFetchError as e:
        return errors(400, [f"media_url: {e}"], fmt)
    except idempotency.KeyInvalid:
        return errors(400, ["Idempotency-Key phải dài 8–255 ký tự, chỉ gồm chữ cái, chữ số và - _ . :"], fmt)
    except idempotency.BodyUnreadable:
        return errors(400, ["Không đọc được nội dung multipart/form-data của yêu cầu."], fmt)
    except idempotency.KeyReused:
        return errors(400, ["Idempotency-Key này đã được dùng cho một yêu cầu khác."], fmt)
