"""Followers of a public report (issue 14, item 9; R-9.2): anyone may follow a public report by SMS (a phone
confirmed with a one-time code) or by web push, and is told of its public updates (forwarded, escalated,
result published); every message carries a link to stop. The reporter of a duplicate is told of the link
and follows the original.

Personal data (R-3.2): a follower's phone is encrypted, looked up by its keyed hash, sent to the gateway
only inside an encrypted delivery, and never written to a log line nor shown anywhere public. The one-time
code is kept only as a keyed hash; the SMS that carries it holds it in the outbox's encrypted part.

`followers_for_event` is a listener of the timeline (registered by NotifyConfig.ready), like the outbox hook
of pakn.notify.services: whatever it writes commits or rolls back with the change.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pakn.core.crypto import lookup_hash
from pakn.core.ratelimit import rate_hit
from pakn.notify.models import Channel, Delivery, Follower, Kind, OutboxMessage, PushSubscription
from pakn.notify.services import (
    Planned,
    _check_subscription,
    _endpoint_hash,
    code_sms_queue,
    deliveries_queue,
    outbox_write,
    push_enabled,
    report_context,
)
from pakn.reports.models import Event, Report, State
from pakn.reports.validators import normalize_phone

CODE_MINUTES = 10
CODE_ATTEMPTS = 5
# Public updates a follower hears of (the actions whose public entry changes where the case stands).
FOLLOWED_ACTIONS = {
    "forward": "Đã chuyển đến cơ quan xử lý",
    "escalate": "Đã chuyển lên cấp trên xử lý",
    "take_over": "Văn phòng UBND tỉnh chủ trì xử lý",
    "approve": "Đã có kết quả xử lý",
    "publish_result": "Đã có kết quả xử lý",
}
_SALT = "pakn.notify.follow.unsubscribe"


class FollowRefused(ValidationError):
    """Over a rate limit: `retry_after` seconds to wait."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


def followable(report: Report) -> bool:
    """Only what the public may see can be followed (R-9.2): not a state secret, not abusive, not closed
    without a result."""
    return not (report.is_state_secret or report.is_abusive) and report.state not in (
        State.REJECTED,
        State.CANCELLED,
    )


def _refuse_unless_followable(report: Report) -> None:
    if not followable(report):
        raise ValidationError("Không thể theo dõi phản ánh này.")


def _limit(scope: str, identity: str, limit: int, window: int) -> None:
    decision = rate_hit(scope, identity, limit=limit, window_seconds=window)
    if not decision.allowed:
        raise FollowRefused("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau.", decision.retry_after)


def _code_hash(follower_pk: int, code: str) -> str:
    return lookup_hash("follow-code", f"{follower_pk}:{code}")


def follow_by_sms(*, report: Report, phone: str, client: str, now: datetime | None = None) -> Follower:
    """Ask to follow `report` by SMS: a one-time code is sent to `phone` (rate-limited per address and per
    phone). Whether the phone already follows it is not told: it gets a code all the same."""
    now = now or timezone.now()
    _refuse_unless_followable(report)
    number = normalize_phone(phone)  # ValidationError in Vietnamese
    _limit("follow-code-address", client or "unknown", settings.PAKN_FOLLOW_CODES_PER_ADDRESS_HOUR, 3600)
    _limit("follow-code-phone", number, settings.PAKN_FOLLOW_CODES_PER_PHONE_HOUR, 3600)
    phone_hash = lookup_hash("phone", number)
    with transaction.atomic():
        follower, _ = Follower.objects.get_or_create(
            report=report,
            phone_hash=phone_hash,
            defaults={"channel": Follower.Channel.SMS, "phone": number, "created_at": now},
        )
        # A code every time, confirmed or not: the answer must not tell whether this phone follows it.
        code = f"{secrets.randbelow(1_000_000):06d}"
        follower.code_hash = _code_hash(follower.pk, code)
        follower.code_expires_at = now + timedelta(minutes=CODE_MINUTES)
        follower.code_attempts = 0
        follower.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
        _send_code(follower, report, code, now)
    return follower


def _send_code(follower: Follower, report: Report, code: str, now: datetime) -> None:
    code_sms_queue(
        kind=Kind.FOLLOW_CODE,
        dedupe="follow-code",
        code={"otp": code},
        context={**report_context(report, now), "minutes": CODE_MINUTES},
        address=follower.phone,
        recipient=f"f{follower.pk}",
        now=now,
        report=report,
        follower=follower,
    )


def follow_confirm(
    *, report: Report, phone: str, code: str, client: str, now: datetime | None = None
) -> Follower:
    """Confirm a phone with the code it received; a wrong code counts, five wrong codes void it."""
    now = now or timezone.now()
    _limit(
        "follow-confirm-address", client or "unknown", settings.PAKN_FOLLOW_CODES_PER_ADDRESS_HOUR * 4, 3600
    )
    wrong = ValidationError({"code": "Mã xác nhận không đúng hoặc đã hết hạn."})
    try:
        number = normalize_phone(phone)
    except ValidationError:
        raise wrong from None
    follower = Follower.objects.filter(report=report, phone_hash=lookup_hash("phone", number)).first()
    if follower is None:
        raise wrong
    code = "".join((code or "").split())
    usable = (
        follower.code_hash
        and follower.code_expires_at is not None
        and follower.code_expires_at >= now
        and follower.code_attempts < CODE_ATTEMPTS
    )
    if not usable or not hmac.compare_digest(follower.code_hash, _code_hash(follower.pk, code)):
        Follower.objects.filter(pk=follower.pk).update(code_attempts=follower.code_attempts + 1)
        raise wrong
    follower.confirmed_at = follower.confirmed_at or now
    follower.code_hash = ""
    follower.save(update_fields=["confirmed_at", "code_hash"])
    return follower


def follow_by_push(
    *, report: Report, endpoint: str, p256dh: str, auth: str, client: str, user_agent: str = ""
) -> Follower | None:
    """Follow `report` from a browser that allowed web push (confirmed by the browser itself). None when this
    browser already gets the report's news as its reporter."""
    _refuse_unless_followable(report)
    if not push_enabled():
        raise ValidationError("Hệ thống chưa cấu hình thông báo đẩy (khóa VAPID).")
    _limit("follow-push-address", client or "unknown", settings.PAKN_FOLLOW_CODES_PER_ADDRESS_HOUR * 4, 3600)
    endpoint, p256dh, auth = (endpoint or "").strip(), (p256dh or "").strip(), (auth or "").strip()
    _check_subscription(endpoint, p256dh, auth)
    with transaction.atomic():
        subscription, _ = PushSubscription.objects.get_or_create(
            endpoint_hash=_endpoint_hash(endpoint),
            report=report,
            defaults={
                "endpoint": endpoint,
                "p256dh": p256dh,
                "auth": auth,
                "follows": True,
                "user_agent": user_agent[:200],
            },
        )
        if not subscription.follows:
            return None
        follower, _ = Follower.objects.get_or_create(
            subscription=subscription,
            defaults={"report": report, "channel": Follower.Channel.PUSH, "confirmed_at": timezone.now()},
        )
    return follower


def unsubscribe_token(follower: Follower) -> str:
    return signing.Signer(salt=_SALT).sign(str(follower.pk))


def unsubscribe_url(follower: Follower) -> str:
    try:
        return settings.SITE_URL + reverse("portal:unfollow", args=[unsubscribe_token(follower)])
    except NoReverseMatch:  # no portal mounted
        return settings.SITE_URL


def follower_for_token(token: str) -> Follower | None:
    try:
        pk = int(signing.Signer(salt=_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Follower.objects.select_related("report").filter(pk=pk).first()


def unfollow(*, token: str) -> Report | None:
    """Stop following (the link in every message): the follower and their browser's subscription go."""
    follower = follower_for_token(token)
    if follower is None:
        return None
    report = follower.report
    with transaction.atomic():
        if follower.subscription_id:
            PushSubscription.objects.filter(pk=follower.subscription_id).delete()  # cascades to the follower
        Follower.objects.filter(pk=follower.pk).delete()
    return report


def follower_count(report: Report) -> int:
    return Follower.objects.filter(report=report, confirmed_at__isnull=False).count()


def public_url(report: Report) -> str:
    try:
        return settings.SITE_URL + reverse("portal:detail", args=[report.tracking_code])
    except NoReverseMatch:
        return settings.SITE_URL


# --- The listener -------------------------------------------------------------------------------------


def followers_for_event(event: Event, report: Report, *, context: dict[str, Any] | None = None) -> None:
    """Tell the followers of a public update; on a duplicate's link, tell its reporter and make them follow
    the original."""
    if event.action == "link_duplicate":
        _duplicate_linked(event, report)
        return
    update = FOLLOWED_ACTIONS.get(event.action)
    if update is None or event.visibility != Event.Visibility.PUBLIC or not followable(report):
        return
    followers = list(
        Follower.objects.filter(report=report, confirmed_at__isnull=False).exclude(
            phone_hash__in=[report.phone_hash] if report.phone_hash else []
        )
    )
    if not followers:
        return
    message = OutboxMessage.objects.create(
        kind=Kind.FOLLOWED_UPDATE,
        report=report,
        event=event,
        dedupe_key=f"event:{event.pk}:{Kind.FOLLOWED_UPDATE}",
        context={**report_context(report, event.at), "update": update, "public_url": public_url(report)},
        created_at=event.at,
    )
    rows = []
    for f in followers:
        if f.channel == Follower.Channel.SMS:
            rows.append(Delivery(outbox=message, channel=Channel.SMS, follower=f, address=f.phone))
        elif f.subscription_id and push_enabled():
            rows.append(
                Delivery(outbox=message, channel=Channel.PUSH, follower=f, subscription_id=f.subscription_id)
            )
    for d in rows:
        d.idempotency_key = f"{message.uid.hex}-{d.channel}-f{d.follower.pk if d.follower else 0}"
    deliveries_queue(rows, [message.pk], event.at)


def _duplicate_linked(event: Event, duplicate: Report) -> None:
    original = Report.objects.filter(pk=event.data.get("original")).first()
    if original is None:
        return
    outbox_write(
        [
            Planned(
                Kind.DUPLICATE_LINKED,
                reporter=True,
                extra={"original_code": original.tracking_code, "public_url": public_url(original)},
            )
        ],
        report=duplicate,
        event=event,
        at=event.at,
        dedupe=f"event:{event.pk}",
    )
    follow_as_reporter(original=original, duplicate=duplicate, now=event.at)


def follow_as_reporter(*, original: Report, duplicate: Report, now: datetime) -> None:
    """The duplicate's reporter follows the original: their phone (given at submission) and the browsers
    that subscribed to the duplicate."""
    if duplicate.phone_hash and duplicate.reporter_phone:
        try:
            with transaction.atomic():
                Follower.objects.update_or_create(
                    report=original,
                    phone_hash=duplicate.phone_hash,
                    defaults={
                        "channel": Follower.Channel.SMS,
                        "phone": duplicate.reporter_phone,
                        "origin": Follower.Origin.DUPLICATE,
                        "confirmed_at": now,
                        "code_hash": "",
                    },
                )
        except IntegrityError:  # followed at the same moment by another path
            pass
    for s in PushSubscription.objects.filter(report=duplicate, follows=False):
        copy, created = PushSubscription.objects.get_or_create(
            endpoint_hash=s.endpoint_hash,
            report=original,
            defaults={"endpoint": s.endpoint, "p256dh": s.p256dh, "auth": s.auth, "follows": True},
        )
        if created:
            Follower.objects.create(
                report=original,
                channel=Follower.Channel.PUSH,
                origin=Follower.Origin.DUPLICATE,
                subscription=copy,
                confirmed_at=now,
            )
