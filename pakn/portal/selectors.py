"""Public reads only the portal makes (its filters, map, summary, nearby reports), built on the core's public
queryset (`pakn.reports.public`, R-9.2, R-3.2): personal-data columns are never even decrypted for a page.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pakn.org.models import Area, Category
from pakn.reports.media import public_copy_version
from pakn.reports.models import OPEN_STATES, Attachment, Event, Report, State
from pakn.reports.nearby import Nearby, bounding_box, distance_km, nearby_similar_reports
from pakn.reports.public import attachment_is_public, list_photos, public_queryset
from pakn.reports.search import public_search
from pakn.reports.selectors import PublicReport, public_excerpt, public_report, public_reports

PAGE_SIZE = 20
MAP_LIMIT = 1000


def communes() -> QuerySet[Area]:
    """The active communes and wards, for the form's list and the public filters."""
    return Area.objects.filter(kind=Area.Kind.COMMUNE, is_active=True).order_by("name")


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


# --- Filters of the public list and map -----------------------------------------------------------------

PERIODS = {
    "7d": gettext_lazy("7 ngày qua"),
    "30d": gettext_lazy("30 ngày qua"),
    "month": gettext_lazy("Tháng này"),
    "last_month": gettext_lazy("Tháng trước"),
    "year": gettext_lazy("Năm nay"),
    "last_year": gettext_lazy("Năm trước"),
}
STATUS_GROUPS = {
    "open": gettext_lazy("Đang giải quyết (mọi bước)"),
    "overdue": gettext_lazy("Đang quá hạn"),
}


def period_range(period: str, now: datetime) -> tuple[datetime, datetime] | None:
    """The [start, end) of a named period in local time, or None for «any time»."""
    local = timezone.localtime(now)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    year = month.replace(month=1)
    if period == "7d":
        return now - timedelta(days=7), now + timedelta(seconds=1)
    if period == "30d":
        return now - timedelta(days=30), now + timedelta(seconds=1)
    if period == "month":
        return month, now + timedelta(seconds=1)
    if period == "last_month":
        previous = (month - timedelta(days=1)).replace(day=1)
        return previous, month
    if period == "year":
        return year, now + timedelta(seconds=1)
    if period == "last_year":
        return year.replace(year=year.year - 1), year
    return None


@dataclass(frozen=True)
class PublicFilters:
    category: Category | None = None
    area: Area | None = None
    status: str = ""
    period: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.category or self.area or self.status or self.period or self.text)


def filtered_reports(filters: PublicFilters, *, now: datetime) -> QuerySet[Report]:
    """Public reports matching the filters, newest first."""
    reports = public_queryset()
    if filters.category is not None:
        reports = reports.filter(category=filters.category)
    if filters.area is not None:
        reports = reports.filter(area=filters.area)
    if filters.status == "open":
        reports = reports.filter(state__in=OPEN_STATES)
    elif filters.status == "overdue":
        reports = reports.filter(state__in=OPEN_STATES, overdue_at__lt=now)
    elif filters.status in State.values:
        reports = reports.filter(state=filters.status)
    span = period_range(filters.period, now)
    if span is not None:
        reports = reports.filter(created_at__gte=span[0], created_at__lt=span[1])
    if filters.text.strip():
        reports = public_search(reports, filters.text)
    return reports.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ListedReport(PublicReport):
    """A report as public lists show it: the public type and the address of its list photo (issue 14, item
    12), versioned by the public copy so a browser's cached copy of a replaced photo is not reused."""

    thumbnail: str = ""
    url: str = ""  # its public page


def public_page_items(reports: list[Report], *, now: datetime) -> list[ListedReport]:
    """The public type of each report of a page, with its list photo (one query for the page) and the
    address of its page (reversed once for the page: a tracking code needs no quoting)."""
    photos = list_photos(reports)
    detail_url = reverse("portal:detail", args=["CODE"]).replace("CODE", "{}")
    items = []
    for r in reports:
        public = public_report(r, now=now)
        photo = photos.get(r.pk)
        thumbnail = ""
        if photo is not None:
            url = reverse("portal:photo_sized", args=[r.tracking_code, photo.pk, "mini"])
            thumbnail = f"{url}?v={public_copy_version(photo)}"
        items.append(
            ListedReport(
                **{f.name: getattr(public, f.name) for f in fields(public)},
                thumbnail=thumbnail,
                url=detail_url.format(r.tracking_code),
            )
        )
    return items


MAP_FIELDS = (
    "tracking_code",
    "latitude",
    "longitude",
    "state",
    "category__name",
    "area__name",
    "public_title",
    "public_content",
    "text_public",
    "created_at",
)


class _Markers:
    """Writes map markers; what is the same for every marker (the detail address, the time zone, each
    state's label and tone) is looked up once for the request: a thousand markers, a few states."""

    def __init__(self) -> None:
        self.detail_url = reverse("portal:detail", args=["CODE"]).replace("CODE", "{}")
        self.tz = timezone.get_current_timezone()
        self.labels: dict[str, tuple[str, str]] = {}

    def point(self, row: dict[str, Any]) -> dict[str, Any]:
        from pakn.portal.labels import STATE_TONES, state_label

        state = row["state"]
        if state not in self.labels:
            self.labels[state] = (state_label(state), STATE_TONES.get(state, "new"))
        label, tone = self.labels[state]
        return {
            "code": row["tracking_code"],
            "lat": float(row["latitude"] or 0),  # never None: filtered by the callers
            "lng": float(row["longitude"] or 0),
            "state": state,
            "state_label": label,
            "tone": tone,
            "category": row["category__name"],
            "area": row["area__name"] or "",
            "summary": public_excerpt(
                text_public=row["text_public"],
                public_title=row["public_title"],
                public_content=row["public_content"],
            ),
            "date": row["created_at"].astimezone(self.tz).strftime("%d/%m/%Y"),
            "url": self.detail_url.format(row["tracking_code"]),
        }


def map_points(filters: PublicFilters, *, now: datetime, limit: int = MAP_LIMIT) -> dict[str, Any]:
    """Markers of public reports with a place: no personal data, content shortened and redacted."""
    rows = list(
        filtered_reports(filters, now=now)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values(*MAP_FIELDS)[: limit + 1]
    )
    truncated = len(rows) > limit
    markers = _Markers()
    points = [markers.point(row) for row in rows[:limit]]
    return {"count": len(points), "truncated": truncated, "reports": points}


NEAR_RADIUS_KM = 2.0
NEAR_LIMIT = 50


def near_points(
    latitude: float, longitude: float, *, radius_km: float = NEAR_RADIUS_KM, limit: int = NEAR_LIMIT
) -> dict[str, Any]:
    """Public reports within `radius_km` of a point, nearest first (the home page's "Gần tôi", issue 14 item
    12). The point comes rounded to about a kilometre (the browser rounds it; so does the view): the exact
    distances and the final cut are the browser's, so nobody's precise position reaches the server."""
    candidates = list(
        public_queryset()
        .filter(
            bounding_box(latitude, longitude, radius_km + 1.0),
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("-created_at", "-pk")
        .values(*MAP_FIELDS)[:1000]
    )
    markers = _Markers()
    ranked = sorted(
        (
            (distance_km(latitude, longitude, float(r["latitude"]), float(r["longitude"])), r)
            for r in candidates
        ),
        key=lambda pair: pair[0],
    )
    points = [markers.point(row) for d, row in ranked if d <= radius_km + 1.0][:limit]
    return {"count": len(points), "radius_km": radius_km, "reports": points}


# --- One public report -------------------------------------------------------------------------------------


def public_report_by_code(code: str) -> Report:
    """The public report with this tracking code, or 404 (state secrets and abusive reports do not exist)."""
    report = public_queryset().filter(tracking_code=code).first()
    if report is None:
        raise Http404(_("Không tìm thấy phản ánh."))
    return report


@dataclass(frozen=True)
class PublicPhotos:
    scene: list[Attachment]
    result: list[Attachment]


def public_photos(report: Report) -> PublicPhotos:
    """The report's public photos: the scene (from the reporter) and the result (from the agency)."""
    attachments = (
        Attachment.objects.filter(report=report, kind=Attachment.Kind.IMAGE)
        .exclude(public_file="")
        .only("pk", "report_id", "public_file", "uploaded_by_reporter", "published_by_event", "created_at")
    )
    visible = [a for a in attachments if attachment_is_public(a, report)]
    return PublicPhotos(
        scene=[a for a in visible if a.uploaded_by_reporter],
        result=[a for a in visible if not a.uploaded_by_reporter],
    )


def public_attachment(code: str, pk: int) -> Attachment:
    """A public photo of a public report, or 404: never the private original, never a hidden report's."""
    report = public_report_by_code(code)
    attachment = Attachment.objects.filter(pk=pk, report=report, kind=Attachment.Kind.IMAGE).first()
    if attachment is None or not attachment_is_public(attachment, report):
        raise Http404(_("Không tìm thấy ảnh."))
    return attachment


# --- The public summary (R-9.2) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    this_month: int
    this_year: int
    open_now: int
    resolved_this_year: int
    on_time_this_year: int
    rated_this_year: int
    ratings: dict[str, int]

    @property
    def on_time_percent(self) -> int | None:
        if not self.resolved_this_year:
            return None
        return round(100 * self.on_time_this_year / self.resolved_this_year)

    def rating_percent(self, rating: str) -> int | None:
        if not self.rated_this_year:
            return None
        return round(100 * self.ratings.get(rating, 0) / self.rated_this_year)

    @property
    def satisfied_percent(self) -> int | None:
        return self.rating_percent("satisfied")

    @property
    def acceptable_percent(self) -> int | None:
        return self.rating_percent("acceptable")

    @property
    def unsatisfied_percent(self) -> int | None:
        return self.rating_percent("unsatisfied")


SUMMARY_CACHE_SECONDS = 60


def public_summary(*, now: datetime | None = None, use_cache: bool = True) -> Summary:
    """Reports this month and this year, how many were resolved with every step on time, and the ratings.

    A resolved report counts as on time when none of its steps finished after a deadline of Decision 826
    (R-7; internal targets do not count).
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    key = f"portal:summary:{local:%Y-%m-%d-%H-%M}"
    if use_cache and (cached := cache.get(key)) is not None:
        return cached  # type: ignore[no-any-return]
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    year_start = month_start.replace(month=1)
    reports = public_reports()
    resolved = reports.filter(state=State.RESOLVED, resolved_at__gte=year_start)
    late = Event.objects.filter(report=OuterRef("pk"), statutory=True, on_time=False)  # Decision 826 only
    ratings = dict(
        reports.filter(rated_at__gte=year_start)
        .exclude(rating="")
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    summary = Summary(
        this_month=reports.filter(created_at__gte=month_start).count(),
        this_year=reports.filter(created_at__gte=year_start).count(),
        open_now=reports.filter(state__in=OPEN_STATES).count(),
        resolved_this_year=resolved.count(),
        on_time_this_year=resolved.exclude(Exists(late)).count(),
        rated_this_year=sum(ratings.values()),
        ratings=ratings,
    )
    if use_cache:
        cache.set(key, summary, SUMMARY_CACHE_SECONDS)
    return summary


# --- Before sending: similar reports nearby (pakn.reports.nearby, shared with the console) ------------------

__all__ = ["Nearby", "distance_km", "nearby_similar_reports"]
