"""Reporting periods (month, quarter, year or any range of days) in the local time zone, and the one before.

A period is the half-open interval [start, end) between two local midnights: "March 2026" starts at
2026-03-01 00:00 and ends at 2026-04-01 00:00, Asia/Ho_Chi_Minh (R-10.3, R-13.2, R-14.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = ("month", "quarter", "year", "range")
KIND_LABELS = {
    "month": gettext_lazy("Tháng"),
    "quarter": gettext_lazy("Quý"),
    "year": gettext_lazy("Năm"),
    "range": gettext_lazy("Khoảng thời gian"),
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# A range longer than this is refused: ten years of daily charts help nobody and cost the database.
MAX_RANGE_DAYS = 3660


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(d: date) -> datetime:
    return datetime.combine(d, time.min).replace(tzinfo=local_zone())


@dataclass(frozen=True)
class Period:
    """A reporting period: `kind` and its first and last day (both included)."""

    kind: str
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return local_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return local_midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def cutoff(self, now: datetime | None = None) -> datetime:
        """The moment at which the situation of the period is read: its end, or now while it runs."""
        now = now or timezone.now()
        return min(self.end, now)

    def is_running(self, now: datetime | None = None) -> bool:
        return self.end > (now or timezone.now())

    @property
    def label(self) -> str:
        """In Vietnamese: «tháng 3 năm 2026», «quý I năm 2026», «năm 2026», «từ 01/03/2026 đến 15/03/2026»."""
        if self.kind == "month":
            return _("tháng %(month)s năm %(year)s") % {
                "month": self.first_day.month,
                "year": self.first_day.year,
            }
        if self.kind == "quarter":
            roman = ROMAN[(self.first_day.month - 1) // 3 + 1]
            return _("quý %(quarter)s năm %(year)s") % {"quarter": roman, "year": self.first_day.year}
        if self.kind == "year":
            return _("năm %(year)s") % {"year": self.first_day.year}
        return _("từ %(first)s đến %(last)s") % {
            "first": f"{self.first_day:%d/%m/%Y}",
            "last": f"{self.last_day:%d/%m/%Y}",
        }

    @property
    def slug(self) -> str:
        """A short name for file names: 2026-03, 2026-Q1, 2026, 2026-03-01_2026-03-15."""
        if self.kind == "month":
            return f"{self.first_day:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first_day.year)
        return f"{self.first_day:%Y-%m-%d}_{self.last_day:%Y-%m-%d}"

    def previous(self) -> Period:
        """The period just before, of the same kind (a range: the same number of days)."""
        if self.kind == "month":
            last = self.first_day - timedelta(days=1)
            return month(last.year, last.month)
        if self.kind == "quarter":
            last = self.first_day - timedelta(days=1)
            return quarter(last.year, (last.month - 1) // 3 + 1)
        if self.kind == "year":
            return year(self.first_day.year - 1)
        return Period("range", self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))

    def query(self) -> dict[str, str]:
        """The query parameters that select this period (see `period_from_query`)."""
        params = {"period": self.kind, "year": str(self.first_day.year)}
        if self.kind == "month":
            params["month"] = str(self.first_day.month)
        elif self.kind == "quarter":
            params["quarter"] = str((self.first_day.month - 1) // 3 + 1)
        elif self.kind == "range":
            params = {"period": "range", "from": self.first_day.isoformat(), "to": self.last_day.isoformat()}
        return params


def month(y: int, m: int) -> Period:
    first = date(y, m, 1)
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return Period("month", first, nxt - timedelta(days=1))


def quarter(y: int, q: int) -> Period:
    first = date(y, 3 * (q - 1) + 1, 1)
    last = month(y, 3 * q).last_day
    return Period("quarter", first, last)


def year(y: int) -> Period:
    return Period("year", date(y, 1, 1), date(y, 12, 31))


def date_range(first: date, last: date) -> Period:
    return Period("range", first, last)


def current_month(now: datetime | None = None) -> Period:
    today = timezone.localtime(now or timezone.now(), local_zone()).date()
    return month(today.year, today.month)


INT_MESSAGES = {
    "year": (gettext_lazy("Vui lòng nhập năm là một số."), gettext_lazy("Năm phải từ %(low)s đến %(high)s.")),
    "month": (
        gettext_lazy("Vui lòng nhập tháng là một số."),
        gettext_lazy("Tháng phải từ %(low)s đến %(high)s."),
    ),
    "quarter": (
        gettext_lazy("Vui lòng nhập quý là một số."),
        gettext_lazy("Quý phải từ %(low)s đến %(high)s."),
    ),
}
DATE_MESSAGES = {
    "from": gettext_lazy("Vui lòng nhập ngày bắt đầu dạng ngày/tháng/năm hợp lệ."),
    "to": gettext_lazy("Vui lòng nhập ngày kết thúc dạng ngày/tháng/năm hợp lệ."),
}


def _int(params: Mapping[str, str], name: str, low: int, high: int) -> int:
    raw = (params.get(name) or "").strip()
    not_a_number, out_of_range = INT_MESSAGES[name]
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: str(not_a_number)}) from None
    if not low <= value <= high:
        raise ValidationError({name: str(out_of_range) % {"low": low, "high": high}})
    return value


def _date(params: Mapping[str, str], name: str) -> date:
    raw = (params.get(name) or "").strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: str(DATE_MESSAGES[name])}) from None


def period_from_query(params: Mapping[str, str], *, default: Period | None = None) -> Period:
    """The period named by query parameters: period=month&year=2026&month=3, period=quarter&quarter=1,
    period=year, or period=range&from=2026-03-01&to=2026-03-15. No `period`: the default (this month).

    Raises ValidationError with a Vietnamese message per field.
    """
    kind = (params.get("period") or "").strip()
    if not kind:
        return default or current_month()
    if kind not in KINDS:
        raise ValidationError({"period": _("Loại kỳ báo cáo không hợp lệ.")})
    if kind == "range":
        first, last = _date(params, "from"), _date(params, "to")
        if last < first:
            raise ValidationError({"to": _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")})
        if (last - first).days >= MAX_RANGE_DAYS:
            raise ValidationError({"to": _("Khoảng thời gian tối đa là 10 năm.")})
        return date_range(first, last)
    y = _int(params, "year", 2000, 2100)
    if kind == "month":
        return month(y, _int(params, "month", 1, 12))
    if kind == "quarter":
        return quarter(y, _int(params, "quarter", 1, 4))
    return year(y)
