"""The admin speaks Vietnamese, third-party apps included (issue 14.6: "Access attempts", "TOTP devices")."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.org.models import User

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Access attempts",
    "Access failures",
    "Access logs",
    "TOTP devices",
    "TOTP device",
    "Axes",
    "Totp",
    "Skip to main content",
    "Toggle theme",
    "Show counts",
    "Model name",
    "Add link",
    "Identity",
    "Timestamps",
    "Configuration",
    "Throttling",
    "The human-readable name",
    "Is this device ready",
    "Attempt Time",
    "User Agent",
    "IP Address",
]


def visible_text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("quantri", "qt@example.vn", "Mat-khau-rat-dai-2026")
    officer = User.objects.create_user("canbo", "cb@example.vn", "Mat-khau-rat-dai-2026")
    TOTPDevice.objects.create(user=officer, name="Điện thoại", confirmed=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
        "/admin/otp_totp/totpdevice/",
    ],
)
def test_admin_pages_have_no_english_labels(admin_client, url):
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert [word for word in ENGLISH if word in text] == []


def test_the_totp_device_form_is_vietnamese_and_hides_the_secret(admin_client):
    device = TOTPDevice.objects.get()
    response = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Thiết bị xác thực hai bước" in text or "thiết bị xác thực hai bước" in text
    assert [word for word in ENGLISH if word in text] == []
    assert device.key not in response.content.decode()  # the secret never reaches the administrator's screen
