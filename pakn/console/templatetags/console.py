"""Template helpers of the staff console: the notification badge (pakn.notify) and state labels."""

from __future__ import annotations

from typing import Any

from django import template

from pakn.notify.selectors import needs_action_count
from pakn.org.access import may_see_statistics

register = template.Library()


@register.simple_tag
def open_notifications(user: Any) -> int:
    """`{% open_notifications request.user as n %}`: the notifications not done (a step still to do, or
    information not read; issue 14, item 7) — 0 for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return needs_action_count(user)


@register.simple_tag
def sees_statistics(user: Any) -> bool:
    """`{% sees_statistics request.user as show_stats %}`: offer the statistics link only to those it serves."""
    return may_see_statistics(user)


STATE_TONES = {
    "received": "info",
    "awaiting_info": "warn",
    "routed": "info",
    "in_progress": "info",
    "awaiting_approval": "warn",
    "coordinating": "warn",
    "resolved": "ok",
    "rejected": "danger",
    "cancelled": "",
}


@register.simple_tag
def state_pill(report: Any) -> str:
    """The report's state as a coloured label (clarification requested shows too)."""
    from django.utils.html import format_html

    tone = STATE_TONES.get(report.state, "")
    pill = format_html(
        '<span class="c-pill{}" data-state="{}">{}</span>',
        f" c-pill--{tone}" if tone else "",
        report.state,
        report.get_state_display(),
    )
    if report.state == "resolved" and getattr(report, "clarification_pending", False):
        pill += format_html(' <span class="c-pill c-pill--warn">{}</span>', "Đề nghị làm rõ")
    return pill
