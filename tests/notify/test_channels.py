"""The channels behind `send(delivery, message)`: console rows, e-mail headers, SMS backends, web push to a
local fake push service (decrypted like a browser would) (issue 7)."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from pakn.notify import delivery as worker
from pakn.notify.channels import ConsoleChannel, ConsoleSms, strip_diacritics
from pakn.notify.models import Delivery, Kind, Notification, PushSubscription
from pakn.notify.services import push_subscribe
from pakn.notify.vapid import b64url, generate_vapid_keys
from pakn.reports import services


def test_the_console_channel_writes_one_notification_per_delivery(flow, people):
    report = flow.routed()
    d = Delivery.objects.get(outbox__kind=Kind.ROUTED, channel="console")
    message = worker.render(d)
    assert ConsoleChannel().send(d, message).ok
    assert ConsoleChannel().send(d, message).ok  # a retry after a crash
    [n] = Notification.objects.filter(user=people["commune_leader"])
    assert (
        n.report == report
        and n.title == f"Phản ánh {report.tracking_code} được chuyển đến {report.agency.name}"
    )
    assert n.url == f"/console/phan-anh/{report.pk}/"
    assert n.read_at is None


def test_an_email_carries_the_idempotency_key_as_its_message_id(flow, commit, mailoutbox):
    with commit():
        flow.received()
    d = Delivery.objects.get(channel="email", to_reporter=True)
    [mail] = [m for m in mailoutbox if m.to == ["an@example.com"]]
    assert mail.extra_headers["X-Idempotency-Key"] == d.idempotency_key
    assert mail.extra_headers["Message-ID"].startswith(f"<{d.idempotency_key}@")


def test_sms_can_go_without_accents(flow, commit, settings, sms_outbox):
    settings.PAKN_SMS_ASCII = True
    with commit():
        report = flow.received()
    assert sms_outbox[0]["text"].startswith(
        f"PAKN Lang Son: Da nhan phan anh cua ban, ma {report.tracking_code}."
    )
    assert (
        strip_diacritics("Đường Trần Đăng Ninh, phường Đông Kinh") == "Duong Tran Dang Ninh, phuong Dong Kinh"
    )


def test_the_console_sms_backend_prints_a_masked_number(flow, capsys):
    flow.received()
    d = Delivery.objects.get(channel="sms", to_reporter=True)
    assert ConsoleSms().send(d, worker.render(d)).ok
    out = capsys.readouterr().out
    assert "+849***678" in out and "912345678" not in out and "Đã nhận phản ánh" in out


# --- Web push ------------------------------------------------------------------------------------------


class Browser:
    """The keys a browser's PushManager makes for a subscription."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64url(public)
        self.auth_b64 = b64url(self.auth)

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        result: dict[str, Any] = json.loads(plain)
        return result


class PushService:
    """A push service on 127.0.0.1 that records what it gets; `status` decides its answer."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service.received.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                self.send_response(service.status)
                self.send_header("Location", f"{self.path}/msg/{len(service.received)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def push_service(settings: Any) -> Iterator[PushService]:
    keys = generate_vapid_keys()
    settings.PAKN_VAPID_PUBLIC_KEY = keys["public_key"]
    settings.PAKN_VAPID_PRIVATE_KEY = keys["private_key"]
    settings.PAKN_VAPID_SUBJECT = "mailto:ioc@example.vn"
    service = PushService()
    yield service
    service.server.shutdown()
    service.server.server_close()


def test_web_push_reaches_the_officers_browser_encrypted_and_signed(flow, people, push_service, commit):
    """VAPID-signed, aes128gcm-encrypted; the browser can read the title, the text and the page to open."""
    browser = Browser()
    push_subscribe(
        user=people["officer"],
        endpoint=f"{push_service.url}/push/officer",
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
    )
    report = flow.routed()
    with commit():
        services.report_assign(
            report=report, actor=people["commune_leader"], officer=people["officer"], now=flow.next(report)
        )
    [request] = push_service.received
    assert request["path"] == "/push/officer"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert len(request["headers"]["topic"]) == 32
    payload = browser.decrypt(request["body"])
    assert payload["title"] == f"Anh/chị được phân công xử lý phản ánh {report.tracking_code}"
    assert payload["url"] == f"/console/phan-anh/{report.pk}/"
    d = Delivery.objects.get(channel="push")
    assert d.status == Delivery.Status.SENT and d.provider_ref.endswith("/msg/1")


def test_a_reporter_who_allowed_push_gets_the_result_on_the_phone(flow, people, push_service, commit):
    browser = Browser()
    report = flow.awaiting_approval()
    push_subscribe(
        report=report,
        endpoint=f"{push_service.url}/push/reporter",
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
    )
    with commit():
        services.report_approve(report=report, actor=people["commune_leader"], now=flow.next(report))
    [request] = push_service.received
    payload = browser.decrypt(request["body"])
    assert payload["title"] == f"Kết quả xử lý phản ánh {report.tracking_code}"
    assert payload["url"].endswith(f"/theo-doi/{flow.secret}/")


def test_a_gone_subscription_is_forgotten(flow, people, push_service, commit):
    """410 Gone: the browser unsubscribed; the device is removed and never tried again."""
    browser = Browser()
    push_subscribe(
        user=people["commune_leader"],
        endpoint=f"{push_service.url}/push/x",
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
    )
    push_service.status = 410
    with commit():
        flow.routed()
    assert Delivery.objects.get(channel="push").status == Delivery.Status.SKIPPED
    assert not PushSubscription.objects.exists()


def test_a_push_service_error_is_retried(flow, people, push_service, commit):
    browser = Browser()
    push_subscribe(
        user=people["commune_leader"],
        endpoint=f"{push_service.url}/push/x",
        p256dh=browser.p256dh,
        auth=browser.auth_b64,
    )
    push_service.status = 503
    with commit():
        flow.routed()
    assert Delivery.objects.get(channel="push").status == Delivery.Status.PENDING


def test_a_subscription_needs_valid_keys(people, push_service):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        push_subscribe(user=people["officer"], endpoint="javascript:alert(1)", p256dh="x" * 40, auth="y" * 16)
    with pytest.raises(ValidationError):
        push_subscribe(user=people["officer"], endpoint="https://push.example/1", p256dh="", auth="")


def test_subscribing_twice_keeps_one_device(people, push_service):
    browser = Browser()
    for _ in range(2):
        push_subscribe(
            user=people["officer"],
            endpoint="https://push.example/a",
            p256dh=browser.p256dh,
            auth=browser.auth_b64,
        )
    assert PushSubscription.objects.filter(user=people["officer"]).count() == 1


def test_without_vapid_keys_there_is_no_push(flow, people, settings):
    settings.PAKN_VAPID_PRIVATE_KEY = ""
    PushSubscription.objects.create(
        user=people["commune_leader"],
        endpoint="https://p/1",
        endpoint_hash="h",
        p256dh="k" * 40,
        auth="a" * 16,
    )
    flow.routed()
    assert not Delivery.objects.filter(channel="push").exists()


def test_vapid_keys_have_the_shapes_browsers_expect():
    keys = generate_vapid_keys()
    assert len(base64.urlsafe_b64decode(keys["public_key"] + "=")) == 65
    assert len(base64.urlsafe_b64decode(keys["private_key"] + "=")) == 32
