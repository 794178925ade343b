"""Following a public report and «Tôi cũng gặp» from the citizens' app (issue 14, item 9; R-9.2).

No account. «Tôi cũng gặp» counts once per `device` (a random id the app keeps) and is limited per address;
following by SMS confirms the phone with a one-time code (limited per address and per phone); following by
web push takes the browser's subscription. The answers never say whether a phone already follows a report.
"""

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import Throttled
from pydantic import Field

from pakn.api.common import AddressRate
from pakn.api.problems import Problem
from pakn.core.quotas import quota_wait
from pakn.core.ratelimit import client_ip
from pakn.notify import follow as following
from pakn.reports import services
from pakn.reports.duplicates import me_too_add, me_too_count
from pakn.reports.models import Report
from pakn.reports.public import public_queryset

router = Router(tags=["Theo dõi phản ánh"], throttle=[AddressRate("reporter")])


def _report(tracking_code: str) -> Report:
    code = services.normalize_tracking_code(tracking_code)
    report = public_queryset().filter(tracking_code=code).first()
    if report is None:
        raise Http404
    return report


def _throttled(retry_after: int) -> Exception:
    return Throttled(wait=retry_after)


class MeTooIn(Schema):
    device: str = Field(
        min_length=8, max_length=100, description="Mã ngẫu nhiên của thiết bị (ứng dụng tự tạo)"
    )


class MeTooOut(Schema):
    counted: bool = Field(description="Lần đầu thiết bị này báo «Tôi cũng gặp» cho phản ánh")
    count: int = Field(description="Số người cũng gặp")


@router.post(
    "/reports/{tracking_code}/me-too",
    response=MeTooOut,
    summary="«Tôi cũng gặp»: một thiết bị báo cũng gặp sự việc (mỗi thiết bị một lần)",
)
def me_too(request: HttpRequest, tracking_code: str, payload: MeTooIn) -> Any:
    report = _report(tracking_code)
    wait = quota_wait("api-me-too", client_ip(request))
    if wait:
        raise _throttled(wait)
    counted = me_too_add(report=report, voter=f"app:{payload.device}")
    return {"counted": counted, "count": me_too_count(report)}


class PushKeys(Schema):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class FollowIn(Schema):
    phone: str = Field("", max_length=30, description="Số điện thoại nhận SMS (nhận mã xác nhận)")
    endpoint: str = Field("", max_length=2000, description="Thông báo đẩy: địa chỉ của dịch vụ đẩy")
    keys: PushKeys | None = None


class FollowOut(Schema):
    status: Literal["code_sent", "following", "already_reporter"]
    unsubscribe: str = Field("", description="Đường dẫn ngừng theo dõi (khi đã theo dõi)")


@router.post(
    "/reports/{tracking_code}/followers",
    response={200: FollowOut, 202: FollowOut},
    summary="Theo dõi phản ánh công khai: bằng SMS (gửi mã xác nhận) hoặc thông báo đẩy (theo Điều 9 Quy chế)",
)
def follow(request: HttpRequest, tracking_code: str, payload: FollowIn) -> Any:
    report = _report(tracking_code)
    try:
        if payload.endpoint:
            keys = payload.keys or PushKeys(p256dh="", auth="")
            follower = following.follow_by_push(
                report=report,
                endpoint=payload.endpoint,
                p256dh=keys.p256dh,
                auth=keys.auth,
                client=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
            if follower is None:
                return 200, {"status": "already_reporter"}
            return 200, {"status": "following", "unsubscribe": following.unsubscribe_url(follower)}
        following.follow_by_sms(report=report, phone=payload.phone, client=client_ip(request))
    except following.FollowRefused as e:
        raise _throttled(e.retry_after) from e
    return 202, {"status": "code_sent"}


class ConfirmIn(Schema):
    phone: str = Field(max_length=30)
    code: str = Field(max_length=10)


@router.post(
    "/reports/{tracking_code}/followers/confirm",
    response=FollowOut,
    summary="Xác nhận theo dõi bằng mã nhận qua SMS",
)
def follow_confirm(request: HttpRequest, tracking_code: str, payload: ConfirmIn) -> Any:
    report = _report(tracking_code)
    try:
        follower = following.follow_confirm(
            report=report, phone=payload.phone, code=payload.code, client=client_ip(request)
        )
    except following.FollowRefused as e:
        raise _throttled(e.retry_after) from e
    return {"status": "following", "unsubscribe": following.unsubscribe_url(follower)}


class UnfollowIn(Schema):
    token: str = Field(max_length=200, description="Mã trong đường dẫn ngừng theo dõi")


class UnfollowOut(Schema):
    tracking_code: str


@router.post(
    "/followers/unsubscribe",
    response={200: UnfollowOut, 404: Problem},
    summary="Ngừng theo dõi phản ánh (404: mã không hợp lệ hoặc đã ngừng)",
)
def unfollow(request: HttpRequest, payload: UnfollowIn) -> Any:
    report = following.unfollow(token=payload.token)
    if report is None:
        raise Http404
    return {"tracking_code": report.tracking_code}
