"""Template helpers of the statistics: formatted values (Vietnamese separators), tables, query strings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone

from pakn.stats.periods import local_zone
from pakn.stats.tables import Cell, Table, plain

register = template.Library()


@register.filter
def stats_value(value: Any, kind: str = "text") -> str:
    """A value as shown on a page: 1.234 and 75,0 % in Vietnamese, dates as dd/mm/yyyy, none as «—»."""
    value = plain(value)
    if value is None or value == "":
        return "—"
    if kind == "percent":
        return _number(float(value) * 100, 1) + " %"
    if kind == "decimal":
        return _number(float(value), 2)
    if kind == "int" and isinstance(value, int | float):
        return formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    if isinstance(value, datetime):
        return timezone.localtime(value, local_zone()).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, timedelta):
        return _number(value.total_seconds() / 3600, 1) + " giờ"
    return str(value)


def _number(value: float, places: int) -> str:
    """Rounded half away from zero (Django's number_format would cut the digits off), localised."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places, use_l10n=True, force_grouping=True)


@register.filter
def stats_href(value: Any) -> str:
    return value.href if isinstance(value, Cell) else ""


@register.inclusion_tag("stats/_table.html")
def stats_table(table: Table, caption: bool = True, limit: int = 0) -> dict[str, Any]:
    """A table with its caption, header, rows (linked where a figure has a list behind it) and total."""
    columns = table.columns
    rows = table.rows[:limit] if limit else table.rows
    return {
        "table": table,
        "caption": caption,
        "columns": columns,
        "rows": [list(zip(row, columns, strict=True)) for row in rows],
        "total": list(zip(table.total, columns, strict=True)) if table.total is not None else None,
        "hidden": len(table.rows) - len(rows),
    }


@register.simple_tag
def stats_query(params: QueryDict, **changes: Any) -> str:
    """The current query string with some parameters changed (None or "" removes one)."""
    merged = params.copy()
    for name, value in changes.items():
        if value in (None, ""):
            merged.pop(name, None)
        else:
            merged[name] = str(value)
    return "?" + merged.urlencode() if merged else "?"


@register.simple_tag
def stats_params(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@register.simple_tag
def console_report_url(report_id: int) -> str:
    """The console's page of a case (its own permission check decides what the viewer sees there)."""
    try:
        return reverse("console:case", args=[report_id])
    except NoReverseMatch:  # the console is not mounted (a stand-alone statistics deployment)
        return ""


@register.filter
def zip_columns(row: list[Any], columns: list[Any]) -> list[tuple[Any, Any]]:
    return list(zip(row, columns, strict=True))
