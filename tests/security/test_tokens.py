"""Item 2 of issue 10: API device tokens do not outlive the credentials they were issued with (R-3.1)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from pakn.api.models import ApiToken
from tests.conftest import PASSWORD
from tests.console.conftest import signed_in
from tests.security.conftest import API, api_login, enrolled, totp_now

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mat-khau-moi-2026"


def _token(user, **extra) -> dict[str, str]:
    response = api_login(Client(), user.username, **extra)
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def _works(headers: dict[str, str]) -> int:
    return Client().get(f"{API}/auth/me", **headers).status_code


def test_api_token_is_refused_after_password_change(org):
    user = org.officer
    headers = _token(user)
    assert _works(headers) == 200
    changed = signed_in(user).post(
        "/console/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert _works(headers) == 401
    assert ApiToken.objects.get(user=user).revoked_reason == "password"


def test_api_token_is_refused_after_password_reset(org):
    """Whoever reset the password by e-mail (the owner who suspects a thief) shuts every device out."""
    user = org.officer
    user.email = "canbo@langson.gov.vn"
    user.save(update_fields=["email"])
    headers = _token(user)
    client = Client()
    client.post("/console/quen-mat-khau/", {"email": user.email})
    link = re.search(r"http://testserver(/console/quen-mat-khau/\S+/)", mail.outbox[0].body)
    assert link is not None
    form = client.get(link[1], follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert _works(headers) == 401


def test_api_token_is_refused_after_second_factor_reset(org, frozen):
    from pakn.org.accounts import user_second_factor_reset
    from tests.conftest import make_user

    user = org.commune_leader
    device = enrolled(user)
    headers = _token(user, otp_code=totp_now(device))
    assert _works(headers) == 200
    user_second_factor_reset(user=user, actor=make_user(org.ioc, "admin"), reason="Mất điện thoại.")
    assert _works(headers) == 401


def test_api_token_is_refused_after_the_authenticator_is_removed(org, frozen):
    """However the authenticator goes (turned off, replaced), the token issued with it goes too."""
    user = org.commune_leader
    device = enrolled(user)
    headers = _token(user, otp_code=totp_now(device))
    TOTPDevice.objects.filter(pk=device.pk).delete()
    assert _works(headers) == 401


def test_api_token_issued_without_factor_is_refused_when_2fa_becomes_required(org, settings):
    user = org.officer
    headers = _token(user)
    assert _works(headers) == 200
    settings.PAKN_STAFF_2FA_REQUIRED = True
    assert _works(headers) == 401
    assert ApiToken.objects.get(user=user).revoked_reason == "policy"


def test_api_token_issued_without_factor_is_refused_once_the_account_enrols_one(org):
    """A token taken with a stolen password before the owner enrolled stops working when he does."""
    user = org.officer
    headers = _token(user)
    enrolled(user)
    assert _works(headers) == 401


def test_replayed_idempotency_key_on_token_endpoint_never_hands_out_a_token(org):
    user = org.officer
    first = api_login(Client(), user.username, key="login-key-0001")
    assert first.status_code == 201 and first.json()["token"].startswith("pakn_")
    replay = api_login(Client(), user.username, key="login-key-0001")
    assert replay.status_code == 409 and replay.json()["code"] == "token_already_issued"
    assert "token" not in replay.json() and first.json()["token"] not in replay.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 1
