"""The public open-data export of reports (R-9.2, R-4.1): CSV and JSON, without any personal data.

Only what `public_reports()` lets the public see (never a state secret nor a report marked abusive), and of each
report only public facts: its tracking code, category, commune, state, dates, the agency holding it, whether it
was handled in time, and the reporter's rating. Never the reporter's name, address, phone, ID number or e-mail,
nor the free text of the report (a reporter may have written personal data in it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from pakn.core.exports import neutralise_formula
from pakn.core.ratelimit import client_ip, rate_hit
from pakn.reports.models import Rating, State
from pakn.reports.selectors import public_reports
from pakn.stats.periods import local_midnight, local_zone
from pakn.stats.quality import on_time_expression

# (key, Vietnamese description) — the columns of the CSV and the keys of the JSON objects, in order.
FIELDS: tuple[tuple[str, Any], ...] = (
    ("tracking_code", gettext_lazy("Mã tra cứu của phản ánh")),
    ("category", gettext_lazy("Lĩnh vực")),
    ("commune", gettext_lazy("Xã, phường nơi xảy ra sự việc")),
    ("state", gettext_lazy("Mã trạng thái (received, routed, in_progress, resolved, rejected, cancelled…)")),
    ("state_label", gettext_lazy("Trạng thái")),
    ("created_at", gettext_lazy("Thời điểm gửi (ISO 8601, giờ Việt Nam)")),
    ("resolved_at", gettext_lazy("Thời điểm có kết quả (khi đã xử lý)")),
    ("agency", gettext_lazy("Cơ quan đang giữ hoặc đã xử lý")),
    ("on_time", gettext_lazy("Xử lý đúng hạn: true, false, hoặc trống khi chưa có kết quả")),
    ("rating", gettext_lazy("Đánh giá của người phản ánh: satisfied, acceptable, unsatisfied, hoặc trống")),
    ("rating_label", gettext_lazy("Đánh giá (bằng chữ)")),
)
CHUNK = 2000
WINDOW_SECONDS = 600
STATE_LABELS = {k: str(v) for k, v in State.choices}
RATING_LABELS = {k: str(v) for k, v in Rating.choices}


@dataclass(frozen=True)
class Window:
    first: date | None
    last: date | None


def window_from_query(params: Mapping[str, str]) -> Window:
    """Optional `from` and `to` (YYYY-MM-DD, local days, both included) on the date of submission."""
    found: dict[str, date | None] = {}
    errors: dict[str, str] = {}
    messages = {
        "from": _("Ngày bắt đầu phải có dạng YYYY-MM-DD, ví dụ 2026-04-30."),
        "to": _("Ngày kết thúc phải có dạng YYYY-MM-DD, ví dụ 2026-04-30."),
    }
    for name in ("from", "to"):
        raw = (params.get(name) or "").strip()
        found[name] = None
        if raw:
            try:
                found[name] = date.fromisoformat(raw)
            except ValueError:
                errors[name] = messages[name]
    first, last = found["from"], found["to"]
    if first and last and last < first:
        errors["to"] = _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
    if errors:
        raise ValidationError(errors)
    return Window(first, last)


def open_reports(window: Window) -> QuerySet[Any]:
    reports = public_reports()
    if window.first:
        reports = reports.filter(created_at__gte=local_midnight(window.first))
    if window.last:
        reports = reports.filter(created_at__lt=local_midnight(window.last + timedelta(days=1)))
    return (
        reports.annotate(on_time_flag=on_time_expression())
        .select_related("category", "area", "agency")
        .only(
            "tracking_code",
            "category__name",
            "area__name",
            "state",
            "created_at",
            "resolved_at",
            "agency__name",
            "rating",
        )
        .order_by("created_at", "pk")
    )


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment, local_zone()).isoformat(timespec="seconds") if moment else ""


def record(report: Any) -> dict[str, Any]:
    """One report as open data: public fields only (the module docstring says which and why)."""
    resolved = report.state == State.RESOLVED
    return {
        "tracking_code": report.tracking_code,
        "category": report.category.name,
        "commune": report.area.name if report.area_id else "",
        "state": report.state,
        "state_label": STATE_LABELS.get(report.state, report.state),
        "created_at": _iso(report.created_at),
        "resolved_at": _iso(report.resolved_at) if resolved else "",
        "agency": report.agency.name,
        "on_time": report.on_time_flag,
        "rating": report.rating,
        "rating_label": RATING_LABELS.get(report.rating, ""),
    }


def _csv_lines(reports: QuerySet[Any]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([key for key, _ in FIELDS])
    yield "\ufeff" + out.getvalue()
    for report in reports.iterator(chunk_size=CHUNK):
        out.seek(0)
        out.truncate()
        row = record(report)
        row["on_time"] = "" if row["on_time"] is None else ("true" if row["on_time"] else "false")
        writer.writerow([neutralise_formula(row[key]) for key, _ in FIELDS])
        yield out.getvalue()


def _json_chunks(reports: QuerySet[Any], generated: str) -> Iterator[str]:
    head = {
        "generated_at": generated,
        "license": _("Dữ liệu mở, được sử dụng tự do khi ghi rõ nguồn."),
        "source": settings.SITE_URL + "/du-lieu-mo/",
        "fields": {key: str(description) for key, description in FIELDS},
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "reports": ['
    first = True
    for report in reports.iterator(chunk_size=CHUNK):
        yield ("" if first else ",") + json.dumps(record(report), ensure_ascii=False)
        first = False
    yield "]}"


def _limited(request: HttpRequest) -> HttpResponse | None:
    decision = rate_hit(
        "opendata",
        client_ip(request),
        limit=settings.PAKN_OPENDATA_PER_ADDRESS,
        window_seconds=WINDOW_SECONDS,
    )
    if decision.allowed:
        return None
    response = HttpResponse(
        _("Bạn đã tải quá nhiều lần. Vui lòng thử lại sau ít phút."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


def _file_name(window: Window, ext: str) -> str:
    span = f"{window.first or 'dau'}_{window.last or 'nay'}"
    return f"pakn-du-lieu-mo-{span}.{ext}"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """What the open data holds, its fields, and the download links with an optional date range."""
    errors: dict[str, str] = {}
    try:
        window = window_from_query(request.GET)
    except ValidationError as e:
        errors = {k: " ".join(v) for k, v in e.message_dict.items()}
        window = Window(None, None)
    context = {
        "fields": FIELDS,
        "window": window,
        "errors": errors,
        "count": None if errors else open_reports(window).count(),
        "query": request.GET.urlencode() if not errors else "",
    }
    return render(request, "stats/opendata.html", context, status=400 if errors else 200)


def _bad_window(e: ValidationError, as_json: bool) -> HttpResponse:
    errors = {k: " ".join(v) for k, v in e.message_dict.items()}
    if as_json:
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponse("\n".join(errors.values()), status=400, content_type="text/plain; charset=utf-8")


def _opened(request: HttpRequest, as_json: bool) -> tuple[Any, HttpResponse | None]:
    """The window of dates asked for, or the answer refusing it (malformed: 400; too many downloads: 429)."""
    try:
        window = window_from_query(request.GET)
    except ValidationError as e:
        return None, _bad_window(e, as_json=as_json)
    return window, _limited(request)


def _open_to_all(response: StreamingHttpResponse, disposition: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = disposition
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def reports_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    window, refused = _opened(request, as_json=False)
    if refused is not None:
        return refused
    response = StreamingHttpResponse(_csv_lines(open_reports(window)), content_type="text/csv; charset=utf-8")
    return _open_to_all(response, f'attachment; filename="{_file_name(window, "csv")}"')


@require_GET
def reports_json(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    window, refused = _opened(request, as_json=True)
    if refused is not None:
        return refused
    generated = _iso(timezone.now())
    response = StreamingHttpResponse(
        _json_chunks(open_reports(window), generated), content_type="application/json; charset=utf-8"
    )
    return _open_to_all(response, f'inline; filename="{_file_name(window, "json")}"')
