"""Staff pages of the statistics under /console/stats/: dashboard, periodic report (and its print page), the
lists behind the figures, late cases with explanations, the ranking; each with its .xlsx and .csv exports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from pakn.core import province
from pakn.org.models import Agency, User
from pakn.reports.models import Channel, Report
from pakn.reports.selectors import report_scope
from pakn.reports.sla import working_day_seconds
from pakn.stats import charts, quality, series
from pakn.stats import figures as F
from pakn.stats.documents import dashboard as build_dashboard
from pakn.stats.documents import (
    figure_link,
    info_rows,
    overdue_link,
    periodic_report,
    ranking_document,
    reports_table,
)
from pakn.stats.late_items import explanation_form_key, late_done_items, late_pending_items, late_table
from pakn.stats.people import may_see_others
from pakn.stats.periods import KIND_LABELS, Period, current_month, period_from_query
from pakn.stats.scope import Scope, home_scope, scope_for, selectable_agencies
from pakn.stats.services import late_explanation_save
from pakn.stats.tables import Table, csv_response, xlsx_response
from pakn.workdays.calendar import get_calendar

PAGE_SIZE = 50
LOGIN_URL = "console:login"


def stats_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else to the console's sign-in page); a refusal of scope is a 403 page saying why."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        official = bool(request.GET.get("format")) or view.__name__ == "periodic_print"
        try:
            with F.analytics(), translation.override("vi" if official else translation.get_language()):
                return view(request, *args, **kwargs)
        except PermissionDenied as e:
            return render(request, "stats/forbidden.html", {"message": str(e), "nav": "stats"}, status=403)

    return wrapped


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@dataclass
class Query:
    """What a statistics page was asked for: a scope, a period, and what was wrong with the request."""

    scope: Scope
    period: Period
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str]:
        return {**self.period.query(), **self.scope.query()}


def read_query(request: HttpRequest, *, default: Period | None = None) -> Query:
    errors: dict[str, str] = {}
    try:
        period = period_from_query(request.GET, default=default)
    except ValidationError as e:
        errors = {name: " ".join(messages_) for name, messages_ in e.message_dict.items()}
        period = default or current_month()
    scope = scope_for(_user(request), request.GET.get("agency"), exact=request.GET.get("exact") == "1")
    return Query(scope, period, errors)


def _file_base(kind: str, q: Query) -> str:
    where = q.scope.agency.code if q.scope.agency is not None else "toan-tinh"
    return f"pakn-{kind}-{q.period.slug}-{where}"


def export(
    request: HttpRequest, tables: Sequence[Table], *, base: str, title: str, info: Sequence[tuple[str, str]]
) -> HttpResponse | None:
    """The page's tables as a workbook (?format=xlsx) or one of them as CSV (?format=csv&table=key)."""
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        return xlsx_response(tables, f"{base}.xlsx", title=title, info=info)
    if fmt == "csv":
        key = request.GET.get("table") or tables[0].key
        table = next((t for t in tables if t.key == key), None)
        if table is None:
            raise Http404(_("Không có bảng số liệu này."))
        return csv_response(table, f"{base}-{key}.csv")
    if fmt:
        raise Http404(_("Định dạng tệp không hợp lệ (chỉ có xlsx, csv)."))
    return None


def _filter_context(request: HttpRequest, q: Query) -> dict[str, Any]:
    user = _user(request)
    agencies = list(selectable_agencies(user))
    groups: dict[str, list[Agency]] = {}
    for agency in agencies:
        groups.setdefault(agency.get_kind_display(), []).append(agency)
    home = home_scope(user)
    return {
        "q": q,
        "kinds": KIND_LABELS,
        "agency_groups": groups,
        "province_allowed": home is not None and home.is_province,
        "home": home,
        "base_qs": urlencode(q.params),
        "months": range(1, 13),
        "quarters": ((1, "I"), (2, "II"), (3, "III"), (4, "IV")),
        "nav": "stats",
    }


# --- Dashboard ---------------------------------------------------------------------------------------------------


@stats_view
def dashboard(request: HttpRequest) -> HttpResponse:
    q = read_query(request)
    d = build_dashboard(q.scope, q.period)
    response = export(
        request,
        d.tables,
        base=_file_base("tong-quan", q),
        title=_("Tổng quan %(period)s") % {"period": q.period.label},
        info=d.info,
    )
    if response is not None:
        return response
    received_by = d.received_by
    charts_ = {
        "per_day": charts.day_chart("c-day", _("Phản ánh tiếp nhận theo ngày"), d.per_day),
        "category": charts.bar_chart(
            "c-cat", _("Theo lĩnh vực"), [(label, n) for _k, label, n in received_by["category"]]
        ),
        "channel": charts.bar_chart(
            "c-chan", _("Theo kênh tiếp nhận"), [(label, n) for _k, label, n in received_by["channel"]]
        ),
        "area": charts.bar_chart(
            "c-area", _("Theo địa bàn"), [(label, n) for _k, label, n in received_by["area"]], limit=12
        ),
        "states": charts.bar_chart(
            "c-state", _("Theo trạng thái hiện nay"), [(lb, n) for _s, lb, n in d.by_state]
        ),
        "steps": charts.share_chart(
            "c-steps", _("Tỷ lệ đúng hạn theo bước"), [(s.label, s.on_time, s.late) for s in d.steps]
        ),
        "satisfaction": charts.stack_bar(
            "c-sat",
            _("Mức độ hài lòng"),
            [(label, n, f"s-{rating}") for rating, label, n, _share in d.satisfaction.shares],
        ),
        "overdue": charts.bar_chart(
            "c-over", _("Quá hạn hiện nay theo cơ quan"), [(name, n) for _pk, name, n in d.overdue_by_agency]
        ),
    }
    context = {
        **_filter_context(request, q),
        "d": d,
        "charts": charts_,
        "tables": {t.key: t for t in d.tables},
        "links": {
            **{f: figure_link(f, q.scope, q.period) for f in F.FIGURES},
            "overdue_now": overdue_link(q.scope),
        },
        "map_cells": [[c.latitude, c.longitude, c.count] for c in d.map_cells],
        "map_config": {
            "tiles": settings.PAKN_TILE_URL if hasattr(settings, "PAKN_TILE_URL") else "",
            "attribution": getattr(settings, "PAKN_TILE_ATTRIBUTION", ""),
            "center": getattr(settings, "PAKN_MAP_CENTER", [21.8537, 106.7615]),
            "zoom": getattr(settings, "PAKN_MAP_ZOOM", 12),
        },
        "page": "dashboard",
    }
    return render(request, "stats/dashboard.html", context)


# --- Periodic report ---------------------------------------------------------------------------------------------


@stats_view
def periodic(request: HttpRequest) -> HttpResponse:
    q = read_query(request)
    report = periodic_report(q.scope, q.period, staff=may_see_others(_user(request)))
    response = export(
        request, report.tables, base=_file_base("bao-cao", q), title=report.title, info=report.info
    )
    if response is not None:
        return response
    context = {**_filter_context(request, q), "r": report, "tables": {t.key: t for t in report.tables}}
    return render(request, "stats/periodic.html", {**context, "page": "periodic"})


def _document_date(moment: datetime) -> dict[str, str]:
    """Decree 30/2020: a day below 10 and the months January and February are written with a leading 0."""
    local = timezone.localtime(moment)
    return {
        "day": f"{local.day:02d}",
        "month": f"{local.month:02d}" if local.month < 3 else str(local.month),
        "year": str(local.year),
    }


@stats_view
def periodic_print(request: HttpRequest) -> HttpResponse:
    q = read_query(request)
    report = periodic_report(q.scope, q.period)
    if q.scope.agency is None:
        governing, issuer = province.report_governing_body(), settings.PAKN_REPORT_ISSUER
        symbol, signer = settings.PAKN_REPORT_SYMBOL, settings.PAKN_REPORT_SIGNER_TITLE
        office = Agency.objects.filter(kind=Agency.Kind.SUPERVISOR).order_by("pk").first()
        issuer_name = office.name if office is not None else issuer.capitalize()
    else:
        parent = q.scope.agency.parent
        governing = (
            parent.name
            if parent is not None and not parent.is_province_level
            else province.report_governing_body()
        )
        issuer, symbol, signer = q.scope.agency.name, "BC", "THỦ TRƯỞNG CƠ QUAN"
        issuer_name = q.scope.agency.name
    tables = {t.key: t for t in report.tables}
    # A4 portrait holds about ten columns: the printed per-agency table keeps the figures of.
    tables["agencies"] = tables["agencies"].only(
        "Cơ quan",
        "Tiếp nhận",
        "Đã xử lý",
        "Đúng hạn",
        "Trễ hạn",
        "Đang xử lý cuối kỳ",
        "Quá hạn cuối kỳ",
        "Bước đúng hạn",
        "Hài lòng",
    )
    context = {
        "r": report,
        "tables": tables,
        "governing": governing.upper(),
        "issuer": issuer.upper(),
        "issuer_name": issuer_name,
        "symbol": symbol,
        "signer": signer,
        "place": province.report_place(),
        "regulation": province.regulation_full(),
        "date": _document_date(report.generated_at),
        "q": q,
    }
    return render(request, "stats/print.html", context)


# --- The reports behind a figure --------------------------------------------------------------------------------

LIST_FIGURES = {**F.FIGURES, "overdue_now": gettext_lazy("Đang quá hạn hiện nay")}


def _dimension_filters(request: HttpRequest) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Filters on the report's own fields from the links of the per-dimension tables, and their labels."""
    from pakn.org.models import Area, Category

    filters: dict[str, Any] = {}
    labels: list[tuple[str, str]] = []
    for name, model in (("category", Category), ("area", Area)):
        raw = request.GET.get(name, "")
        if raw == "none":
            filters[f"{name}__isnull"] = True
            labels.append((F.DIMENSIONS[name], _("Chưa xác định")))
        elif raw:
            try:
                obj = model.objects.get(pk=int(raw))
            except (ValueError, model.DoesNotExist):  # type: ignore[attr-defined]
                raise Http404(_("Bộ lọc không hợp lệ.")) from None
            filters[name] = obj
            labels.append((F.DIMENSIONS[name], str(obj)))
    channel = request.GET.get("channel", "")
    if channel:
        if channel not in Channel.values:
            raise Http404(_("Bộ lọc không hợp lệ."))
        filters["channel"] = channel
        labels.append((F.DIMENSIONS["channel"], str(Channel(channel).label)))
    return filters, labels


@stats_view
def reports(request: HttpRequest) -> HttpResponse:
    """The list of the reports behind one figure, within what the viewer may see."""
    q = read_query(request)
    figure = request.GET.get("figure", "")
    if figure not in LIST_FIGURES:
        raise Http404(_("Chỉ tiêu không hợp lệ."))
    filters, filter_labels = _dimension_filters(request)
    now = timezone.now()
    if figure == "overdue_now":
        ids = series.overdue_now(q.scope, now).values("pk")
        heading = f"{LIST_FIGURES[figure]} — {q.scope.label}"
    else:
        ids = F.figure_report_ids(figure, q.scope, q.period, now)
        heading = f"{LIST_FIGURES[figure]} — {q.scope.label}, {q.period.label}"
    found = (
        report_scope(_user(request))
        .filter(pk__in=ids, **filters)
        .select_related("category", "area", "agency")
        .order_by("-created_at", "-pk")
    )
    response = None
    if request.GET.get("format"):
        table = reports_table(list(found), heading)
        response = export(
            request,
            [table],
            base=_file_base(f"danh-sach-{figure}", q),
            title=heading,
            info=[
                (_("Chỉ tiêu"), LIST_FIGURES[figure]),
                *info_rows(q.scope, q.period, now),
                *filter_labels,
            ],
        )
    if response is not None:
        return response
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_filter_context(request, q),
        "figure": figure,
        "figure_label": LIST_FIGURES[figure],
        "heading": heading,
        "filter_labels": filter_labels,
        "page_obj": page,
        "table": reports_table(list(page.object_list), heading),
        "reports": list(page.object_list),
        "page": "reports",
    }
    return render(request, "stats/reports.html", context)


# --- Late cases and explanations (R-14.4) -------------------------------------------------------------------------


def _late_items(
    q: Query, done_page: Page[Any] | None, pending_page: Page[Any] | None, now: datetime
) -> tuple[list[Any], list[Any]]:
    done = late_done_items(list(done_page.object_list)) if done_page is not None else []
    pending = (
        late_pending_items(list(pending_page.object_list), q.period.cutoff(now))
        if pending_page is not None
        else []
    )
    return done, pending


@stats_view
@require_http_methods(["GET", "POST"])
def late(request: HttpRequest) -> HttpResponse:
    q = read_query(request)
    user = _user(request)
    now = timezone.now()
    form: dict[str, Any] = {}
    if request.method == "POST":
        form, saved = _save_explanation(request, user, now)
        if saved:
            messages.success(request, _("Đã lưu giải trình."))
            return HttpResponseRedirect(request.get_full_path())
    done_qs = quality.late_done(q.scope, q.period)
    pending_qs = quality.late_pending(q.scope, q.period, now)
    title = _("Các trường hợp trễ hạn, chưa xử lý — %(scope)s, %(period)s") % {
        "scope": q.scope.label,
        "period": q.period.label,
    }
    if request.GET.get("format"):
        done_all, pending_all = (
            late_done_items(list(done_qs)),
            late_pending_items(list(pending_qs), q.period.cutoff(now)),
        )
        table = late_table(done_all + pending_all, title)
        response = export(
            request,
            [table],
            base=_file_base("tre-han", q),
            title=title,
            info=info_rows(q.scope, q.period, now),
        )
        assert response is not None
        return response
    done_page = Paginator(done_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    pending_page = Paginator(pending_qs, PAGE_SIZE).get_page(request.GET.get("cho"))
    done, pending = _late_items(q, done_page, pending_page, now)
    context = {
        **_filter_context(request, q),
        "title": title,
        "done": done,
        "pending": pending,
        "done_page": done_page,
        "pending_page": pending_page,
        "form": form,
        "can_explain": user.role == User.Role.LEADER and user.agency_id is not None,
        "cutoff": q.period.cutoff(now),
        "day_hours": working_day_seconds(get_calendar()) / 3600,
        "page": "late",
    }
    return render(request, "stats/late.html", context, status=400 if form.get("errors") else 200)


def _save_explanation(request: HttpRequest, user: User, now: datetime) -> tuple[dict[str, Any], bool]:
    data = request.POST
    form: dict[str, Any] = {"key": "", "text": data.get("text", ""), "errors": {}}
    try:
        report = Report.objects.get(pk=int(data.get("report", "")))
        due_at = datetime.fromisoformat(data.get("due_at", ""))
        if timezone.is_naive(due_at):
            raise ValueError
        form["key"] = explanation_form_key(report.pk, data.get("step", ""), due_at)
    except (ValueError, Report.DoesNotExist):
        form["errors"]["text"] = _(
            "Không tìm thấy trường hợp trễ hạn cần giải trình. Vui lòng tải lại trang."
        )
        return form, False
    if user.agency is None:
        raise PermissionDenied(_("Tài khoản không thuộc cơ quan nào."))
    try:
        late_explanation_save(
            actor=user,
            report=report,
            step=data.get("step", ""),
            due_at=due_at,
            agency=user.agency,
            text=data.get("text", ""),
            now=now,
        )
    except ValidationError as e:
        form["errors"] = {name: " ".join(msgs) for name, msgs in e.message_dict.items()}
        return form, False
    return form, True


# --- Ranking (R-12.1) -----------------------------------------------------------------------------------------------

RANKED_KINDS = [(k, label) for k, label in Agency.Kind.choices if k != Agency.Kind.SUPERVISOR]


@stats_view
def ranking(request: HttpRequest) -> HttpResponse:
    q = read_query(request)
    kind = request.GET.get("kind", "")
    if kind and kind not in dict(RANKED_KINDS):
        raise Http404(_("Loại cơ quan không hợp lệ."))
    rows, table, weights = ranking_document(q.scope, q.period, kind=kind)
    title = _("Xếp hạng cơ quan xử lý phản ánh, kiến nghị %(period)s") % {"period": q.period.label}
    response = export(
        request,
        [table],
        base=_file_base("xep-hang", q),
        title=title,
        info=[
            *info_rows(q.scope, q.period, timezone.now()),
            (
                _("Công thức"),
                _(
                    "Điểm = 100 × (%(a)s × tỷ lệ bước đúng hạn + %(b)s × tỷ lệ giải quyết + %(c)s × mức hài lòng)"
                    " / tổng trọng số các tỷ lệ có số liệu − %(d)s × số vụ việc quá hạn cuối kỳ; trong khoảng 0–100."
                )
                % {
                    "a": f"{weights.on_time:g}",
                    "b": f"{weights.resolution:g}",
                    "c": f"{weights.satisfaction:g}",
                    "d": f"{weights.overdue:g}",
                },
            ),
        ],
    )
    if response is not None:
        return response
    context = {
        **_filter_context(request, q),
        "rows": rows,
        "table": table,
        "weights": weights,
        "kind": kind,
        "ranked_kinds": RANKED_KINDS,
        "ranked_count": sum(1 for r in rows if r.rank is not None),
        "title": title,
        "page": "ranking",
    }
    return render(request, "stats/ranking.html", context)
