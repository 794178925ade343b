"""Item 10 of issue 10: web push cannot be turned against the internal network (server-side request forgery)."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from pakn.notify.vapid import generate_vapid_keys
from tests.console.conftest import signed_in

pytestmark = pytest.mark.django_db
KEYS = {"p256dh": "B" * 87, "auth": "a" * 22}
SUBSCRIBE = "/console/notifications/thong-bao-day/dang-ky/"


@pytest.fixture(autouse=True)
def _vapid(settings):
    keys = generate_vapid_keys()
    settings.PAKN_VAPID_PUBLIC_KEY = keys["public_key"]
    settings.PAKN_VAPID_PRIVATE_KEY = keys["private_key"]


def _subscribe(client, endpoint: str):
    return client.post(
        SUBSCRIBE, json.dumps({"endpoint": endpoint, "keys": KEYS}), content_type="application/json"
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:8000/admin/",
        "https://127.0.0.1/push",
        "https://localhost/push",
        "https://10.0.0.5/push",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/push",
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com:8443/fcm/send/abc",
        "https://attacker.example.org/push",
        "https://fcm.googleapis.com.attacker.example.org/x",
        "https://user:pw@fcm.googleapis.com/fcm/send/abc",
    ],
)
def test_web_push_endpoint_at_a_private_or_unknown_address_is_refused(org, endpoint):
    from pakn.notify.models import PushSubscription

    with mock.patch("socket.getaddrinfo", return_value=[(2, 1, 6, "", ("142.250.0.95", 443))]):
        response = _subscribe(signed_in(org.officer), endpoint)
    assert response.status_code == 400, (endpoint, response.status_code)
    assert not PushSubscription.objects.exists()


def test_web_push_endpoint_of_a_known_service_resolving_to_a_private_address_is_refused(org):
    """DNS pointing a push-service-looking name inside (or a poisoned resolver) is refused too."""
    from pakn.notify.models import PushSubscription

    with mock.patch("socket.getaddrinfo", return_value=[(2, 1, 6, "", ("10.1.2.3", 443))]):
        response = _subscribe(signed_in(org.officer), "https://fcm.googleapis.com/fcm/send/abc")
    assert response.status_code == 400 and not PushSubscription.objects.exists()


def test_web_push_endpoint_of_a_known_service_is_accepted(org):
    from pakn.notify.models import PushSubscription

    with mock.patch("socket.getaddrinfo", return_value=[(2, 1, 6, "", ("142.250.0.95", 443))]):
        response = _subscribe(signed_in(org.officer), "https://fcm.googleapis.com/fcm/send/abc:def")
    assert response.status_code in (200, 201, 204), response.content
    assert PushSubscription.objects.get().endpoint == "https://fcm.googleapis.com/fcm/send/abc:def"


def test_web_push_delivery_to_an_endpoint_now_resolving_inside_is_not_sent(org):
    """Checked again at delivery: an endpoint accepted earlier whose name now resolves to 127.0.0.1."""
    from pakn.notify.channels import PushChannel
    from pakn.notify.models import PushSubscription

    subscription = PushSubscription.objects.create(
        user=org.officer, endpoint="https://fcm.googleapis.com/fcm/send/x", endpoint_hash="h", **KEYS
    )
    delivery = mock.Mock(subscription=subscription, to_reporter=False, idempotency_key="k")
    message = mock.Mock(subject="s", body="b", url="/console/")
    with (
        mock.patch("socket.getaddrinfo", return_value=[(2, 1, 6, "", ("127.0.0.1", 443))]),
        mock.patch("pywebpush.webpush") as webpush,
    ):
        result = PushChannel().send(delivery, message)
    assert webpush.call_count == 0
    assert result.ok is False and result.permanent is True
