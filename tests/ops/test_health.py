"""/healthz and /readyz (issue 15, item 5; R-11.1 the service runs 24/7): liveness for anyone, readiness as
JSON for monitoring only, each dependency reported with its measurements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from pakn.notify.models import Delivery
from pakn.ops import health

TOKEN = "readiness-token-0123456789abcdef"
OUTSIDE = "203.0.113.7"


@pytest.fixture(autouse=True)
def fresh_heartbeat():
    from huey.contrib.djhuey import HUEY

    HUEY.delete(health.HEARTBEAT_KEY)
    yield
    HUEY.delete(health.HEARTBEAT_KEY)


def ready(client: Client, **extra: str):
    return client.get("/readyz", REMOTE_ADDR=extra.pop("remote", "127.0.0.1"), **extra)


def test_healthz_answers_anyone_with_nothing_but_ok(client):
    response = client.get("/healthz", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_hidden_from_the_public(client):
    assert ready(client, remote=OUTSIDE).status_code == 404


@pytest.mark.django_db
@override_settings(PAKN_TRUSTED_PROXIES=[])
def test_readyz_through_an_unknown_proxy_is_refused_even_from_loopback(client):
    # nginx on the same machine connects from 127.0.0.1: the address alone must not open the door.
    assert ready(client, HTTP_X_FORWARDED_FOR=OUTSIDE).status_code == 404


@pytest.mark.django_db
@override_settings(PAKN_TRUSTED_PROXIES=["127.0.0.1"], PAKN_METRICS_ALLOWED_ADDRESSES=["10.0.0.0/8"])
def test_readyz_through_a_trusted_proxy_judges_the_client_address(client):
    assert ready(client, HTTP_X_FORWARDED_FOR=OUTSIDE).status_code == 404
    assert ready(client, HTTP_X_FORWARDED_FOR="10.1.2.3").status_code in (200, 503)


@pytest.mark.django_db
@override_settings(PAKN_METRICS_TOKEN=TOKEN, PAKN_METRICS_ALLOWED_ADDRESSES=[])
def test_readyz_with_the_token_from_anywhere(client):
    assert ready(client, remote=OUTSIDE, HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 404
    assert ready(client, remote="127.0.0.1").status_code == 404  # no address allowed at all
    response = ready(client, remote=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code in (200, 503)
    assert set(response.json()["checks"]) == {"database", "redis", "queue", "worker", "disk"}


@pytest.mark.django_db
def test_readyz_fails_until_a_worker_reports_then_passes(client):
    response = ready(client)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["last_seen_seconds"] is None
    assert body["checks"]["database"]["ok"] is True
    health.heartbeat_record()
    response = ready(client)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert 0 <= body["checks"]["worker"]["last_seen_seconds"] < 5
    assert body["checks"]["disk"]["free_mb"]["data"] > 0


@pytest.mark.django_db
def test_a_stale_heartbeat_fails(client):
    from huey.contrib.djhuey import HUEY

    HUEY.put(health.HEARTBEAT_KEY, {"at": 0.0, "host": "old", "pid": 1})
    worker = ready(client).json()["checks"]["worker"]
    assert worker["ok"] is False
    assert worker["last_seen_seconds"] > 180


@pytest.mark.django_db
def test_a_notification_waiting_too_long_fails_the_queue_check(client, submit):
    health.heartbeat_record()
    submit()  # the SMS "received" is written to the outbox; no worker runs in this test
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() >= 1
    assert ready(client).json()["checks"]["queue"]["ok"] is True
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=20))
    response = ready(client)
    queue = response.json()["checks"]["queue"]
    assert response.status_code == 503
    assert queue["ok"] is False
    assert 1199 <= queue["oldest_due_notification_seconds"] < 1300


@pytest.mark.django_db
@override_settings(PAKN_READY_MIN_FREE_MB=10**12)
def test_a_full_disk_fails(client):
    health.heartbeat_record()
    response = ready(client)
    assert response.status_code == 503
    disk = response.json()["checks"]["disk"]
    assert disk["ok"] is False
    assert disk["minimum_mb"] == 10**12


@pytest.mark.django_db
@override_settings(PAKN_REDIS_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_redis_fails(client):
    health.heartbeat_record()
    redis_check = ready(client).json()["checks"]["redis"]
    assert redis_check["ok"] is False
    assert redis_check["error"] == "ConnectionError"
