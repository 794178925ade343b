"""Staff tokens per device: login with the second factor, lock-out, listing and revoking (R-3.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.api.admin import ApiTokenAdmin
from pakn.api.models import ApiToken
from pakn.api.tokens import token_hash
from tests.api.conftest import API, PROBLEM, bearer, field_errors, post_json
from tests.conftest import PASSWORD


def login(api, user, **extra):
    data = {"username": user.username, "password": PASSWORD, "device_name": "Điện thoại của tôi", **extra}
    return post_json(api, "/auth/token", data)


def test_login_issues_a_device_token_that_is_stored_hashed(api, org):
    response = login(api, org.operator)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["token"].startswith("pakn_") and body["device_name"] == "Điện thoại của tôi"
    assert body["user"]["role"] == "operator" and body["user"]["agency"]["code"] == "ioc"
    token = ApiToken.objects.get(pk=body["id"])
    assert (
        token.token_hash == token_hash(body["token"]) and body["token"] not in token.prefix + token.token_hash
    )
    me = api.get(f"{API}/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200 and me.json()["username"] == org.operator.username


def test_a_wrong_password_is_401_in_vietnamese(api, org):
    response = login(api, org.operator, password="sai-mat-khau")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert not ApiToken.objects.exists()


def test_an_inactive_account_cannot_log_in(api, org):
    user = org.officer
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert login(api, user).status_code == 401


def test_missing_fields_are_named(api, org):
    response = post_json(api, "/auth/token", {"username": "x"})
    assert response.status_code == 422
    assert set(field_errors(response)) == {"password", "device_name"}


@pytest.fixture
def totp_device(org):
    device = TOTPDevice.objects.create(user=org.commune_leader, name="Điện thoại", confirmed=True)
    return device


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_an_enrolled_user_needs_the_totp_code(api, org, totp_device):
    """R-3.1: the second factor when enrolled."""
    response = login(api, org.commune_leader)
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    wrong = login(api, org.commune_leader, otp_code="000000" if _code(totp_device) != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_invalid"
    assert not ApiToken.objects.exists()
    at_once = login(api, org.commune_leader, otp_code=_code(totp_device))
    assert at_once.status_code == 429 and at_once.json()["code"] == "otp_throttled"  # django_otp's delay
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        ok = login(api, org.commune_leader, otp_code=_code(totp_device))
    assert ok.status_code == 201 and ok.json()["user"]["two_factor"] is True


def test_when_the_second_factor_is_mandatory_an_unenrolled_user_gets_no_token(api, org, settings):
    settings.PAKN_STAFF_2FA_REQUIRED = True
    response = login(api, org.operator)
    assert response.status_code == 403 and response.json()["code"] == "otp_enrolment_required"
    assert not ApiToken.objects.exists()


def test_repeated_failures_lock_the_login_with_429(api, org, settings):
    """django-axes: after AXES_FAILURE_LIMIT failures even the right password is refused for a while."""
    settings.AXES_FAILURE_LIMIT = 3
    failures = [login(api, org.operator, password="sai").status_code for _ in range(3)]
    assert failures == [401, 401, 429]  # the third failure reaches the limit
    response = login(api, org.operator)
    assert response.status_code == 429 and response.json()["code"] == "login_locked"
    assert int(response["Retry-After"]) > 0 and response["Content-Type"] == PROBLEM
    assert not ApiToken.objects.exists()


def test_a_user_lists_his_devices_and_revokes_one(api, org):
    first = login(api, org.operator).json()
    second = login(api, org.operator, device_name="Máy tính bảng").json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {first['token']}"}
    listed = api.get(f"{API}/auth/tokens", **headers).json()
    assert [(t["device_name"], t["current"]) for t in listed] == [
        ("Máy tính bảng", False),
        ("Điện thoại của tôi", True),
    ]
    assert all("token" not in t for t in listed)
    assert api.delete(f"{API}/auth/tokens/{second['id']}", **headers).status_code == 204
    gone = api.get(f"{API}/auth/me", HTTP_AUTHORIZATION=f"Bearer {second['token']}")
    assert gone.status_code == 401 and gone["WWW-Authenticate"].startswith("Bearer")
    assert api.get(f"{API}/auth/me", **headers).status_code == 200


def test_nobody_revokes_another_users_token(api, org):
    theirs = login(api, org.officer).json()
    response = api.delete(f"{API}/auth/tokens/{theirs['id']}", **bearer(org.operator))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs["id"]).revoked_at is None


def test_logging_out_revokes_the_current_token(api, org):
    token = login(api, org.officer).json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert api.delete(f"{API}/auth/token", **headers).status_code == 204
    assert api.get(f"{API}/auth/me", **headers).status_code == 401


def test_expired_tokens_and_deactivated_users_are_refused(api, org):
    headers = bearer(org.officer)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get(f"{API}/auth/me", **headers).status_code == 401
    headers = bearer(org.officer2)
    org.officer2.is_active = False
    org.officer2.save(update_fields=["is_active"])
    assert api.get(f"{API}/auth/me", **headers).status_code == 401


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer pakn_nope", "Basic dXNlcjpwYXNz", "Token abc"])
def test_staff_endpoints_refuse_missing_or_wrong_credentials(api, org, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = api.get(f"{API}/staff/inbox", **extra)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_the_administrator_revokes_tokens_in_the_admin(api, org, admin_user):
    headers = bearer(org.officer)
    model_admin = ApiTokenAdmin(ApiToken, site)
    request = RequestFactory().post("/admin/api/apitoken/")
    request.user = admin_user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()  # type: ignore[attr-defined]
    model_admin.revoke(request, ApiToken.objects.all())
    assert api.get(f"{API}/auth/me", **headers).status_code == 401
    assert not model_admin.has_add_permission(request)


def test_the_admin_changelist_shows_tokens_without_their_secret(client, org, admin_user):
    bearer(org.officer)
    client.force_login(admin_user)
    response = client.get("/admin/api/apitoken/")
    assert response.status_code == 200
    assert "Máy thử" in response.content.decode()
