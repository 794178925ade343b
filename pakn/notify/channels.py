"""The channels a delivery goes through, behind one small interface: `send(delivery, message) -> Result`.

- console: the Notification row the console shows (idempotent: one per delivery);
- email: Django's e-mail backends (PAKN_EMAIL_BACKEND);
- sms: a console backend for local use, a memory backend for tests, and an HTTP gateway (URL, token, JSON
  body template) that receives the idempotency key in the `Idempotency-Key` header;
- push: web push with VAPID (pywebpush); the key's hash is the `Topic`, so a push service replaces rather
  than repeats a message sent twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
import sys
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from pakn.notify.done import still_open
from pakn.notify.models import Channel, Delivery, Kind, Notification

if TYPE_CHECKING:
    from pakn.notify.delivery import Rendered

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Result:
    """What a channel says about one attempt."""

    ok: bool
    error: str = ""
    permanent: bool = False  # retrying cannot help (a refused address, a broken template)
    skipped: bool = False  # nothing to send to (no device any more, the text switched off)
    ref: str = ""  # the provider's id of the message

    @classmethod
    def sent(cls, ref: str = "") -> Result:
        return cls(ok=True, ref=ref)

    @classmethod
    def failure(cls, error: str, *, permanent: bool = False) -> Result:
        return cls(ok=False, error=error[:2000], permanent=permanent)

    @classmethod
    def skip(cls, reason: str) -> Result:
        return cls(ok=False, error=reason, skipped=True)


class ChannelBackend(Protocol):
    def send(self, delivery: Delivery, message: Rendered) -> Result: ...


def _relative(url: str) -> str:
    return url[len(settings.SITE_URL) :] or "/" if url.startswith(settings.SITE_URL) else url


class ConsoleChannel:
    """The in-console notification: a row, created once per delivery."""

    def send(self, delivery: Delivery, message: Rendered) -> Result:
        if delivery.user_id is None:
            return Result.skip("Thông báo trên hệ thống chỉ dành cho cán bộ.")
        outbox = delivery.outbox
        # Delivered after the step it asks for was done (a busy queue): created done (issue 14, item 7).
        report = outbox.report if outbox.step else None
        row = Notification(user_id=delivery.user_id, kind=outbox.kind, step=outbox.step)
        row.step_started_at = outbox.step_started_at
        done = report is not None and not still_open(row, report)
        notification, _ = Notification.objects.get_or_create(
            delivery=delivery,
            defaults={
                "step": outbox.step,
                "step_started_at": outbox.step_started_at,
                "done_at": timezone.now() if done else None,
                "user_id": delivery.user_id,
                "kind": delivery.outbox.kind,
                "title": message.subject[:200],
                "body": message.body,
                "url": _relative(message.url)[:300],
                "report_id": delivery.outbox.report_id,
                "created_at": delivery.outbox.created_at,
            },
        )
        return Result.sent(ref=f"notification:{notification.pk}")


class EmailChannel:
    """E-mail through Django's backend; the idempotency key becomes the Message-ID, so a mail server or
    client that sees the same message twice can drop the copy."""

    def send(self, delivery: Delivery, message: Rendered) -> Result:
        if not delivery.address:
            return Result.skip("Không có địa chỉ thư điện tử.")
        domain = (settings.DEFAULT_FROM_EMAIL or "").rpartition("@")[2].strip("> ") or "pakn.localhost"
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.address],
            headers={
                "Message-ID": f"<{delivery.idempotency_key}@{domain}>",
                "X-Idempotency-Key": delivery.idempotency_key,
            },
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as e:
            return Result.failure(f"Địa chỉ bị từ chối: {e}", permanent=True)
        except (smtplib.SMTPException, OSError) as e:
            return Result.failure(f"Máy chủ thư: {e}")
        return Result.sent()


def strip_diacritics(text: str) -> str:
    """Vietnamese without accents (GSM-7 SMS cost less than Unicode ones): 'Phản ánh đã' → 'Phan anh da'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _mask(phone: str) -> str:
    return phone[:4] + "***" + phone[-3:] if len(phone) > 7 else "***"


def sms_text(message: Rendered) -> str:
    return strip_diacritics(message.body) if settings.PAKN_SMS_ASCII else message.body


class ConsoleSms:
    """Local use: print the SMS instead of sending it (like Django's console e-mail backend)."""

    def send(self, delivery: Delivery, message: Rendered) -> Result:
        sys.stdout.write(
            f"[SMS → {_mask(delivery.address)} · {delivery.idempotency_key}]\n{sms_text(message)}\n"
        )
        sys.stdout.flush()
        return Result.sent(ref="console")


# Tests read what the memory backend "sent", like django.core.mail.outbox.
sms_outbox: list[dict[str, str]] = []


class LocmemSms:
    def send(self, delivery: Delivery, message: Rendered) -> Result:
        if not delivery.address:
            return Result.skip("Không có số điện thoại.")
        sms_outbox.append(
            {"to": delivery.address, "text": sms_text(message), "key": delivery.idempotency_key}
        )
        return Result.sent(ref=f"locmem:{len(sms_outbox)}")


class OffSms:
    """No SMS gateway (production without PAKN_SMS_GATEWAY_URL): nothing is sent, nothing is printed."""

    def send(self, delivery: Delivery, message: Rendered) -> Result:
        return Result.skip("Chưa cấu hình cổng SMS.")


def _fill(value: Any, fields: dict[str, str]) -> Any:
    """Put the message's fields into the JSON body template's strings ({to}, {text}, …), safely: the values
    are inserted after the JSON is parsed, so no text can break its structure."""
    if isinstance(value, str):
        for name, field_value in fields.items():
            value = value.replace("{" + name + "}", field_value)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, fields) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, fields) for v in value]
    return value


RETRYABLE_STATUS = {401, 403, 408, 425, 429}


class HttpSms:
    """A provider's HTTP API: POST the JSON body with `Authorization: Bearer <token>` and
    `Idempotency-Key: <key>`. 2xx is sent; 409 means the gateway already has this key (sent before a
    crash): also sent. 4xx other than auth and rate limits is permanent; the rest is retried."""

    def send(self, delivery: Delivery, message: Rendered) -> Result:
        if not delivery.address:
            return Result.skip("Không có số điện thoại.")
        phone = delivery.address
        fields = {
            "to": phone,
            "to_local": "0" + phone[3:] if phone.startswith("+84") else phone,
            "text": sms_text(message),
            "key": delivery.idempotency_key,
            "sender": settings.PAKN_SMS_SENDER,
        }
        body = _fill(json.loads(settings.PAKN_SMS_GATEWAY_BODY or "{}"), fields)
        headers = {"Idempotency-Key": delivery.idempotency_key}
        if settings.PAKN_SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.PAKN_SMS_GATEWAY_TOKEN}"
        try:
            response = requests.post(
                settings.PAKN_SMS_GATEWAY_URL,
                json=body,
                headers=headers,
                timeout=settings.PAKN_SMS_GATEWAY_TIMEOUT,
            )
        except requests.RequestException as e:
            return Result.failure(f"Cổng SMS không phản hồi: {type(e).__name__}")
        if 200 <= response.status_code < 300:
            return Result.sent(ref=_provider_ref(response))
        if response.status_code == 409:
            return Result.sent(ref="duplicate")
        error = f"Cổng SMS trả lỗi {response.status_code}: {response.text[:300]}"
        permanent = 400 <= response.status_code < 500 and response.status_code not in RETRYABLE_STATUS
        return Result.failure(error, permanent=permanent)


def _provider_ref(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        return str(data.get("id") or data.get("message_id") or "")
    return ""


URGENT_KINDS = {Kind.OVERDUE, Kind.ROUTED, Kind.ESCALATED, Kind.INFO_REQUESTED, Kind.DUE_SOON}


class PushChannel:
    """Web push (RFC 8030 + VAPID RFC 8292) with pywebpush."""

    def send(self, delivery: Delivery, message: Rendered) -> Result:
        from pywebpush import WebPushException, webpush

        subscription = delivery.subscription
        if subscription is None:
            return Result.skip("Thiết bị đã hủy đăng ký nhận thông báo đẩy.")
        if not settings.PAKN_VAPID_PRIVATE_KEY:
            return Result.failure("Chưa cấu hình khóa VAPID.")
        from pakn.notify.endpoints import push_endpoint_problem

        if problem := push_endpoint_problem(subscription.endpoint):
            return Result.failure(
                problem, permanent=True
            )  # registered before the rule, or now resolves inward
        payload = json.dumps(
            {
                "title": message.subject,
                "body": message.body,
                "url": _relative(message.url) if not delivery.to_reporter else message.url,
                "tag": delivery.outbox.kind,
            },
            ensure_ascii=False,
        )
        topic = hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:32]
        try:
            response = webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=payload,
                vapid_private_key=settings.PAKN_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.PAKN_VAPID_SUBJECT},
                ttl=24 * 3600,
                timeout=settings.PAKN_PUSH_TIMEOUT,
                headers={
                    "Topic": topic,
                    "Urgency": "high" if delivery.outbox.kind in URGENT_KINDS else "normal",
                },
            )
        except WebPushException as e:
            status = e.response.status_code if e.response is not None else None
            if status in (404, 410):
                subscription.delete()  # the browser unsubscribed; never try it again
                return Result.skip("Thiết bị đã hủy đăng ký nhận thông báo đẩy.")
            permanent = status is not None and 400 <= status < 500 and status != 429
            return Result.failure(f"Dịch vụ thông báo đẩy trả lỗi {status}", permanent=permanent)
        except requests.RequestException as e:
            return Result.failure(f"Dịch vụ thông báo đẩy không phản hồi: {type(e).__name__}")
        type(subscription).objects.filter(pk=subscription.pk).update(last_success_at=timezone.now())
        return Result.sent(ref=str(getattr(response, "headers", {}).get("Location", ""))[:200])


def backend_for(channel: str) -> ChannelBackend:
    if channel == Channel.CONSOLE:
        return ConsoleChannel()
    if channel == Channel.EMAIL:
        return EmailChannel()
    if channel == Channel.PUSH:
        return PushChannel()
    if channel == Channel.SMS:
        sms: dict[str, type[ChannelBackend]] = {
            "console": ConsoleSms,
            "locmem": LocmemSms,
            "http": HttpSms,
            "off": OffSms,
        }
        return sms[settings.PAKN_SMS_BACKEND]()
    raise ValueError(f"unknown channel {channel!r}")
