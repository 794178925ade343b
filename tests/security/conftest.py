"""Fixtures of the attack tests (issue 10): TOTP codes, a clean rate-limit cache, API logins."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen() -> Any:
    """The clock stands still: TOTP codes and django-otp's throttling delays do not move under the test."""
    import time_machine

    with time_machine.travel(time.time(), tick=False) as traveller:
        yield traveller


def totp_now(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def console_login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/console/dang-nhap/", {"username": username, "password": password})


def api_login(client: Client, username: str, *, key: str = "", **extra: Any) -> Any:
    body = {"username": username, "password": PASSWORD, "device_name": "Điện thoại", **extra}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"{API}/auth/token", json.dumps(body), content_type="application/json", **headers)


def enrolled(user: Any) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
    return device
