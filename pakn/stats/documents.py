"""The pages of the statistics as data: the periodic report, the per-agency table, the late cases, the ranking.

Each builder returns the figures and the Tables drawn from them; the HTML page, the print page, the .xlsx and
the .csv all render those same Tables (pakn.stats.tables).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pakn.org.models import Agency
from pakn.stats import figures as F
from pakn.stats import quality, series
from pakn.stats.people import people, people_table
from pakn.stats.periods import Period, local_zone
from pakn.stats.ranking import Ranked, Weights, ranking
from pakn.stats.scope import Scope
from pakn.stats.tables import Cell, Column, Table

COUNT_COLUMNS = [
    Column(gettext_lazy("Tiếp nhận"), "int"),
    Column(gettext_lazy("Đã xử lý"), "int"),
    Column(gettext_lazy("Đúng hạn"), "int"),
    Column(gettext_lazy("Trễ hạn"), "int"),
    Column(gettext_lazy("Đang xử lý cuối kỳ"), "int"),
    Column(gettext_lazy("Quá hạn cuối kỳ"), "int"),
    Column(gettext_lazy("Từ chối"), "int"),
    Column(gettext_lazy("Hủy"), "int"),
]
COUNT_ORDER = ("received", "handled", "on_time", "late", "open", "overdue", "rejected", "cancelled")


def figure_link(figure: str, scope: Scope, period: Period, **filters: Any) -> str:
    """The list of the reports behind a figure."""
    params = {"figure": figure, **period.query(), **scope.query()}
    params.update({k: "" if v is None else str(v) for k, v in filters.items()})
    return reverse("stats:reports") + "?" + urlencode(params)


def overdue_link(scope: Scope) -> str:
    """The list of the cases overdue now (no period)."""
    return reverse("stats:reports") + "?" + urlencode({"figure": "overdue_now", **scope.query()})


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 3600


def _change(now_value: float, before: float) -> float | None:
    return (now_value - before) / before if before else None


def count_cells(counts: F.Counts, link: Callable[[str], str] | None) -> list[Any]:
    return [Cell(counts.get(f), link(f) if link and counts.get(f) else "") for f in COUNT_ORDER]


def _total(tables_rows: list[F.Row]) -> F.Counts:
    total = F.Counts()
    for row in tables_rows:
        for name in ("received", "handled", "late", "open", "overdue", "rejected", "cancelled"):
            setattr(total, name, getattr(total, name) + row.counts.get(name))
    return total


@dataclass
class PeriodicReport:
    """R-10.3, R-13.2: the figures of a period for a scope, against the previous period."""

    scope: Scope
    period: Period
    previous: Period
    generated_at: datetime
    totals: F.Counts
    previous_totals: F.Counts
    satisfaction: quality.Satisfaction
    previous_satisfaction: quality.Satisfaction
    handling: quality.HandlingTime
    previous_handling: quality.HandlingTime
    steps: list[quality.StepShare]
    previous_steps: list[quality.StepShare]
    dimensions: dict[str, list[F.Row]]
    agencies: list[tuple[Agency, F.AgencyFigures]]
    tables: list[Table] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("Báo cáo kết quả tiếp nhận, xử lý phản ánh, kiến nghị %(period)s") % {
            "period": self.period.label
        }

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    @property
    def info(self) -> list[tuple[str, str]]:
        return info_rows(self.scope, self.period, self.generated_at)


def info_rows(scope: Scope, period: Period, generated_at: datetime) -> list[tuple[str, str]]:
    local = timezone.localtime(generated_at, local_zone())
    return [
        (_("Phạm vi"), scope.label),
        (_("Kỳ báo cáo"), f"{period.label} ({period.first_day:%d/%m/%Y} – {period.last_day:%d/%m/%Y})"),
        (_("Thời điểm lập"), f"{local:%d/%m/%Y %H:%M}"),
        (_("Múi giờ"), str(local_zone())),
        (_("Cách tính"), _("Định nghĩa từng chỉ tiêu: docs/statistics.md (Hướng dẫn › Thống kê)")),
    ]


SUMMARY_NAMES = [
    ("received", gettext_lazy("Số phản ánh tiếp nhận trong kỳ")),
    ("handled", gettext_lazy("Số phản ánh đã xử lý (có kết quả) trong kỳ")),
    ("on_time", gettext_lazy("  trong đó: xử lý đúng hạn")),
    ("late", gettext_lazy("  trong đó: xử lý trễ hạn")),
    ("open", gettext_lazy("Số phản ánh đang xử lý cuối kỳ")),
    ("overdue", gettext_lazy("  trong đó: đã quá hạn")),
    ("rejected", gettext_lazy("Số phản ánh từ chối tiếp nhận")),
    ("cancelled", gettext_lazy("Số phản ánh hủy do không bổ sung thông tin")),
]


def periodic_report(
    scope: Scope, period: Period, now: datetime | None = None, *, staff: bool = False
) -> PeriodicReport:
    """The report's tables; with `staff`, also the sheet of each official's figures (R-15.3), for those who
    may see them (pakn.stats.people.may_see_others)."""
    now = now or timezone.now()
    previous = period.previous()
    figures = F.breakdown(scope, period, now)
    report = PeriodicReport(
        scope=scope,
        period=period,
        previous=previous,
        generated_at=now,
        totals=figures.totals,
        previous_totals=F.totals(scope, previous, now),
        satisfaction=quality.satisfaction(scope, period),
        previous_satisfaction=quality.satisfaction(scope, previous),
        handling=quality.handling_time(scope, period),
        previous_handling=quality.handling_time(scope, previous),
        steps=quality.steps_on_time(scope, period),
        previous_steps=quality.steps_on_time(scope, previous),
        dimensions=figures.dimensions,
        agencies=agency_rows(scope, period, now),
    )
    report.tables = [
        summary_table(report),
        rates_table(report),
        *[dimension_table(report, d) for d in F.DIMENSIONS],
        agency_table(scope, period, report.agencies),
        satisfaction_table(report),
        steps_table(report.steps),
    ]
    if staff:
        title = _("Kết quả của từng cán bộ %(period)s (theo Điều 15 Quy chế)") % {"period": period.label}
        report.tables.append(people_table(people(scope, period, now=now), title))
    return report


def summary_table(r: PeriodicReport) -> Table:
    t = Table(
        "summary",
        _("Tổng hợp"),
        _("Tổng hợp %(period)s, so với %(previous)s")
        % {"period": r.period.label, "previous": r.previous.label},
        [
            Column(_("Chỉ tiêu")),
            Column(_("Kỳ này"), "int"),
            Column(_("Kỳ trước"), "int"),
            Column(_("Tăng (+), giảm (−)"), "int"),
            Column(_("Tỷ lệ tăng, giảm"), "percent"),
        ],
    )
    for figure, name in SUMMARY_NAMES:
        value, before = r.totals.get(figure), r.previous_totals.get(figure)
        t.add(
            name,
            Cell(value, figure_link(figure, r.scope, r.period) if value else ""),
            Cell(before, figure_link(figure, r.scope, r.previous) if before else ""),
            value - before,
            _change(value, before),
        )
    return t


def steps_rate(steps: list[quality.StepShare]) -> float | None:
    done = sum(s.done for s in steps)
    return F.ratio(sum(s.on_time for s in steps), done)


def rates_table(r: PeriodicReport) -> Table:
    t = Table(
        "rates",
        _("Tỷ lệ và thời gian"),
        _("Tỷ lệ đúng hạn, mức hài lòng và thời gian xử lý"),
        [Column(_("Chỉ tiêu")), Column(_("Kỳ này"), "decimal"), Column(_("Kỳ trước"), "decimal")],
        note=_("Tỷ lệ tính theo phần trăm; thời gian tính theo giờ, từ lúc gửi phản ánh đến lúc có kết quả."),
    )

    def pct(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 2)

    t.add(
        _("Tỷ lệ phản ánh xử lý đúng hạn (%)"),
        pct(r.totals.on_time_rate),
        pct(r.previous_totals.on_time_rate),
    )
    t.add(
        _("Tỷ lệ các bước thực hiện đúng hạn (%)"),
        pct(steps_rate(r.steps)),
        pct(steps_rate(r.previous_steps)),
    )
    t.add(
        _("Tỷ lệ hài lòng (%)"),
        pct(r.satisfaction.share("satisfied")),
        pct(r.previous_satisfaction.share("satisfied")),
    )
    t.add(
        _("Thời gian xử lý — trung vị (giờ)"), _hours(r.handling.median), _hours(r.previous_handling.median)
    )
    t.add(
        _("Thời gian xử lý — 90% phản ánh trong vòng (giờ)"),
        _hours(r.handling.p90),
        _hours(r.previous_handling.p90),
    )
    return t


def dimension_table(r: PeriodicReport, dimension: str) -> Table:
    label = F.DIMENSIONS[dimension]
    rows = r.dimensions[dimension]
    t = Table(
        dimension,
        {"category": _("Theo lĩnh vực"), "channel": _("Theo kênh"), "area": _("Theo địa bàn")}[dimension],
        _("Kết quả theo %(dimension)s") % {"dimension": label.lower()},
        [Column(label), *COUNT_COLUMNS],
    )
    for row in rows:
        key = "none" if row.key is None else row.key

        def link(figure: str, key: Any = key) -> str:
            return figure_link(figure, r.scope, r.period, **{dimension: key})

        t.add(row.label, *count_cells(row.counts, link))
    t.total = [_("Tổng cộng"), *count_cells(_total(rows), lambda f: figure_link(f, r.scope, r.period))]
    return t


def agency_rows(scope: Scope, period: Period, now: datetime | None) -> list[tuple[Agency, F.AgencyFigures]]:
    found = F.per_agency(scope, period, now)
    agencies = Agency.objects.in_bulk(list(found))
    rows = [(agencies[pk], f) for pk, f in found.items() if pk in agencies]
    return sorted(rows, key=lambda row: (row[0].kind, row[0].name))


def agency_table(scope: Scope, period: Period, rows: list[tuple[Agency, F.AgencyFigures]]) -> Table:
    t = Table(
        "agencies",
        _("Theo cơ quan"),
        _("Kết quả theo cơ quan xử lý"),
        [
            Column(_("Cơ quan")),
            Column(_("Loại")),
            *COUNT_COLUMNS,
            Column(_("Bước thực hiện"), "int"),
            Column(_("Bước đúng hạn"), "percent"),
            Column(_("Lượt đánh giá"), "int"),
            Column(_("Hài lòng"), "percent"),
        ],
        note=_("Một phản ánh đi qua nhiều cơ quan được tính cho từng cơ quan; vì vậy không cộng các dòng."),
    )
    for agency, f in rows:
        row_scope = scope.narrowed(agency)

        def link(figure: str, row_scope: Scope = row_scope) -> str:
            return figure_link(figure, row_scope, period)

        t.add(
            agency.name,
            agency.get_kind_display(),
            *count_cells(f.counts, link),
            f.steps,
            f.step_on_time_rate,
            f.rated,
            f.satisfied / f.rated if f.rated else None,
        )
    return t


def satisfaction_table(r: PeriodicReport) -> Table:
    t = Table(
        "satisfaction",
        _("Mức độ hài lòng"),
        _("Đánh giá của người phản ánh (theo Điều 8 Quy chế)"),
        [
            Column(_("Mức đánh giá")),
            Column(_("Kỳ này"), "int"),
            Column(_("Tỷ lệ kỳ này"), "percent"),
            Column(_("Kỳ trước"), "int"),
            Column(_("Tỷ lệ kỳ trước"), "percent"),
        ],
    )
    for (rating, label, n, share), (_r, _l, before, before_share) in zip(
        r.satisfaction.shares, r.previous_satisfaction.shares, strict=True
    ):
        del rating
        t.add(label, n, share, before, before_share)
    t.total = [_("Tổng số lượt đánh giá"), r.satisfaction.rated, None, r.previous_satisfaction.rated, None]
    return t


def steps_table(steps: list[quality.StepShare]) -> Table:
    t = Table(
        "steps",
        _("Theo bước xử lý"),
        _("Các bước của quy trình thực hiện trong kỳ (Điều 7)"),
        [
            Column(_("Bước")),
            Column(_("Đã thực hiện"), "int"),
            Column(_("Đúng hạn"), "int"),
            Column(_("Trễ hạn"), "int"),
            Column(_("Tỷ lệ đúng hạn"), "percent"),
        ],
    )
    for s in steps:
        t.add(s.label, s.done, s.on_time, s.late, s.rate)
    done, ok = sum(s.done for s in steps), sum(s.on_time for s in steps)
    t.total = [_("Tổng cộng"), done, ok, done - ok, F.ratio(ok, done)]
    return t


# --- Ranking (R-12.1) --------------------------------------------------------------------------------------------


def ranking_table(rows: list[Ranked], scope: Scope, period: Period) -> Table:
    t = Table(
        "ranking",
        _("Xếp hạng"),
        _("Xếp hạng cơ quan xử lý phản ánh, kiến nghị %(period)s") % {"period": period.label},
        [
            Column(_("Hạng"), "int"),
            Column(_("Cơ quan")),
            Column(_("Loại")),
            Column(_("Điểm"), "decimal"),
            Column(_("Bước đúng hạn"), "int"),
            Column(_("Bước đã thực hiện"), "int"),
            Column(_("Tỷ lệ bước đúng hạn"), "percent"),
            Column(_("Đã xử lý"), "int"),
            Column(_("Đang xử lý cuối kỳ"), "int"),
            Column(_("Tỷ lệ giải quyết"), "percent"),
            Column(_("Hài lòng"), "int"),
            Column(_("Chấp nhận được"), "int"),
            Column(_("Không hài lòng"), "int"),
            Column(_("Mức hài lòng"), "percent"),
            Column(_("Quá hạn cuối kỳ"), "int"),
            Column(_("Tiếp nhận"), "int"),
        ],
    )
    for r in rows:
        f = r.figures
        row_scope = scope.narrowed(r.agency)

        def link(figure: str, value: int, row_scope: Scope = row_scope) -> Cell:
            return Cell(value, figure_link(figure, row_scope, period) if value else "")

        t.add(
            r.rank,
            r.agency.name,
            r.agency.get_kind_display(),
            None if r.score is None else round(r.score, 2),
            f.steps_on_time,
            f.steps,
            f.step_on_time_rate,
            link("handled", f.counts.handled),
            link("open", f.counts.open),
            f.resolution_rate,
            f.satisfied,
            f.acceptable,
            f.unsatisfied,
            f.satisfaction_score,
            link("overdue", f.counts.overdue),
            link("received", f.counts.received),
        )
    return t


def ranking_document(
    scope: Scope, period: Period, *, now: datetime | None = None, kind: str = ""
) -> tuple[list[Ranked], Table, Weights]:
    weights = Weights.from_settings()
    rows = ranking(scope, period, now=now, kind=kind, weights=weights)
    return rows, ranking_table(rows, scope, period), weights


# --- The list behind a figure ------------------------------------------------------------------------------------


def reports_table(reports: list[Any], title: str) -> Table:
    t = Table(
        "reports",
        _("Danh sách"),
        title,
        [
            Column(_("Mã phản ánh")),
            Column(_("Lĩnh vực")),
            Column(_("Kênh")),
            Column(_("Địa bàn")),
            Column(_("Trạng thái hiện nay")),
            Column(_("Cơ quan đang giữ")),
            Column(_("Gửi lúc"), "datetime"),
            Column(_("Có kết quả lúc"), "datetime"),
            Column(_("Hạn bước hiện tại"), "datetime"),
            Column(_("Đánh giá")),
        ],
    )
    for r in reports:
        t.add(
            r.tracking_code,
            r.category.name,
            r.get_channel_display(),
            r.area.name if r.area_id else "",
            r.get_state_display(),
            r.agency.name,
            r.created_at,
            r.resolved_at,
            r.due_at,
            r.get_rating_display() if r.rating else "",
        )
    return t


# --- Dashboard ----------------------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """What the supervisor or a leader looks at first (R-10.1): the period's flow and what is overdue now."""

    scope: Scope
    period: Period
    now: datetime
    totals: F.Counts
    per_day: list[tuple[Any, int]]
    received_by: dict[str, list[tuple[Any, str, int]]]
    by_state: list[tuple[str, str, int]]
    map_cells: list[series.MapCell]
    steps: list[quality.StepShare]
    handling: quality.HandlingTime
    satisfaction: quality.Satisfaction
    overdue_count: int
    overdue_by_agency: list[tuple[int, str, int]]
    overdue_by_step: list[tuple[str, str, int]]
    overdue_oldest: list[Any]
    tables: list[Table] = field(default_factory=list)

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    @property
    def info(self) -> list[tuple[str, str]]:
        return info_rows(self.scope, self.period, self.now)


OVERDUE_SHOWN = 10


def dashboard(scope: Scope, period: Period, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    overdue = series.overdue_now(scope, now)
    d = Dashboard(
        scope=scope,
        period=period,
        now=now,
        totals=F.totals(scope, period, now),
        per_day=series.received_per_day(scope, period),
        received_by={dim: series.received_by(dim, scope, period) for dim in F.DIMENSIONS},
        by_state=series.received_by_state(scope, period),
        map_cells=series.received_map(scope, period),
        steps=quality.steps_on_time(scope, period),
        handling=quality.handling_time(scope, period),
        satisfaction=quality.satisfaction(scope, period),
        overdue_count=overdue.count(),
        overdue_by_agency=series.overdue_by_agency(scope, now),
        overdue_by_step=series.overdue_by_step(scope, now),
        overdue_oldest=list(
            overdue.select_related("agency", "category").order_by("overdue_at", "pk")[:OVERDUE_SHOWN]
        ),
    )
    d.tables = dashboard_tables(d)
    return d


def dashboard_tables(d: Dashboard) -> list[Table]:
    """The dashboard's tables (its .xlsx and .csv), one per card, in the page's order.

    Long by design: a list of tables, each a few lines, in the order of the page (issue 12)."""
    link_scope, period = d.scope, d.period
    per_day = Table(
        "per_day",
        _("Theo ngày"),
        _("Phản ánh tiếp nhận theo ngày"),
        [Column(_("Ngày"), "date"), Column(_("Tiếp nhận"), "int")],
    )
    for day, n in d.per_day:
        per_day.add(day, n)
    per_day.total = [_("Tổng cộng"), sum(n for _day, n in d.per_day)]
    tables = [per_day]
    for dim, name in (
        ("category", _("Theo lĩnh vực")),
        ("channel", _("Theo kênh")),
        ("area", _("Theo địa bàn")),
    ):
        t = Table(
            dim,
            name,
            _("Phản ánh tiếp nhận theo %(dimension)s") % {"dimension": F.DIMENSIONS[dim].lower()},
            [Column(F.DIMENSIONS[dim]), Column(_("Tiếp nhận"), "int"), Column(_("Tỷ lệ"), "percent")],
        )
        total = sum(n for _k, _l, n in d.received_by[dim])
        for key, label, n in d.received_by[dim]:
            href = figure_link("received", link_scope, period, **{dim: "none" if key is None else key})
            t.add(label, Cell(n, href), n / total if total else None)
        t.total = [_("Tổng cộng"), total, 1.0 if total else None]
        tables.append(t)
    cells = Table(
        "map",
        _("Bản đồ"),
        _("Mật độ phản ánh (ô lưới 0,01°)"),
        [Column(_("Vĩ độ"), "decimal"), Column(_("Kinh độ"), "decimal"), Column(_("Tiếp nhận"), "int")],
    )
    for c in d.map_cells:
        cells.add(c.latitude, c.longitude, c.count)
    tables.append(cells)
    states = Table(
        "states",
        _("Theo trạng thái"),
        _("Phản ánh tiếp nhận trong kỳ theo trạng thái hiện nay"),
        [Column(_("Trạng thái")), Column(_("Số phản ánh"), "int")],
    )
    for _state, label, n in d.by_state:
        states.add(label, n)
    states.total = [_("Tổng cộng"), sum(n for _s, _l, n in d.by_state)]
    tables.append(states)
    tables.append(steps_table(d.steps))
    handling = Table(
        "handling",
        _("Thời gian xử lý"),
        _("Thời gian từ lúc gửi đến lúc có kết quả, các phản ánh có kết quả trong kỳ"),
        [
            Column(_("Số phản ánh có kết quả"), "int"),
            Column(_("Trung vị (giờ)"), "decimal"),
            Column(_("90% trong vòng (giờ)"), "decimal"),
            Column(_("Trung bình (giờ)"), "decimal"),
        ],
    )
    h = d.handling
    handling.add(h.count, _hours(h.median), _hours(h.p90), _hours(h.mean))
    tables.append(handling)
    sat = Table(
        "satisfaction",
        _("Mức độ hài lòng"),
        _("Đánh giá của người phản ánh trong kỳ"),
        [Column(_("Mức đánh giá")), Column(_("Số lượt"), "int"), Column(_("Tỷ lệ"), "percent")],
    )
    for _r, label, n, share in d.satisfaction.shares:
        sat.add(label, n, share)
    sat.total = [_("Tổng cộng"), d.satisfaction.rated, 1.0 if d.satisfaction.rated else None]
    tables.append(sat)
    overdue = Table(
        "overdue",
        _("Quá hạn hiện nay"),
        _("Phản ánh đang quá hạn theo cơ quan"),
        [Column(_("Cơ quan")), Column(_("Số phản ánh quá hạn"), "int")],
    )
    for pk, name, n in d.overdue_by_agency:
        agency_scope = Scope(Agency(pk=pk, name=name), frozenset({pk}), exact=True)
        overdue.add(name, Cell(n, overdue_link(agency_scope)))
    overdue.total = [_("Tổng cộng"), Cell(d.overdue_count, overdue_link(d.scope) if d.overdue_count else "")]
    tables.append(overdue)
    return tables
