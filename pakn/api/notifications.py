"""The staff notification feed of the API: the very notifications the console's bell shows (pakn.notify),
due-soon and overdue warnings included (R-7, R-10.1), with their read state shared between the two."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from pakn.api import schemas as s
from pakn.api.common import decode_cursor, encode_cursor, staff_auth, staff_of
from pakn.core.links import absolute
from pakn.notify.models import Notification
from pakn.notify.selectors import needs_action_count, notifications_for, unread_count
from pakn.notify.services import notification_mark_read, notifications_mark_all_read

router = Router(tags=["Cán bộ: thông báo"], auth=staff_auth)


class NotificationFilters(Schema):
    unread: bool = Field(False, description="Only the notifications not read yet")
    open: bool = Field(False, description="Only the notifications not done (that still need action)")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page")
    limit: int = Field(30, ge=1, le=100)


def _out(request: HttpRequest, n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "at": n.created_at,
        "kind": n.kind,
        "kind_label": n.kind_label,
        "title": n.title,
        "text": n.body,
        "url": absolute(request, n.url) if n.url else None,
        "case_id": n.report_id,
        "tracking_code": n.report.tracking_code if n.report else None,
        "read_at": n.read_at,
        "asks_action": n.asks_action,
        "done_at": n.done_at,
    }


@router.get("", response=s.NotificationPage, summary="Thông báo của tôi (như chuông trên bảng điều khiển)")
def notification_list(request: HttpRequest, filters: Query[NotificationFilters]) -> Any:
    """Newest first; `needs_action` counts those not done (the bell's badge), `unread` those not read."""
    user = staff_of(request)
    try:
        cursor = decode_cursor(filters.cursor)
    except ValueError as e:
        raise ValidationError({"cursor": "Con trỏ phân trang không hợp lệ."}) from e
    qs = notifications_for(user, unread_only=filters.unread, open_only=filters.open)
    if cursor:
        moment, pk = cursor
        qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-pk")[: filters.limit + 1])
    page, more = rows[: filters.limit], len(rows) > filters.limit
    return {
        "items": [_out(request, n) for n in page],
        "next_cursor": encode_cursor(page[-1].created_at, page[-1].pk) if more else None,
        "unread": unread_count(user),
        "needs_action": needs_action_count(user),
    }


@router.post("/{notification_id}/read", response=s.NotificationOut, summary="Đánh dấu một thông báo đã đọc")
def notification_read(request: HttpRequest, notification_id: int) -> Any:
    try:
        notification = notification_mark_read(user=staff_of(request), notification_id=notification_id)
    except Notification.DoesNotExist as e:
        raise Http404 from e
    return _out(request, notification)


@router.post("/read-all", response=s.NotificationsRead, summary="Đánh dấu mọi thông báo đã đọc")
def notifications_read_all(request: HttpRequest) -> Any:
    return {"marked": notifications_mark_all_read(user=staff_of(request))}
