"""Charts drawn on the server as SVG: no script, no CDN, readable by screen readers (a title and a description),
and always shown beside the table of the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _num(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


def _f(value: float) -> str:
    """A coordinate for SVG: two decimals, a dot."""
    return f"{value:.2f}"


def _svg(ident: str, title: str, desc: str, width: int, height: int, body: str) -> SafeString:
    return format_html(
        '<svg class="s-chart" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        ident,
        width,
        height,
        ident,
        ident,
        ident,
        title,
        ident,
        desc,
        mark_safe(body),  # built below from escaped parts only
    )


def _nice_max(value: float) -> float:
    """A round upper bound for an axis: 1, 2, 5, 10, 20, 50…"""
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if value <= step * factor:
            return step * factor
    return step * 10


def bar_chart(
    ident: str,
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    fmt: Callable[[float], str] = _num,
    limit: int = 15,
) -> SafeString:
    """Horizontal bars, largest first as given; beyond `limit` items the rest are summed as «Khác»."""
    items = list(items)
    if len(items) > limit:
        rest = sum(v for _, v in items[limit - 1 :])
        items = [*items[: limit - 1], (_("Khác"), rest)]
    label_w, bar_w, row_h, value_w = 210, 300, 26, 70
    width, height = label_w + bar_w + value_w, max(row_h * len(items) + 8, 40)
    top = max((v for _, v in items), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        length = bar_w * value / top
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            format_html(
                '<g class="s-bar"><text x="{}" y="{}" text-anchor="end" class="s-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" class="s-value">{}</text></g>',
                label_w - 8,
                _f(y + row_h * 0.62),
                short,
                label_w,
                y + 3,
                _f(max(length, 0.5 if value else 0)),
                row_h - 8,
                label,
                fmt(value),
                _f(label_w + length + 6),
                _f(y + row_h * 0.62),
                fmt(value),
            )
        )
    desc = "; ".join(f"{label}: {fmt(value)}" for label, value in items) or _("Không có số liệu")
    return _svg(ident, title, desc, width, height, "".join(parts))


def day_chart(ident: str, title: str, series: Sequence[tuple[date, int]]) -> SafeString:
    """Columns per day with a y axis (0, half, top) and date labels on the x axis."""
    width, height, left, bottom, top_pad = 640, 220, 40, 28, 10
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    n = max(len(series), 1)
    top = _nice_max(max((v for _, v in series), default=0))
    slot = plot_w / n
    parts = []
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        parts.append(
            format_html(
                '<line class="s-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="s-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                width - 10,
                _f(y),
                _f(y),
                left - 4,
                _f(y + 4),
                _num(top * fraction),
            )
        )
    every = max(1, round(n / 8))
    for i, (day, value) in enumerate(series):
        h = plot_h * value / top
        x = left + i * slot
        parts.append(
            format_html(
                '<rect class="s-col" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                _f(x + slot * 0.1),
                _f(top_pad + plot_h - h),
                _f(max(slot * 0.8, 0.5)),
                _f(h),
                day.strftime("%d/%m/%Y"),
                _num(value),
            )
        )
        if i % every == 0:
            parts.append(
                format_html(
                    '<text class="s-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _f(x + slot / 2),
                    height - 8,
                    day.strftime("%d/%m"),
                )
            )
    total = sum(v for _, v in series)
    busiest = max(series, key=lambda item: item[1]) if series else None
    desc = _("Tổng %(total)s trong %(days)s ngày") % {"total": _num(total), "days": len(series)}
    if busiest and busiest[1]:
        desc += "; " + _("nhiều nhất %(n)s vào ngày %(day)s") % {
            "n": _num(busiest[1]),
            "day": f"{busiest[0]:%d/%m/%Y}",
        }
    return _svg(ident, title, desc, width, height, "".join(parts))


def share_chart(ident: str, title: str, items: Sequence[tuple[str, int, int]]) -> SafeString:
    """For each label, a 100 % bar split into on time (first number) and late (second)."""
    label_w, bar_w, row_h, value_w = 230, 280, 26, 70
    width, height = label_w + bar_w + value_w, max(row_h * len(items) + 8, 40)
    parts = []
    for i, (label, ok, late) in enumerate(items):
        y = 4 + i * row_h
        done = ok + late
        ok_w = bar_w * ok / done if done else 0
        rate = ok / done if done else None
        parts.append(
            format_html(
                '<g><text x="{}" y="{}" text-anchor="end" class="s-label">{}</text>'
                '<rect class="s-ok" x="{}" y="{}" width="{}" height="{}"><title>{}: {} đúng hạn</title></rect>'
                '<rect class="s-late" x="{}" y="{}" width="{}" height="{}"><title>{}: {} trễ hạn</title></rect>'
                '<text x="{}" y="{}" class="s-value">{}</text></g>',
                label_w - 8,
                _f(y + row_h * 0.62),
                label,
                label_w,
                y + 3,
                _f(ok_w),
                row_h - 8,
                label,
                _num(ok),
                _f(label_w + ok_w),
                y + 3,
                _f(bar_w - ok_w if done else 0),
                row_h - 8,
                label,
                _num(late),
                label_w + bar_w + 6,
                _f(y + row_h * 0.62),
                _pct(rate),
            )
        )
    desc = "; ".join(
        _("%(label)s: %(rate)s đúng hạn (%(ok)s/%(done)s)")
        % {"label": label, "rate": _pct(ok / (ok + late) if ok + late else None), "ok": ok, "done": ok + late}
        for label, ok, late in items
    )
    return _svg(ident, title, desc or _("Không có số liệu"), width, height, "".join(parts))


def stack_bar(ident: str, title: str, parts_in: Sequence[tuple[str, int, str]]) -> SafeString:
    """One 100 % bar split into parts (label, count, css class), with a legend below."""
    width, bar_h = 580, 28
    total = sum(v for _, v, _ in parts_in)
    parts, x = [], 0.0
    for label, value, css in parts_in:
        w = width * value / total if total else 0
        parts.append(
            format_html(
                '<rect class="{}" x="{}" y="0" width="{}" height="{}"><title>{}: {} ({})</title></rect>',
                css,
                _f(x),
                _f(w),
                bar_h,
                label,
                _num(value),
                _pct(value / total if total else None),
            )
        )
        x += w
    for i, (label, value, css) in enumerate(parts_in):
        lx = i * (width / max(len(parts_in), 1))
        parts.append(
            format_html(
                '<rect class="{}" x="{}" y="{}" width="12" height="12"/>'
                '<text class="s-label" x="{}" y="{}">{}: {}</text>',
                css,
                _f(lx),
                bar_h + 10,
                _f(lx + 16),
                bar_h + 21,
                label,
                _pct(value / total if total else None),
            )
        )
    desc = "; ".join(f"{label}: {_num(v)} ({_pct(v / total if total else None)})" for label, v, _ in parts_in)
    return _svg(ident, title, desc or _("Không có số liệu"), width, bar_h + 30, "".join(parts))
